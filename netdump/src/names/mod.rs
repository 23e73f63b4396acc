//! Names for numbers, as tcpdump prints them when `-n` is not given: host names by
//! reverse lookup ([`hosts`]), TCP and UDP port names from /etc/services ([`services`]),
//! and MAC addresses from /etc/ethers or with their vendor ([`ethers`]).
//!
//! A live capture never waits for a resolver: a lookup runs on a worker thread and, until
//! it answers, lines show the address as `-n` would (tcpdump itself blocks in
//! gethostbyaddr, so a slow resolver stalls it and its ring overflows). Reading a file
//! (`-r`) waits for each answer, as tcpdump does, so the output is the same on every run.

pub mod ethers;
pub mod hosts;
pub mod protocols;
pub mod services;

use std::net::{IpAddr, Ipv4Addr};

pub use hosts::Hosts;
pub use services::Services;

/// Appends an address as tcpdump writes it numerically: IPv4 dotted, IPv6 as RFC 5952
/// except tcpdump's `addrtostr6` rule that an address whose first six words are zero (and
/// the seventh not), or `::ffff:` and two words, ends in dotted IPv4 (`::1.2.3.4`).
pub fn write_addr(out: &mut String, addr: IpAddr) {
    use std::fmt::Write as _;
    if let IpAddr::V6(a) = addr {
        let w = a.segments();
        let o = a.octets();
        let zeros = w.iter().take_while(|&&x| x == 0).count();
        if zeros == 6 || (zeros == 5 && w[5] == 0xffff) {
            let v4 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
            let _ = if zeros == 6 {
                write!(out, "::{v4}")
            } else {
                write!(out, "::ffff:{v4}")
            };
            return;
        }
    }
    let _ = write!(out, "{addr}");
}

/// What to look up, from `-n`, `-N`, `-f` and the command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// No `-n`: print names.
    pub resolve: bool,
    /// `-N`: host names without their domain.
    pub short_hosts: bool,
    /// `-f`: IPv4 addresses outside these networks (address, mask) stay numeric.
    pub local_networks: Option<Vec<(Ipv4Addr, Ipv4Addr)>>,
    /// Wait for each lookup (`-r`); otherwise look up in the background.
    pub blocking: bool,
}

/// Every table of names one printer uses.
#[derive(Debug)]
pub struct Names {
    hosts: Hosts,
    services: Services,
    ethers: ethers::Ethers,
    local_networks: Option<Vec<(Ipv4Addr, Ipv4Addr)>>,
}

impl Names {
    /// Reads /etc/services and /etc/ethers and starts the resolver (nothing when
    /// `!opts.resolve`: then no one asks).
    pub fn new(opts: &Options) -> Names {
        Names {
            hosts: Hosts::new(
                if opts.blocking {
                    hosts::Mode::Blocking
                } else {
                    hosts::Mode::Background
                },
                opts.short_hosts,
                hosts::system_lookup,
            ),
            services: Services::from_system(),
            ethers: ethers::Ethers::from_system(),
            local_networks: opts.local_networks.clone(),
        }
    }

    /// Tables for tests: the given lookup and services, no /etc/ethers.
    pub fn with(hosts: Hosts, services: Services) -> Names {
        Names {
            hosts,
            services,
            ethers: ethers::Ethers::default(),
            local_networks: None,
        }
    }

    /// Appends the host's name, or its address while none is known.
    pub fn write_host(&self, out: &mut String, addr: IpAddr) {
        let foreign = match (addr, &self.local_networks) {
            (IpAddr::V4(a), Some(nets)) => !nets
                .iter()
                .any(|(net, mask)| a.to_bits() & mask.to_bits() == net.to_bits() & mask.to_bits()),
            _ => false,
        };
        if foreign {
            write_addr(out, addr);
        } else {
            self.hosts.write(out, addr);
        }
    }

    /// A TCP port's service name, if /etc/services has one.
    pub fn tcp_port(&self, port: u16) -> Option<&str> {
        self.services.tcp(port)
    }

    /// A UDP port's service name, if /etc/services has one.
    pub fn udp_port(&self, port: u16) -> Option<&str> {
        self.services.udp(port)
    }

    /// Appends a MAC address as tcpdump prints it without `-n`: its /etc/ethers name, or the
    /// address and its vendor (`00:00:0c:01:02:03 (oui Cisco)`).
    pub fn write_mac(&self, out: &mut String, mac: &[u8]) {
        self.ethers.write(out, mac);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    fn text(a: &str) -> String {
        let mut s = String::new();
        write_addr(&mut s, a.parse().unwrap());
        s
    }

    #[test]
    fn ipv6_as_tcpdump_writes_it() {
        assert_eq!(text("::102:304"), "::1.2.3.4");
        assert_eq!(text("::ffff:102:304"), "::ffff:1.2.3.4");
        assert_eq!(text("::1"), "::1");
        assert_eq!(text("::"), "::");
        assert_eq!(text("2001:2::1"), "2001:2::1");
        assert_eq!(text("198.18.0.1"), "198.18.0.1");
        let _ = Ipv6Addr::LOCALHOST;
    }
}
