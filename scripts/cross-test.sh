#!/usr/bin/env bash
# Proves the programs people download (scripts/release.sh) do what the Linux build does.
# It cross-builds gongkai for Windows (x86_64-pc-windows-gnu, with Debian's mingw-w64) and
# for ARM Linux (aarch64-unknown-linux-gnu: UOS, Kylin on Phytium/Kunpeng), runs them
# under wine and qemu-user, and compares with the Linux build:
#   1. the example site (the repository's site.toml and content/), built from the double-
#      click menu in the site folder (no arguments, answers on standard input): the
#      output must be the same files with the same bytes;
#   2. a fixture site under a Chinese path (…/Users/张三/桌面/安全生产公开) built with
#      --root: the same files, and the folder shown as written (no \\?\ prefix);
#   3. `check` on a broken fixture (a GBK register with bad cells): the same exit code
#      and the same Chinese messages (path separators aside).
# The cross builds use the `cross` profile of Cargo.toml (opt-level 1, no debug info):
# they are about correctness, and compile in a fraction of a release build's time.
# On a fresh Debian machine it installs what it needs: mingw-w64, the aarch64 cross
# compiler and C library, qemu-user and wine64 (apt), and the two rustup targets.
# GONGKAI_SKIP_CROSS=1 skips it (for a quick local run of scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

if [ -n "${GONGKAI_SKIP_CROSS:-}" ]; then
  echo "== cross builds skipped (GONGKAI_SKIP_CROSS is set)"
  exit 0
fi

started=$SECONDS
phase() { echo "== $1 (at $((SECONDS - started)) s)"; }

phase "cross toolchains"
source scripts/cross-env.sh
cross_install x86_64-pc-windows-gnu aarch64-unknown-linux-gnu
need=()
dpkg -s wine64 >/dev/null 2>&1 || need+=(wine64)
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
command -v curl >/dev/null 2>&1 || need+=(curl)
apt_install "${need[@]}"
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver64)

phase "build: Linux (reference), Windows and aarch64"
cargo build --locked --bin gongkai
linux_bin=$repo/target/debug/gongkai
cargo build --locked --profile cross --target x86_64-pc-windows-gnu --bin gongkai
cargo build --locked --profile cross --target aarch64-unknown-linux-gnu --bin gongkai
phase "builds done"

