//! Tests of the walk over the registry: every link type, stops, cut-short frames.

use super::*;

#[test]
fn every_link_type_in_the_registry_decodes_ip() {
    let mut ip = Vec::new();
    etherparse::PacketBuilder::ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
        .udp(5555, 40000)
        .write(&mut ip, &[1; 4])
        .unwrap();
    let headers: [(LinkType, Vec<u8>); 7] = [
        (LinkType::LINUX_SLL, [&[0u8; 14][..], &[8, 0]].concat()),
        (LinkType::LINUX_SLL2, [&[8u8, 0][..], &[0; 18]].concat()),
        (LinkType::NULL, 2u32.to_ne_bytes().to_vec()),
        (LinkType::LOOP, vec![0, 0, 0, 2]),
        (LinkType::RAW, vec![]),
        (LinkType::IPV4, vec![]),
        (LinkType::IPV6, vec![]),
    ];
    for (lt, h) in headers {
        let f = [&h[..], &ip].concat();
        let d = decode(lt, &f, f.len() as u32);
        let names: Vec<&str> = d.layers.iter().map(Layer::name).collect();
        assert_eq!(names.last(), Some(&"udp"), "{lt:?}: {names:?}");
        assert_eq!(d.link_len, h.len(), "{lt:?}");
        assert_eq!(d.stop, None, "{lt:?}");
        for k in 0..f.len() {
            let _ = decode(lt, &f[..k], f.len() as u32);
        }
    }
}

#[test]
fn unknown_link_type_stops_at_once() {
    let d = decode(LinkType(147), &[1, 2, 3], 3);
    assert!(d.layers.is_empty());
    assert_eq!(d.stop.map(|s| s.reason), Some(StopReason::Unsupported));
}

#[test]
fn udp_frame_has_three_layers_and_no_stop() {
    let mut f = Vec::new();
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
        .udp(5555, 40000)
        .write(&mut f, &[1; 32])
        .unwrap();
    let d = decode(LinkType::ETHERNET, &f, f.len() as u32);
    let names: Vec<&str> = d.layers.iter().map(Layer::name).collect();
    assert_eq!(names, ["ether", "ip", "udp"]);
    assert_eq!(d.stop, None);
    assert_eq!(d.link_len, 14);
}

#[test]
fn unregistered_ethertype_is_an_unknown_layer() {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&0x88b5u16.to_be_bytes());
    f.extend_from_slice(b"abc");
    let d = decode(LinkType::ETHERNET, &f, f.len() as u32);
    assert!(matches!(
        d.layers.last(),
        Some(Layer::Unknown(Unknown {
            what: Upper::Ethertype(0x88b5),
            bytes: b"abc"
        }))
    ));
    assert_eq!(
        d.stop,
        Some(Stop {
            protocol: "ether",
            reason: StopReason::Unsupported,
            offset: 14
        })
    );
}

#[test]
fn cut_short_frames_record_where_they_stopped() {
    let mut f = Vec::new();
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
        .tcp(1, 2, 3, 4)
        .write(&mut f, &[])
        .unwrap();
    let d = decode(LinkType::ETHERNET, &f[..40], f.len() as u32);
    let stop = d.stop.unwrap();
    assert_eq!((stop.protocol, stop.reason), ("tcp", StopReason::Truncated));
    assert_eq!(stop.offset, 34);
    assert!(d.cut_short());
    for k in 0..f.len() {
        let _ = decode(LinkType::ETHERNET, &f[..k], f.len() as u32);
    }
}

#[test]
fn readers_never_run_past_the_end() {
    assert_eq!(be16(&[1], 0), None);
    assert_eq!(be16(&[1, 2], usize::MAX), None);
    assert_eq!(be32(&[1, 2, 3, 4], 1), None);
    assert_eq!(be32(&[1, 2, 3, 4], usize::MAX - 1), None);
    assert_eq!(array::<2>(&[1, 2, 3], 1), Some([2, 3]));
}
