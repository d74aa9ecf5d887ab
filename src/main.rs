//! The `borderline` command: parse arguments, run, map errors to exit codes.

fn main() -> std::process::ExitCode {
    borderline::cli::main()
}
