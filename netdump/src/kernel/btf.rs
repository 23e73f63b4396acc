//! Just enough of a BTF reader (<https://docs.kernel.org/bpf/btf.html>) to learn the running
//! kernel's layout: where a struct member sits (through anonymous structs and unions), how big
//! a type is, an enum's values, a function prototype's parameters. aya-ebpf programs written
//! in Rust carry no CO-RE relocations, so the programs that read kernel structures (`--drops`,
//! `--netns all`'s namespace cookie) get these offsets from here as `.rodata` constants.
//!
//! aya-obj parses BTF too, but keeps struct members and enum values private to the crate.
//! Every read here is bounds-checked: a malformed file is an error, never a panic.

use thiserror::Error;

/// Where the running kernel keeps its BTF.
pub const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum BtfError {
    #[error("not a BTF file (bad magic {0:#06x})")]
    Magic(u16),
    #[error("the BTF file is cut short or its header points outside it")]
    Truncated,
    #[error("BTF type {0} has unknown kind {1}")]
    Kind(u32, u8),
    #[error("read the kernel's BTF ({VMLINUX}): {0}")]
    Read(String),
    #[error("the kernel's BTF has no {0}")]
    Missing(String),
}

pub const KIND_INT: u8 = 1;
pub const KIND_PTR: u8 = 2;
pub const KIND_STRUCT: u8 = 4;
pub const KIND_UNION: u8 = 5;
pub const KIND_ENUM: u8 = 6;
pub const KIND_TYPEDEF: u8 = 8;
pub const KIND_VOLATILE: u8 = 9;
pub const KIND_CONST: u8 = 10;
pub const KIND_RESTRICT: u8 = 11;
pub const KIND_FUNC_PROTO: u8 = 13;
pub const KIND_TYPE_TAG: u8 = 18;
pub const KIND_ENUM64: u8 = 19;

/// One type's common part, and where its kind-specific data starts.
#[derive(Clone, Copy, Debug)]
struct Type {
    kind: u8,
    kflag: bool,
    vlen: u16,
    name_off: u32,
    /// `size` or `type`, depending on the kind.
    size_type: u32,
    /// Offset of the data after the 12-byte `struct btf_type`, in the type section.
    data: usize,
}

/// A member found by [`Btf::member`]: its offset from the start of the outer struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub bit_offset: u32,
    /// Non-zero for a bit-field.
    pub bitfield_size: u32,
    pub type_id: u32,
}

