//! The kernel's run-time statistics of loaded BPF programs (`bpftool -j prog show`), and the
//! in-place cost per packet of a set of them between two snapshots.
//!
//! A tail-called program runs inside its caller's accounting (`bpf_prog_run` counts the
//! program it was called with), so the entry program's `run_time_ns` already holds the filter
//! and emitter it tail-called; summing time and runs over every program of a set gives the
//! cost per packet whichever way the set is split into programs.

use std::{
    collections::{BTreeMap, BTreeSet},
    process::Command,
};

use anyhow::{Context as _, Result};

/// One loaded program's statistics.
#[derive(Clone, Debug, Default)]
pub struct Prog {
    pub name: String,
    pub run_time_ns: u64,
    pub run_cnt: u64,
}

/// The ids of the BPF programs process `pid` holds, through program or link file descriptors
/// (the `prog_id:` line of /proc/PID/fdinfo/FD). Exact where a name is not: another netdump
/// elsewhere on the machine has the same program names, and bpftool shows the holders only
/// when it was built with its skeletons (Debian's is not).
pub fn held_by(pid: u32) -> BTreeSet<u32> {
    let mut ids = BTreeSet::new();
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return ids;
    };
    for fd in fds.flatten() {
        let info = std::fs::read_to_string(fd.path()).unwrap_or_default();
        ids.extend(prog_id_in(&info));
    }
    ids
}

/// The `prog_id:` of one fdinfo file (a program or a link), if it has one.
pub fn prog_id_in(fdinfo: &str) -> Option<u32> {
    fdinfo
        .lines()
        .find_map(|l| l.strip_prefix("prog_id:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Every loaded program, by id.
pub fn snapshot() -> Result<BTreeMap<u32, Prog>> {
    let out = Command::new("bpftool")
        .args(["-j", "prog", "show"])
        .output()
        .context("run bpftool (apt-get install bpftool)")?;
    if !out.status.success() {
        anyhow::bail!("bpftool: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(parse(&String::from_utf8_lossy(&out.stdout)))
}

/// bpftool's compact JSON: an array of objects, each starting with `{"id":`. Nested objects
/// (`pids`, where bpftool has them) never hold an `"id"` key, so splitting there yields one
/// program per piece.
fn parse(text: &str) -> BTreeMap<u32, Prog> {
    let mut progs = BTreeMap::new();
    for obj in text.split("{\"id\":").skip(1) {
        let Some(id) = obj
            .split([',', '}'])
            .next()
            .and_then(|n| n.trim().parse().ok())
        else {
            continue;
        };
        let num = |field: &str| -> u64 {
            obj.split(&format!("\"{field}\":"))
                .nth(1)
                .and_then(|r| r.split([',', '}', ']']).next())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0)
        };
        let name = obj
            .split("\"name\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("")
            .to_string();
        progs.insert(
            id,
            Prog {
                name,
                run_time_ns: num("run_time_ns"),
                run_cnt: num("run_cnt"),
            },
        );
    }
    progs
}

/// What the programs `pick` selects from `after` spent between the two snapshots: (ns, runs,
/// names of those that ran). A program absent from `before` started at zero.
pub fn spent(
    before: &BTreeMap<u32, Prog>,
    after: &BTreeMap<u32, Prog>,
    pick: impl Fn(u32, &Prog) -> bool,
) -> (u64, u64, Vec<String>) {
    let (mut ns, mut runs, mut names) = (0, 0, Vec::new());
    for (id, p) in after.iter().filter(|(id, p)| pick(**id, p)) {
        let b = before.get(id).cloned().unwrap_or_default();
        let dt = p.run_time_ns.saturating_sub(b.run_time_ns);
        let dc = p.run_cnt.saturating_sub(b.run_cnt);
        ns += dt;
        runs += dc;
        if dc > 0 || dt > 0 {
            names.push(p.name.clone());
        }
    }
    (ns, runs, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bpftool_json() {
        let text = r#"[{"id":12,"type":"sched_cls","name":"netdump_tc_ingress","tag":"ab","gpl_compatible":true,"run_time_ns":5000,"run_cnt":10,"loaded_at":1,"uid":0,"orphaned":false,"bytes_xlated":8,"jited":true,"bytes_jited":20,"bytes_memlock":4096,"map_ids":[3,4],"pids":[{"pid":4242,"comm":"netdump"}]},{"id":13,"type":"sched_cls","name":"ndbench_empty","tag":"cd","gpl_compatible":true,"loaded_at":1,"uid":0}]"#;
        let p = parse(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[&12].name, "netdump_tc_ingress");
        assert_eq!((p[&12].run_time_ns, p[&12].run_cnt), (5000, 10));
        assert_eq!((p[&13].run_cnt, p[&13].name.as_str()), (0, "ndbench_empty"));
        let mut later = p.clone();
        later.get_mut(&12).unwrap().run_time_ns = 9000;
        later.get_mut(&12).unwrap().run_cnt = 14;
        let (ns, runs, names) = spent(&p, &later, |id, _| id == 12);
        assert_eq!(
            (ns, runs, names),
            (4000, 4, vec!["netdump_tc_ingress".to_string()])
        );
    }

    #[test]
    fn reads_prog_id_from_fdinfo() {
        let prog = "pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t2083\nprog_type:\t3\nprog_jited:\t1\nprog_tag:\t7c85c77581178cdb\nmemlock:\t4096\nprog_id:\t74281\n";
        assert_eq!(prog_id_in(prog), Some(74281));
        let link = "pos:\t0\nflags:\t02000000\nlink_type:\ttcx\nlink_id:\t9\nprog_tag:\tab\nprog_id:\t12\nifindex:\t4\n";
        assert_eq!(prog_id_in(link), Some(12));
        assert_eq!(prog_id_in("pos:\t0\nflags:\t0100000\n"), None);
    }
}
