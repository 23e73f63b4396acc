//! A netdump started in a namespace with its output collected, and what it left when it
//! ended.

use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use super::BIN;

/// A running netdump whose output is collected.
pub struct Capture {
    pub child: Option<Child>,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
    pub readers: Vec<thread::JoinHandle<()>>,
}

pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The printed lines, without their timestamps.
    pub fn lines(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|l| l.split_once(' ').map(|x| x.1).unwrap_or(l).to_string())
            .map(|l| normalize_ids(&l))
            .collect()
    }

    pub fn stat(&self, what: &str) -> u64 {
        self.stderr
            .lines()
            .find_map(|l| {
                let (n, rest) = l.split_once(' ')?;
                (rest
                    .trim_start_matches("packets ")
                    .trim_start_matches("packet ")
                    == what)
                    .then(|| n.parse().ok())?
            })
            .unwrap_or_else(|| panic!("no '{what}' line in stderr:\n{}", self.stderr))
    }
}

/// ICMP echo ids are the pinging process's; replace them with X.
pub fn normalize_ids(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(", id ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        out.push('X');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

pub fn collect(
    mut r: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(&mut r);
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    })
}

impl Capture {
    pub fn start(ns: &str, dev: &str, args: &[&str]) -> Capture {
        Capture::start_env(ns, dev, args, &[])
    }

    /// As [`Capture::start`], with environment variables set for netdump.
    pub fn start_env(ns: &str, dev: &str, args: &[&str], env: &[(&str, &str)]) -> Capture {
        let mut child = Command::new("ip")
            .args(["netns", "exec", ns, BIN, "-n", "-i", dev])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netdump");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let mut cap = Capture {
            child: Some(child),
            stdout,
            stderr,
            readers,
        };
        // Generous: under qemu without KVM (`xtask test --kernel`) on a busy host a start
        // takes tens of seconds. A netdump that exits fails at once.
        let deadline = Instant::now() + Duration::from_secs(90);
        while !cap.stderr.lock().unwrap().contains("listening on") {
            let exited = cap
                .child
                .as_mut()
                .is_some_and(|c| c.try_wait().ok().flatten().is_some());
            if exited || Instant::now() > deadline {
                // Let the readers take in what it said last.
                thread::sleep(Duration::from_millis(200));
                panic!("netdump did not start: {}", cap.stderr.lock().unwrap());
            }
            thread::sleep(Duration::from_millis(20));
        }
        cap
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.pid(), sig) };
    }

    /// Whether netdump has exited by itself.
    pub fn exited(&self) -> bool {
        // SAFETY: kill with signal 0 only checks that the process exists; a zombie counts.
        let alive = unsafe { libc::kill(self.pid(), 0) } == 0;
        let zombie = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .map(|s| s.contains(") Z "))
            .unwrap_or(true);
        !alive || zombie
    }

    /// Waits up to `timeout` for netdump to exit by itself; a hang fails the test.
    pub fn wait(mut self, timeout: Duration) -> Finished {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "netdump did not exit within {timeout:?}; stderr: {}",
                    self.stderr.lock().unwrap()
                );
            }
            thread::sleep(Duration::from_millis(20));
        };
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        Finished {
            status,
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
        }
    }

    /// Ctrl-C, after giving in-flight samples time to be printed.
    pub fn stop(self) -> Finished {
        thread::sleep(Duration::from_millis(300));
        self.signal(libc::SIGINT);
        self.wait(Duration::from_secs(10))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn assert_clean_exit(f: &Finished) {
    assert!(f.status.success(), "exit {:?}: {}", f.status, f.stderr);
    let printed = f.stdout.lines().count() as u64;
    assert_eq!(
        f.stat("captured"),
        printed,
        "captured line vs printed lines:\n{}",
        f.stderr
    );
    assert_eq!(f.stat("received by filter"), printed, "{}", f.stderr);
    assert_eq!(f.stat("dropped by kernel"), 0, "{}", f.stderr);
}
