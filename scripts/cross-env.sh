# Sourced by scripts/release.sh and scripts/cross-test.sh: installs what cross-building
# gongkai needs on a Debian machine and tells cargo which linker each target uses.

# apt_install PACKAGE…: installs the packages (nothing when the list is empty).
apt_install() {
  (($#)) || return 0
  echo "== installing: $*"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"
}

# cross_install TARGET…: the rustup targets, and for each its C cross compiler from
# Debian (the linker, and the compiler of mimalloc's C code, found by the cc crate
# through the target's prefix).
cross_install() {
  local need=() missing=() target
  for target in "$@"; do
    case $target in
      x86_64-pc-windows-gnu)
        command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
        ;;
      aarch64-unknown-linux-gnu)
        command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
        dpkg -s libc6-dev-arm64-cross >/dev/null 2>&1 || need+=(libc6-dev-arm64-cross)
        ;;
    esac
    rustup target list --installed | grep -qx "$target" || missing+=("$target")
  done
  apt_install "${need[@]}"
  if ((${#missing[@]})); then rustup target add "${missing[@]}"; fi
}

# Cargo's default linker for aarch64 is `cc`, the host's; Windows finds mingw by itself.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