work=$(mktemp -d)
cleanup() {
  if [ -n "${WINEPREFIX:-}" ]; then "$wineserver" -k 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Windows: the exe beside the wine-only shim DLL (see scripts/wine/bcryptprimitives.c).
mkdir -p "$work/win"
cp target/x86_64-pc-windows-gnu/cross/gongkai.exe "$work/win/"
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/win/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c -ladvapi32
# The prefix is kept in target/ (made once, about half a minute); mono and gecko are
# not needed, and their install dialogs must not come up.
export WINEPREFIX=$repo/target/wine-prefix WINEDEBUG=-all
export WINEDLLOVERRIDES="bcryptprimitives=n;mscoree=;mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  phase "making the wine prefix"
  LC_ALL=C.UTF-8 "$wine" wineboot --init >/dev/null 2>&1 || true
  "$wineserver" -w
fi
# Wine reads arguments in the locale's encoding: UTF-8, so Chinese paths arrive whole.
run_windows() { LC_ALL=C.UTF-8 "$wine" "$work/win/gongkai.exe" "$@"; }
run_aarch64() {
  qemu-aarch64 -L /usr/aarch64-linux-gnu \
    "$repo/target/aarch64-unknown-linux-gnu/cross/gongkai" "$@"
}
# A Unix path as Windows programs see it under wine (drive Z: is /).
winpath() { local p=${1//\//\\}; echo "Z:$p"; }

failures=0
fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}
same_tree() { # what, expected dir, actual dir
  if diff -r "$2" "$3" >"$work/diff.txt"; then
    echo "ok: $1 ($(find "$3" -type f | wc -l) files, same bytes)"
  else
    fail "$1 differs from the Linux build:"
    head -40 "$work/diff.txt" >&2
  fi
}

# The sites: the example, the town fixture under a Chinese path, and the town fixture
# with a broken GBK register added.
new_site() { # dest, source: "example" or a fixture folder
  mkdir -p "$1"
  if [ "$2" = example ]; then
    cp -r site.toml content "$1/"
  else
    cp -r "$2/." "$1/"
  fi
}
chinese=Users/张三/桌面/安全生产公开
broken() {
  new_site "$1" tests/fixtures/sites/town
  cp tests/fixtures/registers/errors/错误.csv "$1/content/registers/2025-03/乙村.csv"
}

phase "Linux reference builds"
new_site "$work/linux/example" example
(cd "$work/linux/example" && "$linux_bin" build >/dev/null)
new_site "$work/linux/$chinese" tests/fixtures/sites/town
"$linux_bin" build --root "$work/linux/$chinese" >/dev/null
broken "$work/linux/broken"
set +e
(cd "$work/linux/broken" && NO_COLOR=1 "$linux_bin" check >"$work/linux/check.txt" 2>&1)
linux_code=$?
set -e
if [ "$linux_code" -ne 1 ] || ! grep -q "不是有效的日期" "$work/linux/check.txt"; then
  fail "the Linux check of the broken fixture did not fail as expected (exit $linux_code)"
  cat "$work/linux/check.txt" >&2
fi

compare() { # name, runner, how a path is passed to it
  local name=$1 run=$2 path=$3 dir=$work/$1
  phase "$name: example site from the double-click menu"
  new_site "$dir/example" example
  (cd "$dir/example" && printf '2\n\n0\n' | "$run" >"$dir/menu.txt" 2>&1) ||
    fail "$name: the menu exited with $?"
  grep -q "重大事故隐患每月信息公开网站生成器" "$dir/menu.txt" ||
    fail "$name: the menu does not say what the program is"
  grep -q "已生成网站" "$dir/menu.txt" || {
    fail "$name: the menu did not build the site"
    cat "$dir/menu.txt" >&2
  }
  same_tree "$name: example site" "$work/linux/example/public" "$dir/example/public"

  phase "$name: fixture under a Chinese path"
  new_site "$dir/$chinese" tests/fixtures/sites/town
  local root
  root=$("$path" "$dir/$chinese")
  "$run" build --root "$root" >"$dir/build.txt" 2>&1 || {
    fail "$name: build under $chinese failed"
    cat "$dir/build.txt" >&2
  }
  same_tree "$name: fixture under $chinese" "$work/linux/$chinese/public" "$dir/$chinese/public"
  grep -qF "输出在 $root" "$dir/build.txt" || {
    fail "$name: the output folder is not shown as written ($root)"
    cat "$dir/build.txt" >&2
  }
  if grep -qF '\\?\' "$dir"/*.txt; then fail "$name: a path was shown with the \\\\?\\ prefix"; fi

  phase "$name: check on a broken fixture"
  broken "$dir/broken"
  local code=0
  (cd "$dir/broken" && NO_COLOR=1 "$run" check >"$dir/check.txt" 2>&1) || code=$?
  if [ "$code" -ne "$linux_code" ]; then
    fail "$name: check exited with $code, Linux with $linux_code"
  fi
  # Windows names files content\registers\…; otherwise the report is the same.
  if diff <(sed -e 's/\\/\//g' -e 's/用时 [0-9.]* 秒/用时 … 秒/' "$dir/check.txt") \
    <(sed -e 's/用时 [0-9.]* 秒/用时 … 秒/' "$work/linux/check.txt") >"$work/diff.txt"; then
    echo "ok: $name: check exits $code with the same Chinese report ($(grep -c "" "$dir/check.txt") lines)"
  else
    fail "$name: the check report differs from Linux:"
    head -40 "$work/diff.txt" >&2
  fi
}

# `gongkai serve` on Windows: the preview must see a saved change (notify's Windows
# watcher, ReadDirectoryChangesW, which wine maps to inotify) and serve the new page.
serve_sees_changes() {
  phase "windows: serve rebuilds on a saved change"
  local dir=$work/windows/serve
  new_site "$dir" example
  (cd "$dir" && exec env LC_ALL=C.UTF-8 "$wine" "$work/win/gongkai.exe" serve --port 18111 \
    >"$work/windows/serve.txt" 2>&1) &
  local url="" tries
  for tries in $(seq 120); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/windows/serve.txt" | head -1 || true)
    [ -n "$url" ] && break
    sleep 1
  done
  if [ -z "$url" ]; then
    fail "windows: serve did not start"
    cat "$work/windows/serve.txt" >&2
    return
  fi
  # The site title is on every page.
  sed -i 's/^title = "/title = "改动已生效/' "$dir/site.toml"
  local seen=""
  for tries in $(seq 60); do
    if curl -sf "$url" | grep -q "改动已生效"; then
      seen=yes
      break
    fi
    sleep 1
  done
  if [ -n "$seen" ]; then
    echo "ok: windows: serve rebuilt after a saved change and served the new title"
  else
    fail "windows: serve did not rebuild after a change"
    cat "$work/windows/serve.txt" >&2
  fi
  "$wineserver" -k 2>/dev/null || true
  wait || true
}

same_unix_path() { echo "$1"; }
compare windows run_windows winpath
serve_sees_changes
"$wineserver" -k 2>/dev/null || true
compare aarch64 run_aarch64 same_unix_path

phase "done"
if [ "$failures" -ne 0 ]; then
  echo "cross builds: $failures failed" >&2
  exit 1
fi
echo "cross builds: Windows (wine) and aarch64 (qemu-user) match the Linux build"
