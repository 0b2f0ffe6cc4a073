#!/usr/bin/env bash
# Runs every test of gongkai: the Rust suite (unit, integration, snapshot, fuzz
# regressions, a LibreOffice-saved workbook) with `cargo test --locked`, then the
# downloadable programs for Windows and ARM Linux under wine and qemu-user against the
# Linux build (scripts/cross-test.sh), then the browser suite in headless Chromium.
# Before the browser suite, on a fresh Debian machine, it installs what that suite needs
# and is missing: Debian's Chromium (no test tool ever downloads a browser), Chinese
# fonts for screenshots, a Java runtime for the Nu HTML Checker, Node.js and the npm
# packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice for the Rust suite's test of a workbook saved by real LibreOffice
# (tests/libreoffice.rs; under CI it fails without it). The no-GUI Calc package is
# what that needs: about 60 s and 300 MB on a fresh Debian machine.
if ! command -v soffice >/dev/null 2>&1; then
  echo "== installing: libreoffice-calc-nogui"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui
fi

echo "== Rust tests"
cargo test --locked

# Windows and aarch64 builds, run under wine and qemu-user: the same output as Linux.
bash scripts/cross-test.sh

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if ((${#need[@]})); then
  echo "== installing: ${need[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi

echo "== browser suite"
node --version
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; Java comes from
# Debian above. playwright-core downloads nothing on install.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
npm test
