#!/usr/bin/env bash
# Reading a county year (12 registers of 10,000 rows) as Excel workbooks beside the same
# year as CSV, side by side in one run (the machine may be shared: both are timed in
# alternation, so load affects both alike).
#
#   bench/workbooks.sh            ROUNDS=3 by default (about 4 minutes)
#
# Generates the county corpus (registers only, a few notices) with examples/gen_corpus,
# copies it, converts the copy's registers with examples/csv_to_xlsx, then times
# `gongkai check` on each copy under /usr/bin/time -v and prints wall seconds and peak MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/gongkai-bench-workbooks}
ROUNDS=${ROUNDS:-3}
cargo build --release --locked --bin gongkai --example gen_corpus --example csv_to_xlsx
bin=target/release
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
"$bin/examples/gen_corpus" --out "$SCRATCH/csv" --months 12 --rows 10000 --notices 10 --seed 1 >/dev/null
cp -r "$SCRATCH/csv" "$SCRATCH/xlsx"
"$bin/examples/csv_to_xlsx" "$SCRATCH/xlsx"
du -sh "$SCRATCH/csv/content/registers" "$SCRATCH/xlsx/content/registers"
# `check` reads, checks, renders and scans everything (it must agree with build); the
# timings line's load+check is the part where CSV and workbooks differ.
echo "| round | input | exit | wall s | peak MiB | load+check s |"
echo "|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for kind in csv xlsx; do
    set +e
    GONGKAI_TIMINGS=1 /usr/bin/time -v "$bin/gongkai" check --root "$SCRATCH/$kind" \
      --today 2025-01-26 >"$SCRATCH/report.log" 2>"$SCRATCH/time.log"
    code=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$SCRATCH/time.log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$SCRATCH/time.log")
    load=$(cat "$SCRATCH/time.log" "$SCRATCH/report.log" | grep -o 'load+check [0-9.]*[mµ]*s' | head -1 | awk '{print $2}' || true)
    echo "| $round | $kind | $code | $wall | $peak | $load |"
  done
done
