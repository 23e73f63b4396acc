//! Flags to options: defaults, limits, the checks between flags.

use clap::Parser as _;

use netdump_common::{direction, MAX_SNAPLEN};

use super::*;
use crate::{iface::Selection, kernel::Hooks, packet::LinkType, savefile::Format};

fn parse(args: &[&str]) -> Result<Command, CliError> {
    let mut v = vec!["netdump"];
    v.extend_from_slice(args);
    Args::try_parse_from(v).unwrap().into_command()
}

fn config(args: &[&str]) -> Config {
    match parse(args).unwrap() {
        Command::Capture(c) => c,
        _ => panic!("expected a capture"),
    }
}

#[test]
fn defaults_fit_a_full_frame() {
    let c = config(&["-i", "eth0"]);
    assert_eq!(c.kernel.snaplen, 1518);
    assert_eq!(c.kernel.ring_bytes, 2048 * 1024);
    assert_eq!(
        c.kernel.hooks,
        Hooks {
            tc: true,
            socket: false,
            drops: false,
        }
    );
    assert_eq!(c.kernel.directions, direction::INGRESS | direction::EGRESS);
}

#[test]
fn snaplen_zero_and_max_mean_the_largest() {
    assert_eq!(config(&["-s", "0"]).kernel.snaplen, MAX_SNAPLEN);
    let c = config(&["-s", "262144"]);
    assert_eq!(c.kernel.snaplen, MAX_SNAPLEN);
    assert_eq!(c.notes.len(), 1);
    assert!(matches!(
        parse(&["-s", "262145"]),
        Err(CliError::Snaplen(262145))
    ));
}

#[test]
fn bad_values_are_errors() {
    assert!(matches!(parse(&["-B", "1"]), Err(CliError::Buffer(1))));
    assert!(matches!(parse(&["-c", "0"]), Err(CliError::Count)));
    assert!(matches!(parse(&["--hook", "xdp"]), Err(CliError::Hook(_))));
    assert!(matches!(
        parse(&["-i", "a/b"]),
        Err(CliError::InterfaceName(_))
    ));
    assert!(matches!(
        parse(&["-i", "veth[0-"]),
        Err(CliError::InterfacePattern(_))
    ));

    assert_eq!(
        config(&["tcp", "port", "80"]).filter.as_deref(),
        Some("tcp port 80")
    );
    assert!(matches!(
        parse(&["-C", "1"]),
        Err(CliError::NeedsWrite("-C"))
    ));
    assert!(matches!(
        parse(&["-w", "x", "-W", "2"]),
        Err(CliError::CountNeedsRotation)
    ));
    assert!(matches!(
        parse(&["-w", "-", "--print"]),
        Err(CliError::StdoutTaken(_))
    ));
    assert!(matches!(
        parse(&["-w", "x", "-C", "0"]),
        Err(CliError::Zero { flag: "-C" })
    ));
}

#[test]
fn files_and_formats() {
    let c = config(&["-w", "a.pcapng", "-C", "2", "-W", "3"]);
    let s = c.output.save.unwrap();
    assert_eq!(s.format, Format::PcapNg);
    assert_eq!(s.rotation.size_bytes, Some(2_000_000));
    assert_eq!(s.snaplen, 1518);
    assert!(!c.output.text);
    assert!(config(&["-w", "a", "--print"]).output.text);
    match parse(&["-r", "f.pcap", "tcp", "port", "80"]).unwrap() {
        Command::Read(r) => assert_eq!(r.filter.as_deref(), Some("tcp port 80")),
        _ => panic!("expected a read"),
    }
}

#[test]
fn direction_and_hooks() {
    assert_eq!(config(&["-Q", "in"]).kernel.directions, direction::INGRESS);
    assert_eq!(config(&["-Q", "out"]).kernel.directions, direction::EGRESS);
    let c = config(&["--hook", "tc,socket"]);
    assert!(c.kernel.hooks.tc && c.kernel.hooks.socket && c.output.print.hook_tag);
}

