//! TCP and UDP port names from /etc/services, as tcpdump's `init_servarray` reads them:
//! the first line naming a port wins.

use std::collections::HashMap;

/// Port names by protocol.
#[derive(Clone, Debug, Default)]
pub struct Services {
    tcp: HashMap<u16, String>,
    udp: HashMap<u16, String>,
}

impl Services {
    /// /etc/services, or no names at all when it cannot be read.
    pub fn from_system() -> Services {
        std::fs::read_to_string("/etc/services")
            .map(|t| Services::parse(&t))
            .unwrap_or_default()
    }

    /// Lines such as `http  80/tcp  www  # WorldWideWeb HTTP`.
    pub fn parse(text: &str) -> Services {
        let mut s = Services::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let (Some(name), Some(port_proto)) = (words.next(), words.next()) else {
                continue;
            };
            let Some((port, proto)) = port_proto.split_once('/') else {
                continue;
            };
            let Ok(port) = port.parse::<u16>() else {
                continue;
            };
            let table = match proto {
                "tcp" => &mut s.tcp,
                "udp" => &mut s.udp,
                _ => continue,
            };
            table.entry(port).or_insert_with(|| name.to_string());
        }
        s
    }

    pub fn tcp(&self, port: u16) -> Option<&str> {
        self.tcp.get(&port).map(String::as_str)
    }

    pub fn udp(&self, port: u16) -> Option<&str> {
        self.udp.get(&port).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_name_per_port_and_protocol() {
        let s = Services::parse(
            "# comment\n\
             http\t\t80/tcp\t\twww\t# WWW\n\
             domain\t\t53/tcp\n\
             domain\t\t53/udp\n\
             other\t\t53/udp\n\
             sctpish\t\t9/sctp\n\
             broken\t\tx/tcp\n\
             lonely\n",
        );
        assert_eq!(s.tcp(80), Some("http"));
        assert_eq!(s.udp(80), None);
        assert_eq!(s.udp(53), Some("domain"));
        assert_eq!(s.tcp(9), None);
    }

    #[test]
    fn the_system_file_names_the_usual_ports() {
        // netbase's /etc/services (Debian's base system) has these.
        let s = Services::from_system();
        assert_eq!(s.tcp(22), Some("ssh"));
        assert_eq!(s.udp(53), Some("domain"));
    }
}
