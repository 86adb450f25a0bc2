#!/usr/bin/env bash
# assetctl: install what is missing, build, test, demo.
#   ./build.sh            install missing Debian packages (as root), build into build/
#   ./build.sh test       ... and run every test; ends with "N passed, N failed[, N skipped]"
#   ./build.sh asan-test  the same in build-asan/ with AddressSanitizer and UBSan
#   ./build.sh demo       ... and run the guided demo on a throwaway register
#   ./build.sh install [PREFIX]   install (default /usr/local)
#   ./build.sh bench NAME run tests/bench/NAME (register, scan, labels, wipe)
set -euo pipefail
cd "$(dirname "$0")"

# Build and test dependencies, by Debian package name.
PACKAGES=(
  build-essential meson ninja-build pkg-config scdoc
  libsqlite3-dev sqlite3 libssl-dev openssl libjansson-dev libcsv-dev
  libqrencode-dev qrencode libcairo2-dev libfontconfig-dev libudev-dev udev libusb-1.0-0-dev
  libcmocka-dev umockdev libumockdev-dev
  zbar-tools poppler-utils nwipe xxd util-linux tmux bc time jq
  librsvg2-bin fonts-dejavu-core
  clang libclang-rt-14-dev
  universal-ctags binutils
)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: missing packages: ${missing[*]}" >&2
    echo "build.sh: run as root to install them, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "build.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR [meson options...]
build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

verb=${1:-build}
case "$verb" in
  build)
    install_packages
    build build --werror
    echo "built build/assetctl"
    ;;
  test)
    install_packages
    build build --werror
    tests/run.sh build
    ;;
  asan-test)
    install_packages
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      tests/run.sh build-asan
    ;;
  demo)
    install_packages
    build build --werror
    shift || true
    exec build/assetctl demo "$@"
    ;;
  install)
    install_packages
    prefix=${2:-/usr/local}
    meson setup build-install --prefix="$prefix" --buildtype=release -Dtests=false >/dev/null 2>&1 || true
    ninja -C build-install install
    ;;
  bench)
    install_packages
    # a separate release build: build/ keeps its debug-friendly setup
    build build-release --buildtype=release
    BENCH_BUILDDIR=$PWD/build-release exec "tests/bench/${2:?name a benchmark: register, scan, labels, wipe}"
    ;;
  *)
    echo "usage: ./build.sh [build|test|asan-test|demo|install [PREFIX]|bench NAME]" >&2
    exit 2
    ;;
esac
