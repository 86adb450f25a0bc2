#!/usr/bin/env bash
# The structure DESIGN.md promises, checked from the compiler's own
# dependency lists and from the code, so that it stays true:
#   - cmd/ depends on no header of db/, wipe/, devices/ or labels/, and an
#     include of one fails to compile there;
#   - core's public headers pull in nothing from those folders;
#   - no unit outside db/ depends on sqlite3.h;
#   - no function in product code is over 100 lines;
#   - getopt_long is called in at most two places.
. "$(dirname "$0")/lib.sh"
src=$ASSETCTL_SRCDIR
b=$ASSETCTL_BUILDDIR
db_json=$b/compile_commands.json
lower='db|wipe|devices|labels'
product='cmd core db wipe labels devices util'
# pass if $2 is empty, else fail showing it
expect_none() { if [ -z "$2" ]; then _ok "$1"; else _not_ok "$1" "$2"; fi; }

if [ ! -f "$db_json" ] || ! command -v jq >/dev/null; then
  skip "structure checks" "no compile_commands.json or jq"
  done_testing; exit
fi

# Each unit's path relative to $src (wherever the build directory is) and
# its compile command with the output options taken out: what is left are
# the unit's own flags.
jq -r '.[] | [.directory, .file, .command] | join("\u001f")' "$db_json" |
  while IFS=$'\x1f' read -r dir file cmd; do
    case $file in /*) ;; *) file=$dir/$file ;; esac
    rel=$(realpath -m "$file")
    case $rel in "$src"/*) rel=${rel#"$src"/} ;; *) continue ;; esac
    printf '%s\t%s\n' "$rel" "$(printf '%s' "$cmd" |
      sed -E 's/ -MD//; s/ -MQ [^ ]+//; s/ -MF [^ ]+//; s/ -o [^ ]+//; s/ -c [^ ]+$//; s/ -fdiagnostics-color=[a-z]+//')"
  done | sort -u -t$'\t' -k1,1 >"$T/units.tsv"
flags_of() { awk -F'\t' -v f="$1" '$1 == f { print $2; exit }' "$T/units.tsv"; }

# Every header unit $1 reads, as absolute paths, one a line.
deps_of() {
  local cmd
  cmd=$(flags_of "$1")
  [ -n "$cmd" ] || return 1
  (cd "$b" && eval "$cmd -M -c \"$src/$1\"") 2>/dev/null | tr ' \\' '\n\n' | grep -E '\.h$' |
    while read -r h; do (cd "$b" && realpath -m "$h"); done | sort -u
}

units=$(cut -f1 "$T/units.tsv")
bad_cmd= bad_sqlite= n_cmd=0 n_units=0
for u in $units; do
  top=${u%%/*}
  case " $product " in *" $top "*) ;; *) continue ;; esac
  d=$(deps_of "$u") || { bad_cmd+="$u: no compile command"$'\n'; continue; }
  n_units=$((n_units + 1))
  if [ "$top" = cmd ]; then
    n_cmd=$((n_cmd + 1))
    hit=$(printf '%s\n' "$d" | grep -E "^$src/($lower)/" || true)
    [ -n "$hit" ] && bad_cmd+="$u: $(echo $hit | sed "s#$src/##g")"$'\n'
  fi
  if [ "$top" != db ] && printf '%s\n' "$d" | grep -q '/sqlite3\.h$'; then bad_sqlite+="$u "; fi
done
# a check that read nothing would pass whatever the code did
if [ "$n_cmd" -ge 10 ] && [ "$n_units" -ge 50 ]; then _ok "the compile commands name the product's units"
else _not_ok "the compile commands name the product's units" "read $n_cmd cmd/ units, $n_units in all"; fi
expect_none "cmd/ units ($n_cmd) depend on no db/, wipe/, devices/ or labels/ header" "$bad_cmd"
expect_none "no unit outside db/ ($n_units product units read) depends on sqlite3.h" "$bad_sqlite"

# A wrong include must fail to compile in cmd/: try each lower header by its
# bare name and by its folder-qualified name.
cmd_flags=$(flags_of cmd/main.c)
compiled=
for h in $(cd "$src" && ls db/*.h wipe/*.h devices/*.h labels/*.h 2>/dev/null); do
  for name in "$h" "$(basename "$h")"; do
    printf '#include "%s"\nint probe(void);\nint probe(void) { return 0; }\n' "$name" >"$T/probe.c"
    if (cd "$b" && eval "$cmd_flags -fsyntax-only -c \"$T/probe.c\"") >/dev/null 2>&1; then compiled+="$name "; fi
  done
done
expect_none "an include of a db/, wipe/, devices/ or labels/ header does not compile in cmd/" "$compiled"

# core's public headers (every core header not named *-internal.h) compile
# on their own in cmd/, and pull in nothing below core: read with core's
# own flags, which do see the lower folders, so that a header reaching
# for one is seen doing it rather than just failing to compile.
core_flags=$(flags_of core/asset.c)
leaky= broken=
for h in $(cd "$src" && ls core/*.h); do
  case "$h" in *-internal.h) continue ;; esac
  printf '#include "%s"\n' "$(basename "$h")" >"$T/probe.c"
  (cd "$b" && eval "$cmd_flags -fsyntax-only -c \"$T/probe.c\"") >/dev/null 2>&1 || broken+="$h "
  d=$( (cd "$b" && eval "$core_flags -M -c \"$T/probe.c\"") 2>/dev/null | tr ' \\' '\n\n' | grep -E '\.h$' |
    while read -r x; do (cd "$b" && realpath -m "$x"); done)
  [ -n "$d" ] || broken+="$h(unread) "
  hit=$(printf '%s\n' "$d" | grep -E "^$src/($lower)/" || true)
  [ -n "$hit" ] && leaky+="$h "
done
expect_none "core's public headers compile on their own in cmd/ (a header only core uses is named *-internal.h)" "$broken"
expect_none "core's public headers include nothing from db/, wipe/, devices/ or labels/" "$leaky"

# No function over 100 lines in product code (Universal Ctags' end line).
if command -v ctags >/dev/null && ctags --version 2>/dev/null | grep -q Universal; then
  long=$(cd "$src" && for d in $product; do ls $d/*.c; done | xargs ctags --fields=+ne --c-kinds=f -o - 2>/dev/null |
    awk -F'\t' '{l=""; e=""; for (i = 4; i <= NF; i++) { if ($i ~ /^line:/) l = substr($i, 6); if ($i ~ /^end:/) e = substr($i, 5) }
                 if (e != "" && e - l + 1 > 100) print $2 ":" l " " $1 " (" e - l + 1 " lines)"}')
  expect_none "no function in product code is over 100 lines" "$long"
else
  skip "no function over 100 lines" "Universal Ctags is not installed"
fi

# getopt_long is called in at most two places (the dispatcher's parser).
calls=$(cd "$src" && grep -n 'getopt_long *(' $(for d in $product; do ls $d/*.c; done) | grep -v '^[^:]*:[0-9]*: *\(/\*\|\*\)' || true)
n=$(printf '%s' "$calls" | grep -c . || true)
if [ "$n" -le 2 ]; then _ok "getopt_long is called in at most two places ($n)"; else _not_ok "getopt_long is called in at most two places ($n)" "$calls"; fi

# A release build holding no test hook or source path: 0900 and 0700.
done_testing
