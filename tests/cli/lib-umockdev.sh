# Helpers for the device-detection tests (issue 5): run assetctl inside an
# umockdev test bed built from the descriptions in tests/data/umockdev/.
# Source after lib.sh.
#
#   have_umockdev               true when umockdev-run works here
#   umock "a b" CMD...          run CMD with the descriptions a.umockdev and
#                               b.umockdev loaded, and the test bed's fake
#                               /proc/self/mountinfo and /proc/swaps
#
# umockdev works by LD_PRELOAD. An AddressSanitizer build wants its runtime
# first in the library list, but umockdev-run puts its preload library
# first: the order only matters to ASan's start-up check (the preload does
# not replace malloc), so that check is turned off for such a build.
UMOCK_DATA="$ASSETCTL_SRCDIR/tests/data/umockdev"

have_umockdev() {
  command -v umockdev-run >/dev/null 2>&1 || return 1
  umockdev-run -d "$UMOCK_DATA/sata-hdd.umockdev" -- test -e /sys/block/sda 2>/dev/null
}

if ldd "$A" 2>/dev/null | grep -q libasan; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fi

umock() {
  local names=$1 n args=()
  shift
  for n in $names; do args+=(-d "$UMOCK_DATA/$n.umockdev"); done
  ASSETCTL_MOUNTINFO="$UMOCK_DATA/mountinfo" ASSETCTL_SWAPS="$UMOCK_DATA/swaps" \
    umockdev-run "${args[@]}" -- "$@"
}

# Every description at once.
UMOCK_ALL="sata-hdd sata-ssd nvme usb-sata-bridge usb-stick partitioned-mounted md-member lvm-member usb-hub"
