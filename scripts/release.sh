#!/usr/bin/env bash
# Builds the programs people download, into dist/:
#   gongkai-windows-x86_64.zip   gongkai.exe for Windows 10/11 (64-bit)
#   gongkai-linux-x86_64.zip     gongkai for Linux on x86_64 (UOS, Kylin, Deepin on Intel/AMD/Hygon/Zhaoxin)
#   gongkai-linux-aarch64.zip    gongkai for Linux on ARM64 (UOS, Kylin on Phytium/Kunpeng)
#   SHA256SUMS                   the SHA-256 of each zip
# Each zip holds one folder with the program, README.md, the example site (example/:
# site.toml and content/, the same as `gongkai new` writes) and the register template when
# the repository has one. Binaries are built with the `dist` profile of Cargo.toml
# (release, stripped) and must stay under the size budget below.
# On a Debian machine it installs the rustup targets and cross compilers it needs.
#
#   bash scripts/release.sh              all three
#   bash scripts/release.sh windows      only the Windows zip (also: linux-x86_64, linux-aarch64)
#
# loongarch64 (Loongson) is not built: Debian 12 has no loongarch64 cross compiler or
# C library, and the C part of gongkai (the mimalloc allocator) needs one. See README.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# The size budget of one program, in bytes: a clerk downloads it over a county network.
# Measured sizes are in BENCHMARKS.md; raise the budget only with a reason written there.
BUDGET=${GONGKAI_SIZE_BUDGET:-12000000}

# name, rust target, program file
all=(
  "windows-x86_64 x86_64-pc-windows-gnu gongkai.exe"
  "linux-x86_64 x86_64-unknown-linux-gnu gongkai"
  "linux-aarch64 aarch64-unknown-linux-gnu gongkai"
)
chosen=()
for entry in "${all[@]}"; do
  read -r name _ _ <<<"$entry"
  if (($# == 0)) || [[ " $* " == *" $name "* || " $* " == *" ${name%%-*} "* ]]; then
    chosen+=("$entry")
  fi
done
if ((${#chosen[@]} == 0)); then
  echo "不认识的目标：$*（可选：windows、linux-x86_64、linux-aarch64）" >&2
  exit 2
fi

source scripts/cross-env.sh
targets=()
for entry in "${chosen[@]}"; do
  read -r _ target _ <<<"$entry"
  targets+=("$target")
done
cross_install "${targets[@]}"

version=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')
dist=$repo/dist
rm -rf "$dist"
mkdir -p "$dist"

# The register template, when the repository has one (a workbook or CSV a clerk fills in).
templates=()
for candidate in templates/台账模板.xlsx templates/台账模板.csv 台账模板.xlsx 台账模板.csv; do
  [ -f "$candidate" ] && templates+=("$candidate")
done

for entry in "${chosen[@]}"; do
  read -r name target program <<<"$entry"
  echo "== $name ($target)"
  start=$SECONDS
  cargo build --locked --profile dist --target "$target" --bin gongkai
  echo "   built in $((SECONDS - start)) s"
  binary=target/$target/dist/$program
  size=$(stat -c %s "$binary")
  echo "   $program: $size bytes"
  if ((size > BUDGET)); then
    echo "错误：$name 的程序 $size 字节，超过预算 $BUDGET 字节。" >&2
    exit 1
  fi

  stage=$dist/stage/gongkai-$name
  mkdir -p "$stage/example"
  cp "$binary" "$stage/$program"
  cp README.md "$stage/"
  cp -r site.toml content "$stage/example/"
  if ((${#templates[@]})); then cp "${templates[@]}" "$stage/"; fi
  # Zipped with Python's zipfile: names are stored as UTF-8 with the flag that says so
  # (Windows' own unzip reads Chinese file names right), times fixed, the program
  # executable on Linux.
  python3 - "$dist/stage" "gongkai-$name" "$dist/gongkai-$name.zip" <<'EOF'
import os, sys, zipfile
base, top, out = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for folder, dirs, files in os.walk(os.path.join(base, top)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo(os.path.relpath(path, base), (2026, 1, 1, 0, 0, 0))
            info.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
EOF
  echo "   dist/gongkai-$name.zip: $(stat -c %s "$dist/gongkai-$name.zip") bytes"
done
rm -rf "$dist/stage"
(cd "$dist" && sha256sum -- *.zip >SHA256SUMS)
echo "== gongkai $version in dist/:"
cat "$dist/SHA256SUMS"
