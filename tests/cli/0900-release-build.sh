#!/usr/bin/env bash
# A release build (--buildtype=release -Dtests=false) carries no test hook:
# not the clock override (ASSETCTL_NOW, ASSETCTL_TODAY), not the wipe's pass
# hook (ASSETCTL_TEST_PASS_HOOK), not the fault or SHA-NI switches; and the
# clock cannot be set from the environment. The test build (the one under
# test) has them, which shows the check can fail.
. "$(dirname "$0")/lib.sh"
hooks='ASSETCTL_(TEST|FAULT|NOW|TODAY|NO_SHANI)'
if ! command -v meson >/dev/null || ! command -v ninja >/dev/null || ! command -v strings >/dev/null; then
  skip "release build" "needs meson, ninja and strings"
  done_testing
  exit
fi
check "the test build has the hooks (the check below can see them)" grep -qE "$hooks" <(strings "$A")
run meson setup "$T/rel" "$ASSETCTL_SRCDIR" --buildtype=release -Dtests=false
check "a release build configures" [ "$rc" -eq 0 ]
run ninja -C "$T/rel" assetctl
check "... and builds" [ "$rc" -eq 0 ] && [ -x "$T/rel/assetctl" ]
if [ -x "$T/rel/assetctl" ]; then
  run grep -oE "$hooks[A-Z_]*" <(strings "$T/rel/assetctl")
  check "the release binary names no test hook" [ -z "$out" ]
  export ASSETCTL_DB="$T/rel-db/assets.db"
  ASSETCTL_NOW=2001-02-03T04:05:06Z ASSETCTL_TODAY=2001-02-03 "$T/rel/assetctl" init --school "Test School" --tag-prefix TS >/dev/null
  run "$T/rel/assetctl" audit log
  check "... and takes its clock from the system, not ASSETCTL_NOW" [ "$rc" -eq 0 ] && grep -q setting.set <<<"$out" && ! grep -q 2001-02-03 <<<"$out"
fi
done_testing