#[test]
fn interfaces_lists_any_and_patterns() {
    assert_eq!(config(&[]).interfaces, Selection::Default);
    assert_eq!(
        config(&["-i", "eth0"]).interfaces,
        Selection::Named(vec!["eth0".into()])
    );
    assert_eq!(
        config(&["-i", "eth0,veth1", "-i", "veth2", "-i", "eth0"]).interfaces,
        Selection::Named(vec!["eth0".into(), "veth1".into(), "veth2".into()])
    );
    assert_eq!(
        config(&["-i", "eth0", "-i", "any"]).interfaces,
        Selection::Any
    );
    match config(&["-i", "lo,veth*"]).interfaces {
        Selection::Match { names, patterns } => {
            assert_eq!(names, vec!["lo".to_string()]);
            assert!(patterns[0].matches("veth12") && !patterns[0].matches("eth0"));
        }
        other => panic!("expected a match, got {other:?}"),
    }
    assert!(matches!(
        parse(&["-i", "eth0,"]),
        Err(CliError::InterfaceName(_))
    ));
    let c = config(&["-i", "any", "-w", "x.pcapng"]);
    assert_eq!(c.output.save.unwrap().link_type, LinkType::ETHERNET);
    let c = config(&["-i", "a,b", "-w", "x"]);
    assert_eq!(c.output.save.unwrap().link_type, LinkType::LINUX_SLL2);
    let c = config(&["-i", "a", "-w", "x"]);
    assert_eq!(c.output.save.unwrap().link_type, LinkType::ETHERNET);
}

#[test]
fn buffer_rounds_up() {
    let c = config(&["-B", "3000"]);
    assert_eq!(c.kernel.ring_bytes, 4096 * 1024);
    assert_eq!(c.notes.len(), 1);
}

#[test]
fn netns_values_and_what_they_rule_out() {
    use crate::netns::{Spec, Target};
    assert_eq!(config(&["-i", "eth0"]).netns, Target::Own);
    assert_eq!(config(&["--netns", "all"]).netns, Target::All);
    assert_eq!(
        config(&["--netns", "blue", "-i", "any"]).netns,
        Target::One(Spec::Name("blue".into()))
    );
    assert!(config(&["--netns", "all"]).output.print.netns_suffix);
    assert!(!config(&["--netns", "blue"]).output.print.netns_suffix);
    assert!(matches!(
        parse(&["-D", "--netns", "pid:7"]),
        Ok(Command::ListInterfaces(Target::One(Spec::Pid(7))))
    ));
    assert!(matches!(
        parse(&["--netns", "pid:0"]),
        Err(CliError::Netns { .. })
    ));
    assert!(matches!(
        parse(&["--netns", "blue", "-r", "f.pcap"]),
        Err(CliError::NetnsWithRead)
    ));
    assert!(matches!(
        parse(&["--netns", "all", "-w", "f.pcap"]),
        Err(CliError::NetnsAllPcap)
    ));
    // pcapng records each interface's namespace.
    assert!(parse(&["--netns", "all", "-w", "f.pcapng"]).is_ok());
    assert!(matches!(
        parse(&["--netns", "all", "--hook", "socket"]),
        Err(CliError::NetnsAllSocket)
    ));
    // With one other namespace the tap may run: deleting that namespace ends the capture,
    // which closes the sockets that kept it alive.
    assert!(parse(&["--netns", "blue", "--hook", "socket"]).is_ok());
}

#[test]
fn drops_alone_or_beside_hooks() {
    let only = config(&["--drops", "-i", "eth0"]).kernel.hooks;
    assert_eq!(
        only,
        Hooks {
            tc: false,
            socket: false,
            drops: true
        }
    );
    assert_eq!(config(&["--hook", "drops"]).kernel.hooks, only);
    let both = config(&["--hook", "tc,drops"]).kernel.hooks;
    assert!(both.tc && both.drops && !both.socket);
    assert_eq!(config(&["--drops", "--hook", "tc"]).kernel.hooks, both);
    // A drop line is flagged by itself: no hook tag needed beside TC.
    assert!(!config(&["--hook", "tc,drops"]).output.print.hook_tag);
}

#[test]
fn drops_refuse_a_direction_and_header_snapping() {
    assert!(matches!(
        parse(&["--drops", "-Q", "in"]),
        Err(CliError::DropsDirection)
    ));
    assert!(matches!(
        parse(&["--hook", "tc,drops", "-Q", "inout"]),
        Err(CliError::DropsDirection)
    ));
    assert!(matches!(
        parse(&["--drops", "-s", "headers"]),
        Err(CliError::DropsHeaders)
    ));
    assert!(matches!(
        parse(&["--drops", "-r", "x.pcap"]),
        Err(CliError::DropsRead)
    ));
    assert!(matches!(
        parse(&["--drops", "--netns", "blue"]),
        Err(CliError::DropsNetns)
    ));
}

#[test]
fn drops_in_a_pcap_file_are_cooked() {
    let c = config(&["--drops", "-w", "x.pcap"]);
    let save = c.output.save.unwrap();
    assert_eq!(save.link_type, LinkType::LINUX_SLL2);
    assert!(
        c.notes.iter().any(|n| n.contains("pcapng")),
        "{:?}",
        c.notes
    );
    let c = config(&["--drops", "-w", "x.pcapng"]);
    assert_eq!(c.output.save.unwrap().format, Format::PcapNg);
    assert!(c.notes.is_empty());
}
