//! Struct member offsets from the running kernel's BTF (`/sys/kernel/btf/vmlinux`): what the
//! programs need to read an interface's namespace cookie (see `netdump-ebpf/src/netns.rs`),
//! without CO-RE relocations, which aya-ebpf programs written in Rust cannot carry.
//!
//! Only what that needs is parsed: the type section's records are walked to find structs by
//! name and their members (through anonymous structs and unions) by name.

use std::io;

use thiserror::Error;

const MAGIC: u16 = 0xeb9f;

const KIND_INT: u32 = 1;
const KIND_PTR: u32 = 2;
const KIND_ARRAY: u32 = 3;
const KIND_STRUCT: u32 = 4;
const KIND_UNION: u32 = 5;
const KIND_ENUM: u32 = 6;
const KIND_TYPEDEF: u32 = 8;
const KIND_VOLATILE: u32 = 9;
const KIND_CONST: u32 = 10;
const KIND_RESTRICT: u32 = 11;
const KIND_FUNC_PROTO: u32 = 13;
const KIND_VAR: u32 = 14;
const KIND_DATASEC: u32 = 15;
const KIND_DECL_TAG: u32 = 17;
const KIND_TYPE_TAG: u32 = 18;
const KIND_ENUM64: u32 = 19;

#[derive(Debug, Error)]
pub enum BtfError {
    #[error("read the kernel's BTF ({path}): {source}")]
    Read {
        path: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("the kernel's BTF is malformed: {0}")]
    Malformed(&'static str),
    #[error("the kernel's BTF has no {0}")]
    Missing(String),
}

/// One type record: kind, name, size-or-type, and its members (struct/union).
#[derive(Clone, Debug)]
struct Type {
    kind: u32,
    name_off: u32,
    /// Size for structs, unions and integers; the referenced type for pointers, typedefs
    /// and qualifiers.
    size_or_type: u32,
    members: Vec<Member>,
}

#[derive(Clone, Copy, Debug)]
struct Member {
    name_off: u32,
    type_id: u32,
    bit_offset: u32,
}

/// A parsed BTF blob: its types (id 0 is void) and its string section.
pub struct Btf {
    types: Vec<Type>,
    strings: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Btf {
    /// The running kernel's BTF.
    pub fn from_sys() -> Result<Btf, BtfError> {
        const PATH: &str = "/sys/kernel/btf/vmlinux";
        let data = std::fs::read(PATH).map_err(|source| BtfError::Read { path: PATH, source })?;
        Btf::parse(&data)
    }

    /// Parses a little-endian BTF blob (what every BPF-capable kernel netdump runs on has).
    pub fn parse(data: &[u8]) -> Result<Btf, BtfError> {
        let bad = BtfError::Malformed;
        if u16_at(data, 0) != Some(MAGIC) {
            return Err(bad("bad magic (not little-endian BTF)"));
        }
        let field = |at| u32_at(data, at).ok_or(bad("short header"));
        let hdr_len = field(4)? as usize;
        let (type_off, type_len) = (field(8)? as usize, field(12)? as usize);
        let (str_off, str_len) = (field(16)? as usize, field(20)? as usize);
        let section = |off: usize, len: usize| {
            let start = hdr_len.checked_add(off)?;
            data.get(start..start.checked_add(len)?)
        };
        let types_raw = section(type_off, type_len).ok_or(bad("type section out of bounds"))?;
        let strings = section(str_off, str_len)
            .ok_or(bad("string section out of bounds"))?
            .to_vec();
        let mut types = vec![Type {
            kind: 0,
            name_off: 0,
            size_or_type: 0,
            members: Vec::new(),
        }];
        let mut at = 0;
        while at < types_raw.len() {
            let rec = |k: usize| u32_at(types_raw, at + k).ok_or(bad("type record cut short"));
            let (name_off, info, size_or_type) = (rec(0)?, rec(4)?, rec(8)?);
            let kind = (info >> 24) & 0x1f;
            let vlen = (info & 0xffff) as usize;
            let kind_flag = info >> 31 == 1;
            at += 12;
            let mut members = Vec::new();
            let extra = match kind {
                KIND_INT | KIND_VAR | KIND_DECL_TAG => 4,
                KIND_ARRAY => 12,
                KIND_STRUCT | KIND_UNION => {
                    for m in 0..vlen {
                        let f = |k: usize| {
                            u32_at(types_raw, at + m * 12 + k).ok_or(bad("member cut short"))
                        };
                        let offset = f(8)?;
                        members.push(Member {
                            name_off: f(0)?,
                            type_id: f(4)?,
                            // With kind_flag the top 8 bits are a bitfield's size.
                            bit_offset: if kind_flag {
                                offset & 0x00ff_ffff
                            } else {
                                offset
                            },
                        });
                    }
                    vlen * 12
                }
                KIND_ENUM | KIND_FUNC_PROTO => vlen * 8,
                KIND_DATASEC | KIND_ENUM64 => vlen * 12,
                KIND_PTR | KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT
                | KIND_TYPE_TAG => 0,
                // FWD, FUNC, FLOAT: nothing follows; an unknown kind cannot be stepped over.
                7 | 12 | 16 => 0,
                _ => return Err(bad("unknown type kind")),
            };
            at += extra;
            types.push(Type {
                kind,
                name_off,
                size_or_type,
                members,
            });
        }
        Ok(Btf { types, strings })
    }

    fn name(&self, off: u32) -> &[u8] {
        let rest = self.strings.get(off as usize..).unwrap_or_default();
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        &rest[..end]
    }

    fn get(&self, id: u32) -> Option<&Type> {
        self.types.get(id as usize)
    }

    /// The type `id` refers to once typedefs and qualifiers are looked through.
    fn resolve(&self, mut id: u32) -> Option<&Type> {
        // Bounded: a well-formed chain is short; a malformed one may loop.
        for _ in 0..32 {
            let t = self.get(id)?;
            match t.kind {
                KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT | KIND_TYPE_TAG => {
                    id = t.size_or_type;
                }
                _ => return Some(t),
            }
        }
        None
    }

    /// The struct named `name` (the first one with members: a kernel's BTF also holds
    /// forward declarations).
    fn find_struct(&self, name: &str) -> Option<&Type> {
        self.types.iter().find(|t| {
            t.kind == KIND_STRUCT
                && !t.members.is_empty()
                && self.name(t.name_off) == name.as_bytes()
        })
    }

    /// Byte offset and type of member `name` of `ty`, looking into anonymous structs and
    /// unions as C does.
    fn member<'a>(&'a self, ty: &'a Type, name: &str, depth: u32) -> Option<(u32, &'a Type)> {
        if depth > 8 {
            return None;
        }
        for m in &ty.members {
            let mname = self.name(m.name_off);
            if mname == name.as_bytes() {
                return Some((m.bit_offset / 8, self.resolve(m.type_id)?));
            }
            if mname.is_empty() {
                let inner = self.resolve(m.type_id)?;
                if matches!(inner.kind, KIND_STRUCT | KIND_UNION) {
                    if let Some((off, t)) = self.member(inner, name, depth + 1) {
                        return Some((m.bit_offset / 8 + off, t));
                    }
                }
            }
        }
        None
    }

