//! The `netdump` command: parse flags, run, and turn any error into one line on stderr.

use std::process::ExitCode;

use clap::Parser as _;
use netdump::{
    cli::{Args, Command},
    iface, run,
};

fn main() -> ExitCode {
    let args = Args::parse();
    let command = match args.into_command() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netdump: {e}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::ListInterfaces => match iface::list() {
            Ok(list) => {
                for (n, i) in list.iter().enumerate() {
                    println!("{}.{} {}", n + 1, i.name, i.describe());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("netdump: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Capture(cfg) => {
            if cfg.bpf_log {
                env_logger::Builder::new()
                    .filter_level(log::LevelFilter::Debug)
                    .format_timestamp(None)
                    .init();
            }
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
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
