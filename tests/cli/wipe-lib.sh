# Helpers for the wipe tests (0400-0499); source after lib.sh.

# The fault interposer (tests/fault/faultio.c), preloaded by preload.
FAULT_SO="$ASSETCTL_BUILDDIR/tests/libfaultio.so"
# LD_PRELOAD for the interposer: under ASan the sanitizer runtime must come first.
preload() {
  local rt
  rt=$(ldd "$A" | awk '/libasan|libubsan/ {print $3}' | tr '\n' ':')
  echo "${rt}$FAULT_SO"
}
# The stock-tool root of a file (or of stdin with -).
root_of() { split -b 4194304 --filter 'sha256sum | cut -c1-64' "$1" | xxd -r -p | sha256sum | cut -c1-64; }
# The expected stream of a pass: PATTERN SIZE [SEED] (PATTERN random or hex bytes).
stream() {
  if [ "$1" = random ]; then
    openssl enc -aes-256-ctr -K "$3" -iv 00000000000000000000000000000000 </dev/zero 2>/dev/null | head -c "$2"
  else
    perl -e '$b = pack("H*", $ARGV[0]) x 349525; print $b while 1' "$1" 2>/dev/null | head -c "$2"
  fi
}
# A field of the record of wipe $1 (a jq filter).
field() { "$A" wipe show "$1" --json | jq -r "$2"; }
# The id of the newest wipe.
last_id() { "$A" wipe list --json | jq -r '.[0].id'; }