    /// The byte offset of `path` (members separated by dots, e.g. `nd_net.net`) in struct
    /// `strukt`, and the size of what it names (a pointer is 8).
    pub fn offset(&self, strukt: &str, path: &str) -> Result<(u32, u32), BtfError> {
        let missing = || BtfError::Missing(format!("{strukt}.{path}"));
        let mut ty = self.find_struct(strukt).ok_or_else(missing)?;
        let mut total = 0;
        for part in path.split('.') {
            let (off, t) = self.member(ty, part, 0).ok_or_else(missing)?;
            total += off;
            ty = t;
        }
        let size = match ty.kind {
            KIND_PTR => 8,
            _ => ty.size_or_type,
        };
        Ok((total, size))
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
mod tests {
    use super::*;

    /// A BTF blob with: 1 int u64 (8), 2 ptr -> 1, 3 struct inner {a: u64 @0, p: ptr @64},
    /// 4 typedef wrap_t -> 3, 5 union (anon) {x: u64 @0}, 6 struct outer {(anon) @0,
    /// w: wrap_t @128}.
    fn blob() -> Vec<u8> {
        let strings = b"\0u64\0inner\0a\0p\0wrap_t\0x\0outer\0w\0";
        // The offset of `name` in the string section.
        let s = |name: &str| -> u32 {
            let mut at = 0;
            for part in strings.split(|&b| b == 0) {
                if part == name.as_bytes() {
                    return at;
                }
                at += part.len() as u32 + 1;
            }
            panic!("{name} not in the strings");
        };
        let words: Vec<u32> = vec![
            // 1: u64 (INT, size 8, then its encoding word: 64 bits).
            s("u64"),
            KIND_INT << 24,
            8,
            64,
            // 2: pointer to 1.
            0,
            KIND_PTR << 24,
            1,
            // 3: struct inner { u64 a; u64 *p; }.
            s("inner"),
            (KIND_STRUCT << 24) | 2,
            16,
            s("a"),
            1,
            0,
            s("p"),
            2,
            64,
            // 4: typedef wrap_t -> 3.
            s("wrap_t"),
            KIND_TYPEDEF << 24,
            3,
            // 5: union { u64 x; }.
            0,
            (KIND_UNION << 24) | 1,
            8,
            s("x"),
            1,
            0,
            // 6: struct outer { union {...}; wrap_t w @ 16 bytes; }.
            s("outer"),
            (KIND_STRUCT << 24) | 2,
            32,
            0,
            5,
            0,
            s("w"),
            4,
            128,
        ];
        let types: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut b = Vec::new();
        b.extend_from_slice(&MAGIC.to_le_bytes());
        b.extend_from_slice(&[1, 0]);
        for w in [
            24,
            0,
            types.len() as u32,
            types.len() as u32,
            strings.len() as u32,
        ] {
            b.extend_from_slice(&w.to_le_bytes());
        }
        b.extend_from_slice(&types);
        b.extend_from_slice(strings);
        b
    }

    #[test]
    fn members_through_typedefs_and_anonymous_unions() {
        let btf = Btf::parse(&blob()).unwrap();
        assert_eq!(btf.offset("outer", "x").unwrap(), (0, 8));
        assert_eq!(btf.offset("outer", "w.p").unwrap(), (24, 8));
        assert_eq!(btf.offset("inner", "a").unwrap(), (0, 8));
        assert!(matches!(
            btf.offset("outer", "nope"),
            Err(BtfError::Missing(_))
        ));
        assert!(matches!(btf.offset("nope", "a"), Err(BtfError::Missing(_))));
    }

    #[test]
    fn cut_or_garbage_blobs_are_errors_not_panics() {
        let b = blob();
        for n in 0..b.len() {
            let _ = Btf::parse(&b[..n]);
        }
        assert!(Btf::parse(b"garbage").is_err());
    }

    #[test]
    fn this_kernel_has_the_offsets() {
        // Every kernel netdump's CI runs on has BTF; where one lacks it, say so and stop.
        let Ok(btf) = Btf::from_sys() else {
            eprintln!("skipped: no /sys/kernel/btf/vmlinux");
            return;
        };
        let o = NetnsOffsets::from_btf(&btf).unwrap();
        assert!(
            o.skb_dev < 256 && o.dev_net < 4096 && o.net_cookie < 16384,
            "{o:?}"
        );
    }
}
