#!/usr/bin/env bash
# assetctl: install what is missing, build, test, demo.
#   ./build.sh            install missing Debian packages (as root), build into build/
#   ./build.sh test       ... and run every test; ends with "N passed, N failed[, N skipped]"
#   ./build.sh asan-test  the same in build-asan/ with AddressSanitizer and UBSan
#   ./build.sh demo       ... and run the guided demo on a throwaway register
#   ./build.sh install [PREFIX]   install (default /usr/local)
#   ./build.sh deb [OUTDIR]  the Debian package, dist/assetctl_VERSION_ARCH.deb
#   ./build.sh bench NAME run tests/bench/NAME (register, scan, labels, wipe, trust)
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
  debhelper lintian
  qemu-system-x86 busybox-static kmod cpio
  universal-ctags binutils
  postgresql libpq-dev
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

# build_deb OUTDIR: the .deb with Debian's own tooling (debian/), built by
# dpkg-buildpackage in a copy of the tree in a temporary directory, so that
# nothing of build/ is reused and the tree gets no debian/ build files.
build_deb() {
  local out=$1 version meson_version arch tmp src
  version=$(dpkg-parsechangelog -l debian/changelog -S Version)
  meson_version=$(sed -nE "s/^ *version : '([^']+)',?$/\1/p" meson.build | head -1)
  if [ "$version" != "$meson_version" ]; then
    echo "build.sh: debian/changelog is at $version but meson.build at $meson_version: add a changelog entry" >&2
    return 1
  fi
  arch=$(dpkg-architecture -qDEB_HOST_ARCH)
  tmp=$(mktemp -d /tmp/assetctl-deb.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  src="$tmp/assetctl-$version"
  mkdir "$src"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # what is in the work tree now, committed or not, less what git ignores
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do
        case $f in dist/*) continue ;; esac
        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
      done |
      tar --null -T - -cf - | tar -xf - -C "$src"
  else
    tar --exclude='./build*' --exclude=./dist --exclude=./.git -cf - . | tar -xf - -C "$src"
  fi
  if ! (cd "$src" && DEB_BUILD_OPTIONS="noautodbgsym ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage -us -uc -b -Jauto) >"$tmp/build.log" 2>&1; then
    tail -40 "$tmp/build.log" >&2
    echo "build.sh: dpkg-buildpackage failed" >&2
    return 1
  fi
  mkdir -p "$out"
  mv "$tmp/assetctl_${version}_$arch.deb" "$out/"
  echo "built $out/assetctl_${version}_$arch.deb"
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
    # the command-line scripts on SQLite; PostgreSQL's own code runs under
    # the sanitizers through test-pg and the trust scripts (0950-0986),
    # which run in this pass too: the second pass over every script on
    # PostgreSQL is the plain run's (time: the PostgreSQL tier stays small)
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ASSETCTL_TEST_BACKEND=${ASSETCTL_TEST_BACKEND:-sqlite} tests/run.sh build-asan
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
  deb)
    install_packages
    build_deb "${2:-dist}"
    if command -v lintian >/dev/null; then
      lintian --fail-on error "${2:-dist}/assetctl_$(dpkg-parsechangelog -S Version)_$(dpkg-architecture -qDEB_HOST_ARCH).deb"
    fi
    ;;
  bench)
    install_packages
    # a separate release build: build/ keeps its debug-friendly setup
    build build-release --buildtype=release
    BENCH_BUILDDIR=$PWD/build-release exec "tests/bench/${2:?name a benchmark: register, scan, labels, wipe, trust}"
    ;;
  *)
    echo "usage: ./build.sh [build|test|asan-test|demo|install [PREFIX]|deb [OUTDIR]|bench NAME]" >&2
    exit 2
    ;;
esac
