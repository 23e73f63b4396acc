//! Kernel addresses as `symbol+0xoffset`, from `/proc/kallsyms`, read once at start (while
//! netdump may still read the addresses: without CAP_SYSLOG the kernel shows them as 0).

use std::collections::HashMap;

/// Text symbols sorted by address, and the names already formatted.
#[derive(Debug, Default)]
pub struct Symbols {
    /// (address, start and end of the name in `names`).
    syms: Vec<(u64, u32, u32)>,
    names: String,
    cache: HashMap<u64, String>,
}

impl Symbols {
    /// Reads `/proc/kallsyms`. An unreadable file, or one whose addresses are hidden, gives an
    /// empty table: locations then print as addresses.
    pub fn load() -> Symbols {
        match std::fs::read_to_string("/proc/kallsyms") {
            Ok(text) => Symbols::parse(&text),
            Err(_) => Symbols::default(),
        }
    }

    /// Parses kallsyms lines (`ffffffff81000000 T _stext`, `... t nft_do_chain\t[nf_tables]`),
    /// keeping code symbols.
    pub fn parse(text: &str) -> Symbols {
        let mut s = Symbols::default();
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            let (Some(addr), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if !matches!(kind, "t" | "T" | "w" | "W") {
                continue;
            }
            let Ok(addr) = u64::from_str_radix(addr, 16) else {
                continue;
            };
            if addr == 0 {
                continue;
            }
            let start = s.names.len() as u32;
            s.names.push_str(name);
            s.syms.push((addr, start, s.names.len() as u32));
        }
        s.syms.sort_by_key(|e| e.0);
        s
    }

    /// Whether any address could be read (false when kallsyms hides them).
    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }

    /// `addr` as `symbol+0xoff` (the nearest symbol at or below it), or as a hex address
    /// when no symbol is known.
    pub fn locate(&mut self, addr: u64) -> &str {
        let syms = &self.syms;
        let names = &self.names;
        self.cache.entry(addr).or_insert_with(|| {
            let i = syms.partition_point(|e| e.0 <= addr);
            match i.checked_sub(1).and_then(|i| syms.get(i)) {
                Some(&(base, start, end)) => {
                    let name = names.get(start as usize..end as usize).unwrap_or("?");
                    format!("{name}+{:#x}", addr - base)
                }
                None => format!("{addr:#x}"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_symbol_below() {
        let mut s = Symbols::parse(
            "ffffffff81000100 T nf_hook_slow\n\
             ffffffff81000000 t early\n\
             ffffffff81000200 d some_data\n\
             ffffffffc0001000 t nft_do_chain\t[nf_tables]\n\
             garbage\n",
        );
        assert_eq!(s.locate(0xffffffff8100019c), "nf_hook_slow+0x9c");
        assert_eq!(s.locate(0xffffffff81000000), "early+0x0");
        assert_eq!(
            s.locate(0xffffffff81000250),
            "nf_hook_slow+0x150",
            "data is skipped"
        );
        assert_eq!(s.locate(0xffffffffc0001010), "nft_do_chain+0x10");
        assert_eq!(s.locate(0x10), "0x10");
    }

    #[test]
    fn hidden_addresses_give_an_empty_table() {
        let mut s = Symbols::parse("0000000000000000 T _stext\n0000000000000000 T nf_hook_slow\n");
        assert!(s.is_empty());
        assert_eq!(s.locate(0xffffffff8100019c), "0xffffffff8100019c");
    }
}
