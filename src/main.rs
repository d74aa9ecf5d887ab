//! The `borderline` command: parse arguments, run, map errors to exit codes.

/// Loading a million incidents makes millions of small allocations; mimalloc handles them faster than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    borderline::cli::main()
}
