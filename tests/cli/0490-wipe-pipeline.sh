#!/usr/bin/env bash
# The wipe with several requests in flight (image files, no root needed):
# I/O faults injected in the middle of chunks of a random pass, while other
# chunks are being generated, written and read at the same time, are retried
# and recorded at exactly their bytes and every other byte holds the stream;
# a SIGINT while chunks are in flight leaves each chunk either written whole
# (and counted) or untouched, never torn.
. "$(dirname "$0")/lib.sh"
new_db
export LC_ALL=C

. "$(dirname "$0")/wipe-lib.sh"
chunk_sum() { dd if="$1" bs=4194304 skip="$2" count=1 status=none | sha256sum | cut -c1-64; }

# --- faults in the middle of chunks of a random pass (10 chunks)
size=$((40 << 20))
img="$T/f.img"
head -c "$size" /dev/urandom >"$img"
cp "$img" "$T/f.orig"
# chunk 2: a sector that never takes a write; chunk 5: two failed writes,
# then it takes; chunk 7: two sectors that cannot be read back
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT='w@9437184+4096,w@21000192+512*2,r@30408704+8192' \
  "$A" wipe "$img" --method random --yes --serial "$img" --progress none
id=$(last_id)
check_out "random pass with faults mid-chunk: erased with exceptions, exit 1" "1 wipe $id: '$img' erased with exceptions" \
  echo "$rc ${out##*$'\n'}"
check_out "... retries and ranges recorded at exactly the faulty bytes, nothing taken for a mismatch" \
  '5 [{"error":"Input/output error","length":4096,"offset":9437184}] 3 [{"error":"Input/output error","length":8192,"offset":30408704}] 0' \
  field "$id" '.passes[0] | "\(.errors.write_retries) \(.errors.write_errors | tojson) \(.errors.read_retries) \(.errors.read_errors | tojson) \(.mismatch_bytes)"'
seed=$(field "$id" '.passes[0].seed')
stream random "$size" "$seed" >"$T/f.want"
check_out "... the root written is the stock-tool root of the stream" "$(root_of "$T/f.want")" field "$id" '.passes[0].root_written'
# the sector that never took a write keeps its old bytes; every other byte is the stream
dd if="$T/f.orig" of="$T/f.want" bs=4096 skip=2304 seek=2304 count=1 conv=notrunc status=none
check "... every other byte holds the stream" cmp "$img" "$T/f.want"

# --- SIGINT while chunks are in flight: a slow medium (each write waits
# 0.25 s, one at a time) keeps requests queued behind each other
size=$((64 << 20))
img="$T/k.img"
head -c "$size" /dev/urandom >"$img"
cp "$img" "$T/k.orig"
(exec env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT_DELAY_US=250000 \
  "$A" wipe "$img" --method random --yes --serial "$img" --progress none >"$T/int.out" 2>"$T/int.err") &
pid=$!
# the signal goes as soon as the first chunk has changed (a cheap look at the
# file, not the register: on a busy machine a query can take a second)
for _ in $(seq 1200); do
  cmp -s -n 4194304 "$img" "$T/k.orig" || break
  sleep 0.05
done
kill -INT "$pid"; wait "$pid"; rc=$?
id=$(last_id)
check_out "SIGINT with chunks in flight: exit 1, interrupted" "1 interrupted" echo "$rc $(field "$id" .outcome)"
written=$(field "$id" '.passes[0].bytes_written')
seed=$(field "$id" '.passes[0].seed')
stream random "$size" "$seed" >"$T/k.want"
streamed=0 torn=""
for c in $(seq 0 15); do
  s=$(chunk_sum "$img" "$c")
  if [ "$s" = "$(chunk_sum "$T/k.want" "$c")" ]; then streamed=$((streamed + 4194304))
  elif [ "$s" != "$(chunk_sum "$T/k.orig" "$c")" ]; then torn="$torn $c"; fi
done
check_out "... every chunk counted as written holds the stream, every other one is untouched" "$written torn:" \
  echo "$streamed torn:$torn"
if [ "$(field "$id" '.passes[0].status')" = interrupted ]; then
  check "... the pass stopped part-way (some chunks written, not all)" test "$written" -gt 0 -a "$written" -lt "$size"
else
  skip "... the pass stopped part-way" "the machine was too slow: the write had ended before the signal"
fi

done_testing
