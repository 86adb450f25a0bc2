# Part 5: the verified wipe (issue 6).
say "The laptop's drive is ready to be wiped. HMG IS5 Enhanced overwrites it three times (zeros, ones, then an AES-256-CTR random stream from a fresh seed) and reads the random pass back in full. Every pass is recorded as it happens, with the SHA-256 root of what was written and of what was read back."
demo_target=$DEMO_IMG demo_confirm=$DEMO_IMG demo_asset=()
if [ -s "$DEMO_DIR/loopdev" ] && [ -b "$(cat "$DEMO_DIR/loopdev")" ]; then
  demo_target=$(cat "$DEMO_DIR/loopdev")
  demo_confirm=$demo_target   # a loop device has no serial: its /dev path confirms it
  if "$A" asset show YA-000005 >/dev/null 2>&1; then demo_asset=(--asset YA-000005); fi
fi
say "Before writing, it identifies the target, refuses anything mounted, in use as swap, held by RAID/LVM or backing the running system, and asks the technician to type the drive's serial (a device with no serial, or an image file, by its path). A script confirms with --yes --serial."
step wipe "$demo_target" --method is5-enhanced "${demo_asset[@]}" --yes --serial "$demo_confirm"
demo_wipe=$("$A" wipe list --csv | sed -n 2p | cut -d, -f1)
pause
say "The record: the method, each pass with its byte count and roots, and the random pass's seed (its SHA-256 was stored before the pass began, the seed itself after it ended), so anyone can regenerate the stream."
step wipe show "$demo_wipe"
pause
say "The root is a one-level tree: SHA-256 over the SHA-256 of each 4 MiB chunk. A disposal firm or an auditor recomputes it from the drive with stock tools, and it matches the 'root written' of the last pass:"
printf '\n$ split -b 4194304 --filter '\''sha256sum | cut -c1-64'\'' %s | xxd -r -p | sha256sum\n' "$demo_target"
split -b 4194304 --filter 'sha256sum | cut -c1-64' "$demo_target" | xxd -r -p | sha256sum
say "A later check, read-only: against the stored wipe (the random stream regenerated from its seed), in full or as a sample."
step wipe verify "$demo_target" --record "$demo_wipe"
step wipe verify "$demo_target" --record "$demo_wipe" --sample 25
say "An unverified wipe cannot be certified, so the tool refuses it:"
step_may_fail wipe "$demo_target" --method zero --verify off --yes --serial "$demo_confirm"
step wipe list
pause
