#!/usr/bin/env bash
# backends: sqlite  (the package and its binary: nothing of a backend; a build takes minutes)
# The Debian package: `./build.sh deb` builds it from this source tree (in a
# copy, reusing nothing of the build under test), lintian finds no error,
# Build-Depends name every library meson looks for, and the package holds
# the binary, the man page, the completion, the data and the example units.
# The release binary names no build-tree path and no test hook. Unpacked
# into a temporary root (dpkg -x), that binary finds its data there and runs
# the demo from any directory; in CI (a fresh machine, as root) the package
# is also installed with dpkg -i, used, and purged, even on failure.
. "$(dirname "$0")/lib.sh"
S=$ASSETCTL_SRCDIR

missing=""
for t in dpkg-buildpackage dh dpkg-deb; do command -v "$t" >/dev/null || missing="$missing $t"; done
if [ -n "$missing" ]; then
  skip "the package" "not installed:$missing (./build.sh as root installs debhelper)"
  done_testing; exit
fi

version=$(dpkg-parsechangelog -l "$S/debian/changelog" -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb="$T/out/assetctl_${version}_$arch.deb"

# -- the build (and lintian, which build.sh deb runs when it is installed)
run "$S/build.sh" deb "$T/out"
check "build.sh deb builds $(basename "$deb")" test "$rc" -eq 0 -a -f "$deb"
[ "$rc" -eq 0 ] || printf '%s\n%s\n' "$out" "$err" | tail -30 | sed 's/^/    /'
if [ ! -f "$deb" ]; then done_testing; exit; fi
if command -v lintian >/dev/null; then
  lint=$(grep -E '^[EWIPX]: ' <<<"$out")
  check "lintian: no error" eval '! grep -q "^E: " <<<"$lint"'
  [ -n "$lint" ] && printf '%s\n' "$lint" | sed 's/^/    lintian: /'
else
  skip "lintian: no error" "lintian is not installed"
fi
check "the source tree has no debian/ build files" \
  eval '[ ! -e "$S/debian/assetctl" ] && [ ! -e "$S/debian/files" ] && ! ls -d "$S"/obj-* >/dev/null 2>&1'

# -- Build-Depends: the package of every library and program meson needs
# (the test-only ones aside) is in debian/control
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$S/debian/control" | sed -E 's/^Build-Depends://; s/\([^)]*\)//g' | tr ',' '\n' | awk 'NF {print $1}')
pkg_of() { dpkg -S "$1" 2>/dev/null | head -1 | sed -E 's/^([^:]+)(:[a-z0-9]+)?: .*/\1/'; }
bad=""
for m in $(find "$S" -name meson.build -not -path "$S/build*" -not -path "$S/tests/*" -not -path "$S/.git/*"); do
  while read -r name; do
    [ "$name" = threads ] && continue
    pc=$(pkg-config --path "$name" 2>/dev/null)
    p=$(pkg_of "$(realpath -s "$pc")")
    grep -qx "${p:-?}" <<<"$bdeps" || bad="$bad dependency('$name')->${p:-not found}"
  done < <(grep -v "get_option('tests')" "$m" | grep -oE "dependency\('[^']+'" | sed -E "s/dependency\('//; s/'$//")
  while read -r lib; do
    [ "$lib" = m ] && continue  # libc6-dev, from build-essential
    p=$(pkg_of "$(realpath -s "$(cc -print-file-name="lib$lib.so")")")
    grep -qx "${p:-?}" <<<"$bdeps" || bad="$bad find_library('$lib')->${p:-not found}"
  done < <(grep -oE "find_library\('[^']+'" "$m" | sed -E "s/find_library\('//; s/'$//")
  while read -r prog; do
    p=$(pkg_of "$(realpath -s "$(command -v "$prog")")")
    grep -qx "${p:-?}" <<<"$bdeps" || bad="$bad find_program('$prog')->${p:-not found}"
  done < <(grep -oE "find_program\('[^']+'" "$m" | sed -E "s/find_program\('//; s/'$//")
done
check "Build-Depends names what meson needs${bad:+: missing$bad}" test -z "$bad"

# -- contents
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
bad=""
for p in /usr/bin/assetctl /usr/share/man/man1/assetctl.1.gz \
         /usr/share/bash-completion/completions/assetctl \
         /usr/share/assetctl/demo/run.sh /usr/share/assetctl/demo/10-register.sh \
         /usr/share/assetctl/sheets/L7160.sheet /usr/share/assetctl/data/waste-codes.tsv \
         /lib/systemd/system/assetctl-compliance.service /lib/systemd/system/assetctl-compliance.timer \
         /usr/share/doc/assetctl/copyright /usr/share/doc/assetctl/changelog.gz; do
  grep -qx "$p" "$T/contents" || bad="$bad $p"
done
check "dpkg-deb -c lists the binary, man page, completion, data and units${bad:+: missing$bad}" test -z "$bad"
n_sheets=$(ls "$S"/labels/sheets/*.sheet | wc -l)
check "every label sheet is packaged" test "$(grep -c '^/usr/share/assetctl/sheets/.*\.sheet$' "$T/contents")" -eq "$n_sheets"
check "nothing is packaged under /usr/local or the build tree" eval '! grep -qE "^/(usr/local|tmp|work)/" "$T/contents"'
deps=$(dpkg-deb -f "$deb" Depends)
check "Depends comes from shlibs (libc6, libsqlite3-0, libssl3)" \
  eval '[[ "$deps" == *libc6* && "$deps" == *libsqlite3-0* && "$deps" == *libssl3* ]]'

R=$T/root
dpkg-deb -x "$deb" "$R"
bin=$R/usr/bin/assetctl

# -- a release build: no build-tree path, no test hook
strings "$bin" >"$T/strings"
bad=$(grep -nE "/tmp/assetctl-deb|/work/|obj-[a-z0-9_]+-linux|$S" "$T/strings" | head -5)
check "the binary names no build-tree path${bad:+: $bad}" test -z "$bad"
check "the binary looks for its data in /usr/share/assetctl" grep -qx "/usr/share/assetctl" "$T/strings"
hooks="ASSETCTL_NOW ASSETCTL_TODAY ASSETCTL_TEST_PASS_HOOK ASSETCTL_NO_SHANI"
if grep -q "ASSETCTL_TEST_HOOKS" "$S/meson.build"; then
  bad=""
  for h in $hooks; do grep -qx "$h" "$T/strings" && bad="$bad $h"; done
  check "the binary has no test hook${bad:+: has$bad}" test -z "$bad"
else
  skip "the binary has no test hook" "the hooks are not gated yet (ASSETCTL_TEST_HOOKS)"
fi

# -- the unpacked binary, its data found beside it
check_out "the unpacked binary is version $version" "assetctl $version" "$bin" version
run env -C / ASSETCTL_DEMO_DIR= "$bin" demo --fast
check "assetctl demo --fast runs from / with the packaged demo" \
  eval '[ "$rc" -eq 0 ] && [[ "$out" == *"The demo is over."* ]]'
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -5 | sed 's/^/    /'
new_db
check_out "the packaged label sheets are found" "$(ls "$S"/labels/sheets/ | sed 's/\.sheet$//' | sort)" \
  eval "env -C / ASSETCTL_SHEETS_DIR= '$bin' label --list-sheets | awk '{print \$1}'"
run env -C / "$bin" asset add --make Dell --model X --serial S1 --category laptop --location R1
check_rc "a label from a packaged sheet" 0 env -C / "$bin" label TS-000001 --sheet L7160 -o "$T/l.pdf"
check "the packaged completion is what the binary generates" \
  cmp -s "$R/usr/share/bash-completion/completions/assetctl" <("$bin" completion bash)
check "the completion loads in bash" \
  bash -c ". '$R/usr/share/bash-completion/completions/assetctl' && complete -p assetctl >/dev/null"
if command -v man >/dev/null; then
  check "the man page renders" eval 'man -l "$R/usr/share/man/man1/assetctl.1.gz" 2>/dev/null | grep -q "^NAME"'
else
  skip "the man page renders" "man is not installed"
fi

# -- the example units: valid, and not enabled by the package
units=$R/lib/systemd/system
check "the service runs assetctl report compliance" grep -qx "ExecStart=/usr/bin/assetctl report compliance" "$units/assetctl-compliance.service"
check "the timer runs weekly" grep -qx "OnCalendar=weekly" "$units/assetctl-compliance.timer"
# dh_installsystemd --no-enable --no-start: nothing starts a unit, and enable
# only re-creates the links of a unit the admin had enabled (an upgrade)
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst >"$T/postinst" 2>/dev/null
check "the maintainer scripts neither start nor enable the units" \
  eval '! grep -q deb-systemd-invoke "$T/postinst" && grep -q "if deb-systemd-helper debian-installed" "$T/postinst"'
if command -v systemd-analyze >/dev/null; then
  mkdir "$T/units"
  # verify wants the ExecStart binary to exist: point it at the unpacked one
  sed "s|/usr/bin/assetctl|$bin|" "$units/assetctl-compliance.service" >"$T/units/assetctl-compliance.service"
  cp "$units/assetctl-compliance.timer" "$T/units/"
  check_rc "systemd-analyze verify accepts the units" 0 \
    systemd-analyze verify --man=no "$T/units/assetctl-compliance.timer" "$T/units/assetctl-compliance.service"
else
  skip "systemd-analyze verify accepts the units" "systemd-analyze is not installed"
fi
check_rc "the service's command on a register with nothing to do" 0 \
  env -C / ASSETCTL_DB="$ASSETCTL_DB" "$bin" report compliance

# -- dpkg -i, use, dpkg --purge: as root on a machine of its own (CI), since
# it changes the system; ASSETCTL_TEST_DPKG=1 runs it elsewhere.
if ! need_root; then
  skip "dpkg -i and --purge" "needs root"
elif [ "${CI:-}" != true ] && [ "${ASSETCTL_TEST_DPKG:-}" != 1 ]; then
  skip "dpkg -i and --purge" "changes the system: runs in CI, or with ASSETCTL_TEST_DPKG=1"
elif dpkg-query -W -f='${Status}' assetctl 2>/dev/null | grep -q "ok installed" || [ -e /usr/bin/assetctl ]; then
  skip "dpkg -i and --purge" "assetctl is installed on this machine already: left alone"
else
  _ours=1
  trap '[ "$_ours" = 1 ] && dpkg --purge assetctl >/dev/null 2>&1; cleanup' EXIT
  check_rc "dpkg -i installs the package" 0 dpkg -i "$deb"
  run env -C / PATH=/usr/bin:/bin assetctl demo --fast
  check "after dpkg -i, assetctl demo --fast runs from /" \
    eval '[ "$rc" -eq 0 ] && [[ "$out" == *"The demo is over."* ]]'
  if command -v man >/dev/null; then
    check_out "man finds the page" "/usr/share/man/man1/assetctl.1.gz" man -w assetctl
    check "man assetctl opens the page" eval 'man assetctl 2>/dev/null | grep -q "^NAME"'
  fi
  check "the units are installed, not enabled" \
    eval '[ -f /lib/systemd/system/assetctl-compliance.timer ] && ! ls /etc/systemd/system/*.wants/assetctl-compliance.* >/dev/null 2>&1'
  check_rc "dpkg --purge removes it" 0 dpkg --purge assetctl
  _ours=0
  check "nothing of it is left" eval '[ ! -e /usr/bin/assetctl ] && [ ! -e /usr/share/assetctl ] && [ ! -e /lib/systemd/system/assetctl-compliance.timer ]'
fi

done_testing
