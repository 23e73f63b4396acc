//! Any program (netdump, tcpdump) started in a namespace or in the test's own, its output
//! collected, stopped with SIGINT; and netdump run to its end.

use std::{
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use super::{normalize_ids, runner::collect, BIN};

/// A program running, its output collected.
pub struct Proc {
    pub child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<thread::JoinHandle<()>>,
}

/// What a program printed, and how it ended.
pub struct Done {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Done {
    /// Printed lines, timestamps stripped, ICMP ids normalised, sorted. Dump lines (a tab
    /// first) are left out.
    pub fn lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .stdout
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('\t'))
            .map(|l| normalize_ids(l.split_once(' ').map_or(l, |x| x.1)))
            .collect();
        v.sort();
        v
    }
}

impl Proc {
    /// Starts `prog args` in namespace `ns` (or, with `None`, in the test's own) and waits
    /// for its "listening on" line.
    pub fn spawn(ns: Option<&str>, prog: &str, args: &[&str]) -> Proc {
        let mut cmd = match ns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, prog]);
                c
            }
            None => Command::new(prog),
        };
        let mut child = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let mut p = Proc {
            child,
            stdout,
            stderr,
            readers,
        };
        // Generous: under qemu without KVM (`xtask test --kernel`) a start takes seconds.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !p.stderr().contains("listening on") {
            assert!(
                Instant::now() < deadline && p.running(),
                "{prog} did not start: {}",
                p.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
        p
    }

    /// Starts `prog args` in namespace `ns`.
    pub fn start(ns: &str, prog: &str, args: &[&str]) -> Proc {
        Proc::spawn(Some(ns), prog, args)
    }

    /// Starts netdump in namespace `ns`, with `-n` as the tcpdump it is compared with.
    pub fn netdump(ns: &str, args: &[&str]) -> Proc {
        let args: Vec<&str> = std::iter::once("-n").chain(args.iter().copied()).collect();
        Proc::spawn(Some(ns), BIN, &args)
    }

    /// Starts netdump in the test's own namespace (for `--netns`), with `-n`.
    pub fn netdump_here(args: &[&str]) -> Proc {
        let args: Vec<&str> = std::iter::once("-n").chain(args.iter().copied()).collect();
        Proc::spawn(None, BIN, &args)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child (`ip netns exec` execs the program).
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Waits for the program to end by itself (within 30 s), then its output.
    pub fn wait(mut self) -> Done {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "did not exit: {}", self.stderr());
            thread::sleep(Duration::from_millis(20));
        };
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        Done {
            ok: status.success(),
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }

    /// SIGINT, after giving in-flight samples time to be printed, then the output.
    pub fn stop(self) -> Done {
        thread::sleep(Duration::from_millis(300));
        self.signal(libc::SIGINT);
        self.wait()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `netdump args` in `ns` to the end (it must exit by itself): (exit code, stderr).
pub fn run_to_end(ns: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, BIN])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `netdump args` in the test's own namespace to the end: (exit code, stdout, stderr).
pub fn run_here(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Waits (up to 15 s) until `p` has printed `what` on stderr.
pub fn wait_for(p: &Proc, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !p.stderr().contains(what) {
        assert!(
            Instant::now() < deadline,
            "no '{what}' in stderr: {}",
            p.stderr()
        );
        thread::sleep(Duration::from_millis(20));
    }
}
