//! The `limpet` binary: command-line parsing and process setup.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
