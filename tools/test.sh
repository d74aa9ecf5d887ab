#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh machine: installs what the tests need when it is
# missing, then checks formatting, lints, docs and runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*" >&2; }

# System packages the tests need: GDAL's ogrinfo is the real GIS client the server tests talk to; Chromium and
# Node run the web-map checks. Installed only when missing; apt-get update runs first.
need_pkgs=()
for cmd_pkg in "python3:python3" "ogrinfo:gdal-bin" "chromium:chromium" "node:nodejs" "npm:npm"; do
  cmd=${cmd_pkg%%:*} pkg=${cmd_pkg#*:}
  command -v "$cmd" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need_pkgs[@]}"
fi

if [ ! -d tests/web/node_modules/playwright-core ] || [ ! -d tests/web/node_modules/axe-core ]; then
  log "npm ci (playwright-core and axe-core, pinned in tests/web/package-lock.json; it drives the system Chromium)"
  npm ci --prefix tests/web --no-audit --no-fund
fi

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy -D warnings"
cargo clippy --all-targets --locked -- -D warnings

log "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet

log "cargo test (unit, integration and doc tests)"
cargo test --locked

log "benchmarks compile"
cargo bench --locked --no-run

if [ -d ../shared/seeds ] && [ -f ../shared/tools/seed_overlap.py ]; then
  log "no sentence copied from the source articles"
  python3 ../shared/tools/seed_overlap.py .
fi
