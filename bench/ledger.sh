#!/usr/bin/env bash
# What sealing costs a county build (issue #13: no more than 10%): the same code built
# twice, with the ledger and without it (feature `bench-without-ledger`, which makes the
# ledger a no-op: no seal read, compared, shown or copied), timed in alternation on the
# county corpus, twelve months sealed, each rebuilding over its previous output (a
# township's monthly case).
#
#   bench/ledger.sh                ROUNDS=5 by default (about 4 minutes after compiling)
#
# Prints one line per run and the medians; needs /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/gongkai-bench-ledger}
ROUNDS=${ROUNDS:-5}
TODAY=2024-12-26
cargo build --release --locked --quiet --bin gongkai --example gen_corpus
cargo build --release --locked --quiet --bin gongkai --features bench-without-ledger \
  --target-dir "$SCRATCH/target"
with=target/release/gongkai
without=$SCRATCH/target/release/gongkai
rm -rf "$SCRATCH/site" "$SCRATCH/out-with" "$SCRATCH/out-without"
target/release/examples/gen_corpus --size county --seed 1 --out "$SCRATCH/site" >/dev/null
# Seal the twelve months and make each side's previous output.
"$with" build --root "$SCRATCH/site" --out "$SCRATCH/out-with" --today "$TODAY" --quiet >/dev/null
"$without" build --root "$SCRATCH/site" --out "$SCRATCH/out-without" --today "$TODAY" --quiet >/dev/null
ls "$SCRATCH/site/archive" | wc -l | xargs printf '封存文件 %s 个\n'
echo "| round | build | wall s | user+sys s | peak MiB |"
echo "|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for side in with without; do
    bin=$with; [ "$side" = without ] && bin=$without
    sync
    /usr/bin/time -f '%e %U %S %M' -o "$SCRATCH/time.txt" \
      "$bin" build --root "$SCRATCH/site" --out "$SCRATCH/out-$side" --today "$TODAY" --quiet >/dev/null
    read -r wall user sys peak <"$SCRATCH/time.txt"
    cpu=$(echo "$user + $sys" | bc)
    echo "| $round | $side | $wall | $cpu | $((peak / 1024)) |" | tee -a "$SCRATCH/runs.md"
  done
done
python3 - "$SCRATCH/runs.md" "$ROUNDS" <<'PY'
import sys, statistics
rows = [l.strip('|\n').split('|') for l in open(sys.argv[1]) if l.startswith('|')][-2 * int(sys.argv[2]):]
by = {}
for r in rows:
    side = r[1].strip()
    by.setdefault(side, []).append((float(r[2]), float(r[3]), int(r[4])))
w = [x[0] for x in by['with']]; o = [x[0] for x in by['without']]
ratios = sorted(a / b for a, b in zip(w, o))
print(f"median wall: with {statistics.median(w):.2f} s, without {statistics.median(o):.2f} s; "
      f"with/without per round min {ratios[0]:.3f} median {statistics.median(ratios):.3f} max {ratios[-1]:.3f}; "
      f"CPU median {statistics.median(x[1] for x in by['with']):.2f} / {statistics.median(x[1] for x in by['without']):.2f} s; "
      f"peak {max(x[2] for x in by['with'])} / {max(x[2] for x in by['without'])} MiB")
PY