/// A parsed BTF blob (the kernel's `/sys/kernel/btf/vmlinux`).
pub struct Btf {
    types_sec: Vec<u8>,
    strings: Vec<u8>,
    /// Index = type id; id 0 is `void`.
    types: Vec<Type>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Btf {
    /// Parses a little-endian BTF blob (the kernel's own is in the host's byte order, and
    /// netdump supports little-endian hosts).
    pub fn parse(data: &[u8]) -> Result<Btf, BtfError> {
        let magic = u16_at(data, 0).ok_or(BtfError::Truncated)?;
        if magic != 0xeb9f {
            return Err(BtfError::Magic(magic));
        }
        let field = |at| {
            u32_at(data, at)
                .map(|v| v as usize)
                .ok_or(BtfError::Truncated)
        };
        let hdr_len = field(4)?;
        let (type_off, type_len, str_off, str_len) =
            (field(8)?, field(12)?, field(16)?, field(20)?);
        let section = |off: usize, len: usize| {
            let start = hdr_len.checked_add(off).ok_or(BtfError::Truncated)?;
            let end = start.checked_add(len).ok_or(BtfError::Truncated)?;
            data.get(start..end).ok_or(BtfError::Truncated)
        };
        let types_sec = section(type_off, type_len)?.to_vec();
        let strings = section(str_off, str_len)?.to_vec();
        let mut types = vec![Type {
            kind: 0,
            kflag: false,
            vlen: 0,
            name_off: 0,
            size_type: 0,
            data: 0,
        }];
        let mut at = 0usize;
        while at < types_sec.len() {
            let get = |o| u32_at(&types_sec, at + o).ok_or(BtfError::Truncated);
            let (name_off, info, size_type) = (get(0)?, get(4)?, get(8)?);
            let kind = ((info >> 24) & 0x1f) as u8;
            let vlen = (info & 0xffff) as u16;
            let n = usize::from(vlen);
            let extra = match kind {
                2 | 7 | 8 | 9 | 10 | 11 | 12 | 16 | 18 => 0,
                1 | 14 | 17 => 4,
                3 => 12,
                4 | 5 | 15 | 19 => 12 * n,
                6 | 13 => 8 * n,
                _ => return Err(BtfError::Kind(types.len() as u32, kind)),
            };
            let data = at + 12;
            if data + extra > types_sec.len() {
                return Err(BtfError::Truncated);
            }
            types.push(Type {
                kind,
                kflag: info >> 31 != 0,
                vlen,
                name_off,
                size_type,
                data,
            });
            at = data + extra;
        }
        Ok(Btf {
            types_sec,
            strings,
            types,
        })
    }

    fn name_at(&self, off: u32) -> &str {
        let Some(rest) = self.strings.get(off as usize..) else {
            return "";
        };
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        std::str::from_utf8(&rest[..end]).unwrap_or("")
    }

    fn ty(&self, id: u32) -> Option<&Type> {
        self.types.get(id as usize)
    }

    fn word(&self, at: usize) -> u32 {
        u32_at(&self.types_sec, at).unwrap_or(0)
    }

    /// The name of type `id` (empty when anonymous).
    pub fn name(&self, id: u32) -> &str {
        self.ty(id).map_or("", |t| self.name_at(t.name_off))
    }

    pub fn kind(&self, id: u32) -> u8 {
        self.ty(id).map_or(0, |t| t.kind)
    }

    /// The first type named `name` of kind `kind`.
    pub fn find(&self, name: &str, kind: u8) -> Option<u32> {
        (1..self.types.len() as u32).find(|&id| {
            let t = &self.types[id as usize];
            t.kind == kind && self.name_at(t.name_off) == name
        })
    }

    /// Every type of kind `kind` whose name satisfies `pred`.
    pub fn find_all(&self, kind: u8, pred: impl Fn(&str) -> bool) -> Vec<u32> {
        (1..self.types.len() as u32)
            .filter(|&id| {
                let t = &self.types[id as usize];
                t.kind == kind && pred(self.name_at(t.name_off))
            })
            .collect()
    }

    /// `id` with typedefs and qualifiers (const, volatile, restrict, type tags) peeled off.
    pub fn resolve(&self, mut id: u32) -> u32 {
        for _ in 0..32 {
            match self.ty(id) {
                Some(t)
                    if matches!(
                        t.kind,
                        KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT | KIND_TYPE_TAG
                    ) =>
                {
                    id = t.size_type
                }
                _ => break,
            }
        }
        id
    }

    /// The target of pointer `id` (after resolving it).
    pub fn pointee(&self, id: u32) -> Option<u32> {
        let t = self.ty(self.resolve(id))?;
        (t.kind == KIND_PTR).then_some(t.size_type)
    }

    /// The size of type `id` in bytes (8 for pointers), if it has one.
    pub fn size(&self, id: u32) -> Option<u32> {
        let t = self.ty(self.resolve(id))?;
        match t.kind {
            KIND_INT | KIND_STRUCT | KIND_UNION | KIND_ENUM | KIND_ENUM64 => Some(t.size_type),
            KIND_PTR => Some(8),
            _ => None,
        }
    }

    /// Member `name` of struct or union `id`, looked for in anonymous members too, with its
    /// offset from the start of `id`.
    pub fn member(&self, id: u32, name: &str) -> Option<Member> {
        self.member_depth(self.resolve(id), name, 0)
    }

    fn member_depth(&self, id: u32, name: &str, depth: u32) -> Option<Member> {
        let t = *self.ty(id)?;
        if !matches!(t.kind, KIND_STRUCT | KIND_UNION) || depth > 8 {
            return None;
        }
        for i in 0..usize::from(t.vlen) {
            let at = t.data + 12 * i;
            let (m_name, m_type, m_off) = (self.word(at), self.word(at + 4), self.word(at + 8));
            let (bit_offset, bitfield_size) = if t.kflag {
                (m_off & 0x00ff_ffff, m_off >> 24)
            } else {
                (m_off, 0)
            };
            let here = self.name_at(m_name);
            if here == name {
                return Some(Member {
                    bit_offset,
                    bitfield_size,
                    type_id: m_type,
                });
            }
            if here.is_empty() {
                if let Some(inner) = self.member_depth(self.resolve(m_type), name, depth + 1) {
                    return Some(Member {
                        bit_offset: bit_offset + inner.bit_offset,
                        ..inner
                    });
                }
            }
        }
        None
    }

    /// The (name, value) pairs of enum `id` (ENUM or ENUM64).
    pub fn enum_values(&self, id: u32) -> Vec<(String, i64)> {
        let Some(t) = self.ty(self.resolve(id)).copied() else {
            return Vec::new();
        };
        let n = usize::from(t.vlen);
        match t.kind {
            KIND_ENUM => (0..n)
                .map(|i| {
                    let at = t.data + 8 * i;
                    let raw = self.word(at + 4);
                    // kflag: signed values.
                    let v = if t.kflag {
                        i64::from(raw as i32)
                    } else {
                        i64::from(raw)
                    };
                    (self.name_at(self.word(at)).to_string(), v)
                })
                .collect(),
            KIND_ENUM64 => (0..n)
                .map(|i| {
                    let at = t.data + 12 * i;
                    let v = u64::from(self.word(at + 4)) | (u64::from(self.word(at + 8)) << 32);
                    (self.name_at(self.word(at)).to_string(), v as i64)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The running kernel's BTF.
    pub fn from_sys() -> Result<Btf, BtfError> {
        let data = std::fs::read(VMLINUX).map_err(|e| BtfError::Read(e.to_string()))?;
        Btf::parse(&data)
    }

    /// The byte offset of `path` (members separated by dots, e.g. `nd_net.net`) in struct
    /// `strukt`, and the size of what it names (a pointer is 8).
    pub fn offset(&self, strukt: &str, path: &str) -> Result<(u32, u32), BtfError> {
        let missing = || BtfError::Missing(format!("{strukt}.{path}"));
        let mut ty = self.find(strukt, KIND_STRUCT).ok_or_else(missing)?;
        let mut total = 0u32;
        for part in path.split('.') {
            let m = self.member(ty, part).ok_or_else(missing)?;
            total = total.checked_add(m.bit_offset / 8).ok_or_else(missing)?;
            ty = self.resolve(m.type_id);
        }
        Ok((total, self.size(ty).ok_or_else(missing)?))
    }

    /// The parameter types of function prototype `id` (through typedefs and a pointer, as in
    /// `typedef void (*btf_trace_kfree_skb)(void *, struct sk_buff *, ...)`).
    pub fn params(&self, id: u32) -> Option<Vec<u32>> {
        let mut id = self.resolve(id);
        if let Some(p) = self.pointee(id) {
            id = self.resolve(p);
        }
        let t = *self.ty(id)?;
        if t.kind != KIND_FUNC_PROTO {
            return None;
        }
        Some(
            (0..usize::from(t.vlen))
                .map(|i| self.word(t.data + 8 * i + 4))
                .collect(),
        )
    }
}

/// Where the namespace cookie of a packet's device is, in the running kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetnsOffsets {
    /// `struct sk_buff` → `dev` (a pointer).
    pub skb_dev: u32,
    /// `struct net_device` → `nd_net.net` (a pointer).
    pub dev_net: u32,
    /// `struct net` → `net_cookie` (a u64).
    pub net_cookie: u32,
}

impl NetnsOffsets {
    /// Read from `btf`; each member must have the size the programs read.
    pub fn from_btf(btf: &Btf) -> Result<NetnsOffsets, BtfError> {
        let sized = |strukt: &str, path: &str, want: u32| {
            let (off, size) = btf.offset(strukt, path)?;
            if size != want {
                return Err(BtfError::Missing(format!(
                    "{strukt}.{path} of {want} bytes (it has {size})"
                )));
            }
            Ok(off)
        };
        Ok(NetnsOffsets {
            skb_dev: sized("sk_buff", "dev", 8)?,
            dev_net: sized("net_device", "nd_net.net", 8)?,
            net_cookie: sized("net", "net_cookie", 8)?,
        })
    }

    /// From the running kernel.
    pub fn from_sys() -> Result<NetnsOffsets, BtfError> {
        NetnsOffsets::from_btf(&Btf::from_sys()?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a BTF blob from (name, info, size_type, extra words) entries.
    pub(crate) struct Builder {
        types: Vec<u8>,
        strings: Vec<u8>,
        next: u32,
    }

    impl Builder {
        pub(crate) fn new() -> Builder {
            Builder {
                types: Vec::new(),
                strings: vec![0],
                next: 1,
            }
        }

        pub(crate) fn s(&mut self, name: &str) -> u32 {
            if name.is_empty() {
                return 0;
            }
            let off = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            off
        }

        /// Adds a type; returns its id.
        pub(crate) fn ty(
            &mut self,
            name: &str,
            kind: u8,
            kflag: bool,
            vlen: u16,
            size_type: u32,
            extra: &[u32],
        ) -> u32 {
            let n = self.s(name);
            let info = (u32::from(kind) << 24) | u32::from(vlen) | (u32::from(kflag) << 31);
            for w in [n, info, size_type].iter().chain(extra) {
                self.types.extend_from_slice(&w.to_le_bytes());
            }
            self.next += 1;
            self.next - 1
        }

        pub(crate) fn int(&mut self, name: &str, size: u32) -> u32 {
            self.ty(name, KIND_INT, false, 0, size, &[size * 8])
        }

        /// A struct of (member name, type, bit offset, bit-field size) members.
        pub(crate) fn strukt(
            &mut self,
            name: &str,
            size: u32,
            members: &[(&str, u32, u32, u32)],
        ) -> u32 {
            let kflag = members.iter().any(|m| m.3 != 0);
            let mut extra = Vec::new();
            for (m, t, off, bits) in members {
                extra.push(self.s(m));
                extra.push(*t);
                extra.push(if kflag { (bits << 24) | off } else { *off });
            }
            self.ty(name, KIND_STRUCT, kflag, members.len() as u16, size, &extra)
        }

        pub(crate) fn finish(&self) -> Vec<u8> {
            let mut b = Vec::new();
            b.extend_from_slice(&0xeb9fu16.to_le_bytes());
            b.extend_from_slice(&[1, 0]);
            for w in [
                24u32,
                0,
                self.types.len() as u32,
                self.types.len() as u32,
                self.strings.len() as u32,
            ] {
                b.extend_from_slice(&w.to_le_bytes());
            }
            b.extend_from_slice(&self.types);
            b.extend_from_slice(&self.strings);
            b
        }
    }

    #[test]
    fn finds_members_through_anonymous_unions_and_bitfields() {
        let mut b = Builder::new();
        let u32t = b.int("unsigned int", 4);
        let u8t = b.int("unsigned char", 1);
        let inner = b.strukt("", 8, &[("x", u32t, 0, 0), ("bits", u8t, 37, 3)]);
        let outer = b.strukt("outer", 16, &[("a", u32t, 0, 0), ("", inner, 64, 0)]);
        let btf = Btf::parse(&b.finish()).unwrap();
        assert_eq!(btf.find("outer", KIND_STRUCT), Some(outer));
        assert_eq!(btf.member(outer, "x").unwrap().bit_offset, 64);
        let bits = btf.member(outer, "bits").unwrap();
        assert_eq!((bits.bit_offset, bits.bitfield_size), (101, 3));
        assert_eq!(btf.member(outer, "nope"), None);
        assert_eq!(btf.size(outer), Some(16));
    }

    #[test]
    fn reads_enums_and_prototypes() {
        let mut b = Builder::new();
        let one = b.s("ONE");
        let two = b.s("TWO");
        let e = b.ty("colour", KIND_ENUM, false, 2, 4, &[one, 1, two, 2]);
        let int = b.int("int", 4);
        let proto = b.ty("", KIND_FUNC_PROTO, false, 2, 0, &[0, int, 0, e]);
        let ptr = b.ty("", KIND_PTR, false, 0, proto, &[]);
        let td = b.ty("btf_trace_x", KIND_TYPEDEF, false, 0, ptr, &[]);
        let btf = Btf::parse(&b.finish()).unwrap();
        assert_eq!(
            btf.enum_values(e),
            vec![("ONE".to_string(), 1), ("TWO".to_string(), 2)]
        );
        assert_eq!(btf.params(td), Some(vec![int, e]));
        assert_eq!(btf.find_all(KIND_ENUM, |n| n.ends_with("our")), vec![e]);
    }

    #[test]
    fn bad_blobs_are_errors_at_every_length() {
        let mut b = Builder::new();
        let t = b.int("int", 4);
        b.strukt("s", 4, &[("a", t, 0, 0)]);
        let blob = b.finish();
        assert!(Btf::parse(&blob).is_ok());
        for len in 0..blob.len() {
            assert!(Btf::parse(&blob[..len]).is_err(), "cut at {len}");
        }
        assert_eq!(Btf::parse(&[0, 0, 0, 0]).err(), Some(BtfError::Magic(0)));
    }

    #[test]
    fn offsets_follow_paths_through_pointers_typedefs_and_anonymous_members() {
        let mut b = Builder::new();
        let u64t = b.int("u64", 8);
        let ptr = b.ty("", KIND_PTR, false, 0, u64t, &[]);
        let inner = b.strukt("inner", 16, &[("a", u64t, 0, 0), ("p", ptr, 64, 0)]);
        let wrap = b.ty("wrap_t", KIND_TYPEDEF, false, 0, inner, &[]);
        let x = b.s("x");
        let anon = b.ty("", KIND_UNION, false, 1, 8, &[x, u64t, 0]);
        b.strukt("outer", 32, &[("", anon, 0, 0), ("w", wrap, 128, 0)]);
        let btf = Btf::parse(&b.finish()).unwrap();
        assert_eq!(btf.offset("outer", "x"), Ok((0, 8)));
        assert_eq!(btf.offset("outer", "w.p"), Ok((24, 8)));
        assert_eq!(btf.offset("outer", "w"), Ok((16, 16)));
        assert!(matches!(
            btf.offset("outer", "nope"),
            Err(BtfError::Missing(_))
        ));
        assert!(matches!(btf.offset("nope", "a"), Err(BtfError::Missing(_))));
    }

    #[test]
    fn parses_this_kernels_btf_when_there_is_one() {
        let Ok(data) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            eprintln!("no /sys/kernel/btf/vmlinux: skipped");
            return;
        };
        let btf = Btf::parse(&data).unwrap();
        let skb = btf.find("sk_buff", KIND_STRUCT).unwrap();
        assert!(btf.member(skb, "len").is_some());
        assert!(
            btf.member(skb, "dev").is_some(),
            "dev sits in an anonymous union"
        );
        let o = NetnsOffsets::from_btf(&btf).unwrap();
        assert!(
            o.skb_dev < 256 && o.dev_net < 4096 && o.net_cookie < 16384,
            "{o:?}"
        );
    }
}
