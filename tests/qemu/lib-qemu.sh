# The QEMU tier's helpers (sourced after tests/cli/lib.sh): Debian's own
# kernel and qemu-system-x86, a tiny initramfs built here (busybox-static,
# the kernel's nvme/ahci/sd_mod/sg modules with their dependencies, a test
# program with its libraries), and emulated drives on image files in $T.
# Nothing here opens a host block device.
#
#   qemu_prepare         finds or installs what it needs; 1 (with $qemu_why) if it cannot
#   qemu_initramfs OUT PROG INIT [EXTRA]   an initramfs holding PROG (and its libraries; its
#                        path in /env.sh as PROBE, with the sanitizer options), INIT as /init,
#                        and the files of the directory EXTRA at the same paths
#   qemu_boot LOG ARGS...          boots the guest with extra qemu ARGS; console in LOG
#
# The kernel is fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` (never installed on the host) into $ASSETCTL_QEMU_CACHE
# (default /var/cache/assetctl-qemu), once. KVM is opt-in
# (ASSETCTL_QEMU_KVM=1): guests under KVM have hung on these machines.

qemu_cache=${ASSETCTL_QEMU_CACHE:-/var/cache/assetctl-qemu}
qemu_why=
qemu_kernel= qemu_modroot= qemu_kver=

_qemu_install() {
  [ "$(id -u)" -eq 0 ] || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$T/apt.log" 2>&1 && return 0
  apt-get update -qq >>"$T/apt.log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$T/apt.log" 2>&1
}

# The newest unpacked kernel in the cache, else download Debian's
# linux-image-amd64 dependency and unpack it.
_qemu_kernel() {
  local v
  v=$(ls "$qemu_cache"/root/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
  if [ -z "$v" ]; then
    local pkg
    _qemu_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1; }
    pkg=$(_qemu_pkg)
    # a fresh machine may have no package lists yet
    [ -n "$pkg" ] || { [ "$(id -u)" -eq 0 ] && apt-get update -qq >"$T/apt.log" 2>&1 && pkg=$(_qemu_pkg); }
    [ -n "$pkg" ] || { qemu_why="no linux-image-amd64 in apt's lists"; return 1; }
    mkdir -p "$qemu_cache/dl" || { qemu_why="cannot create $qemu_cache"; return 1; }
    (cd "$qemu_cache/dl" && apt-get download "$pkg") >"$T/apt.log" 2>&1 ||
      { qemu_why="apt-get download $pkg failed"; return 1; }
    rm -rf "$qemu_cache/root.new"
    dpkg-deb -x "$qemu_cache"/dl/"$pkg"_*.deb "$qemu_cache/root.new" &&
      rm -rf "$qemu_cache/root" && mv "$qemu_cache/root.new" "$qemu_cache/root" &&
      rm -f "$qemu_cache"/dl/"$pkg"_*.deb || { qemu_why="cannot unpack $pkg"; return 1; }
    v=$(ls "$qemu_cache"/root/boot/vmlinuz-* | sort -V | tail -1)
  fi
  qemu_kernel=$v
  qemu_kver=${v##*/vmlinuz-}
  qemu_modroot=$qemu_cache/root
  if [ ! -f "$qemu_modroot/lib/modules/$qemu_kver/modules.dep" ]; then
    depmod -b "$qemu_modroot" "$qemu_kver" || { qemu_why="depmod failed"; return 1; }
  fi
}

qemu_prepare() {
  local need=()
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
  command -v depmod >/dev/null || need+=(kmod)
  command -v cpio >/dev/null || need+=(cpio)
  if [ ${#need[@]} -gt 0 ] && ! _qemu_install "${need[@]}"; then
    qemu_why="cannot install ${need[*]}"
    return 1
  fi
  command -v qemu-system-x86_64 >/dev/null || { qemu_why="no qemu-system-x86_64"; return 1; }
  mkdir -p "$qemu_cache" || { qemu_why="cannot create $qemu_cache"; return 1; }
  # one download at a time when several test runs share the cache
  exec {qemu_lock}>"$qemu_cache/.lock" && flock "$qemu_lock" || { qemu_why="cannot lock $qemu_cache"; return 1; }
  _qemu_kernel
  local r=$?
  exec {qemu_lock}>&-
  return $r
}

# Copies FILE to the same path under ROOT (for libraries and the loader).
_qemu_copy() {
  local root=$1 f=$2
  mkdir -p "$root$(dirname "$f")"
  cp -L "$f" "$root$f"
}

qemu_initramfs() {
  local out=$1 prog=$2 init=$3 extra=${4:-} root="$T/initramfs" m l
  rm -rf "$root"
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  for l in sh mount insmod sleep poweroff cat ls echo dmesg grep seq; do ln -s busybox "$root/bin/$l"; done
  # the CRC providers first: t10-pi and nvme-core look their algorithms up
  # at load time and fail without them
  : >"$root/modules.list"
  for m in crct10dif_generic crc64_rocksoft_generic sg sd_mod ahci virtio_pci virtio_scsi nvme; do
    modprobe -d "$qemu_modroot" -S "$qemu_kver" --show-depends "$m" 2>/dev/null |
      sed -n 's/^insmod \([^ ]*\).*/\1/p' >>"$T/modules.want"
  done
  # (the PCLMUL/AVX variants cannot load under TCG's CPU model; the
  # generic ones above do the same work)
  while read -r m; do
    case "${m##*/}" in *pclmul* | *-intel* | *avx*) continue ;; esac
    grep -qxF "/lib/modules/${m##*/}" "$root/modules.list" && continue
    cp "$m" "$root/lib/modules/" || return 1
    echo "/lib/modules/${m##*/}" >>"$root/modules.list"
  done <"$T/modules.want"
  rm -f "$T/modules.want"
  _qemu_copy "$root" "$prog"
  ldd "$prog" | grep -o '/[^ ]*' | while read -r l; do _qemu_copy "$root" "$l"; done
  cp "$init" "$root/init" && chmod 755 "$root/init"
  if [ -n "$extra" ]; then cp -a "$extra"/. "$root"/ || return 1; fi
  printf 'PROBE=%q\nASAN_OPTIONS=%q\nUBSAN_OPTIONS=%q\n' "$prog" "${ASAN_OPTIONS:-}" "${UBSAN_OPTIONS:-}" >"$root/env.sh"
  (cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
}

qemu_boot() {
  local log=$1; shift
  local accel=(-accel tcg)
  if [ "${ASSETCTL_QEMU_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then accel=(-accel kvm); fi
  timeout 170 qemu-system-x86_64 "${accel[@]}" -M pc -m 768 -smp 1 -nodefaults -display none \
    -no-reboot -serial "file:$log" -kernel "$qemu_kernel" -initrd "$T/initramfs.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4" "$@" </dev/null
}
