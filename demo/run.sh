#!/usr/bin/env bash
# The guided demo: runs every demo/NN-*.sh in order, in one throwaway
# directory with its own register and a 64 MiB image file standing in for a
# drive. Each part uses:
#   say TEXT...     narrate (wrapped, in bold on a terminal)
#   step CMD...     show "$ assetctl ..." and run it; stops the demo on failure
#   step_may_fail CMD...  the same, but a refusal is part of the story
#   pause           wait for Enter on a terminal (not with --fast)
# and these variables: $A (the assetctl binary), $DEMO_DIR, $ASSETCTL_DB, $DEMO_IMG.
# With --trust it runs demo/trust.sh instead: a multi-academy trust on a
# throwaway PostgreSQL server that the demo starts and always stops.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${A:?assetctl demo sets A}"
keep=0 fast=0 trust=0
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    --fast) fast=1 ;;
    --trust) trust=1 ;;
    *) echo "error: unknown demo option '$a'" >&2; exit 2 ;;
  esac
done
[ -t 0 ] && [ -t 1 ] || fast=1
export DEMO_DIR
DEMO_DIR=$(mktemp -d /tmp/assetctl-demo.XXXXXX)
export ASSETCTL_DB="$DEMO_DIR/assets.db"
export ASSETCTL_ACTOR=${ASSETCTL_ACTOR:-technician}
export DEMO_IMG="$DEMO_DIR/old-laptop-drive.img"
truncate -s 64M "$DEMO_IMG"
# a part may register more to undo at exit (the trust's server) in demo_undo
demo_undo=()
on_exit() {
  local u
  for u in "${demo_undo[@]}"; do eval "$u"; done
  [ "$keep" = 1 ] || rm -rf "$DEMO_DIR"
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

if [ -t 1 ]; then B=$'\e[1m' N=$'\e[0m'; else B="" N=""; fi
say() { echo; echo "$*" | fold -s -w 78 | sed "s/^/${B}/; s/\$/${N}/"; }
pause() { [ "$fast" = 1 ] || { read -r -p "  [Enter] " _ || true; }; }
show() { printf '\n$ assetctl'; printf ' %q' "$@"; echo; }
step() { show "$@"; "$A" "$@"; }
step_may_fail() { show "$@"; "$A" "$@" || echo "(exit status $?: refused, as it should be)"; }
export -f say pause show step step_may_fail
export B N fast

if [ "$trust" = 1 ]; then
  echo "assetctl demo --trust: a throwaway trust in $DEMO_DIR"
  # shellcheck source=trust.sh
  . "$here/trust.sh"
else
  echo "assetctl demo: a throwaway register in $DEMO_DIR"
  for part in "$here"/[0-9][0-9]-*.sh; do
    # shellcheck source=/dev/null
    . "$part"
  done
fi
echo
echo "The demo is over.${keep:+}"
if [ "$keep" = 1 ] && [ "$trust" = 1 ]; then
  echo "What it wrote is in $DEMO_DIR (the server itself is stopped and removed)."
elif [ "$keep" = 1 ]; then
  echo "Everything it made is in $DEMO_DIR (ASSETCTL_DB=$ASSETCTL_DB)."
fi
exit 0
