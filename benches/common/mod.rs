//! Shared by the benchmarks: the synthetic data of `../shared/peers/`, generated into /tmp when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The same allocator as the `borderline` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers")
}

/// Runs one of the peers' generators (python3) unless `output` already exists.
pub fn generate(output: &Path, script: &str, args: &[&str]) {
    if !output.exists() {
        let ok = Command::new("python3").arg(peers().join(script)).args(args).status();
        assert!(ok.is_ok_and(|s| s.success()), "could not generate {}", output.display());
    }
}

/// A data directory holding only `incidents.geojson`, a link to the generated file of
/// `BORDERLINE_BENCH_N` incidents (`10k`, `100k` or `1m`; `default` when unset).
pub fn data_dir(default: &str) -> PathBuf {
    let label = std::env::var("BORDERLINE_BENCH_N").unwrap_or_else(|_| default.into());
    let n = match label.as_str() {
        "10k" => "10000",
        "100k" => "100000",
        _ => "1000000",
    };
    let file = PathBuf::from(format!("/tmp/peers-data/incidents_{label}.geojson"));
    generate(&file, "gen_incidents.py", &[n]);
    let dir = PathBuf::from(format!("/tmp/borderline-bench-{label}"));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("incidents.geojson");
    if !link.exists() {
        std::os::unix::fs::symlink(&file, &link).unwrap();
    }
    dir
}
