//! The `netdump` command: parse flags, run, and turn any error into one line on stderr.

use std::process::ExitCode;

use clap::{error::ErrorKind, Parser as _};
use netdump::{
    cli::{Args, Command},
    run,
};

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => return usage_error(e),
    };
    let command = match args.into_command() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netdump: {e}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::ListInterfaces(netns) => match run::list_interfaces(&netns) {
            Ok(text) => {
                let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("netdump: {e}");
                ExitCode::FAILURE
            }
        },
        Command::DumpFilter { expression, cbpf } => match run::dump_filter(&expression, cbpf) {
            Ok(text) => {
                // `netdump -d ... | head`: a closed pipe is a normal end.
                let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("netdump: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Read(cfg) => match run::read(cfg) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("netdump: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Capture(cfg) => {
            if cfg.kernel.log {
                env_logger::Builder::new()
                    .filter_level(log::LevelFilter::Warn)
                    .filter_module("netdump_ebpf", log::LevelFilter::Debug)
                    .format_timestamp(None)
                    .init();
            }
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("netdump: start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(run::capture(cfg)) {
                Ok(code) => ExitCode::from(code as u8),
                Err(e) => {
                    eprintln!("netdump: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `--help` and `--version` print as clap lays them out; a bad command line gets one line.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("bad command line");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("netdump: {first} (netdump --help lists the flags)");
            ExitCode::from(2)
        }
    }
}
