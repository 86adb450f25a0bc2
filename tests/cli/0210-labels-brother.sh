#!/usr/bin/env bash
# Brother QL printers under umockdev: hand-built USB device descriptions
# (QL-700 04f9:2042, QL-820NWB 04f9:209d, a QL-700 in Editor Lite mode) and
# usbdevfs URB scripts. umockdev replays an OUT transfer only if the bytes
# the program submits are exactly the ones in the script, so every test
# that prints checks the bytes sent, through libusb, against the golden job.
. "$(dirname "$0")/lib.sh"
D="$ASSETCTL_SRCDIR/tests/data/brother"
DECODE="$ASSETCTL_BUILDDIR/tests/ql-decode"
if ! command -v umockdev-run >/dev/null; then skip "brother printers" "umockdev-run is not installed"; done_testing; exit; fi
if ! command -v zbarimg >/dev/null; then skip "brother printers" "zbarimg is not installed"; done_testing; exit; fi
if ! umockdev-run -d "$D/ql700.umockdev" -- true 2>"$T/umockdev.err"; then
  skip "brother printers" "umockdev cannot run here: $(head -1 "$T/umockdev.err")"; done_testing; exit
fi
# umockdev-run preloads its library; under AddressSanitizer that puts the
# ASan runtime second, which is harmless here but refused by default
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
new_db
"$A" asset add --make Dell --model "Latitude 5420" --serial SN1 >/dev/null
"$A" asset add --make Apple --model "iPad" --serial SN2 >/dev/null

hex() { xxd -p "$1" | tr -d '\n' | tr a-f A-F; }
# status ERR1 ERR2 WIDTH TYPE LENGTH STATUS_TYPE PHASE NOTIFICATION: a 32-byte reply, as hex
status() {
  printf '8020423435303000%02X%02X%02X%02X00003F0000%02X%02X%02X0000%02X000000000000000000\n' "$@"
}
# ioctl FILE INVALIDATE STATUS [JOB [STATUS...]]: the URBs of one session:
# the status request and its reply, then the job in 16 KiB bulk transfers,
# then the printer's replies, each nested under the one before.
ioctl() {
  local f=$1 inv=$2 st=$3 job=${4:-} req
  req="$(head -c "$inv" /dev/zero | xxd -p | tr -d '\n')1B401B6953"
  {
    echo "USBDEVFS_REAPURBNDELAY 0 3 2 0 0 $(( ${#req} / 2 )) $(( ${#req} / 2 )) 0 $req"
    echo " USBDEVFS_REAPURBNDELAY 0 3 129 0 0 32 32 0 $st"
    if [ -n "$job" ]; then
      { hex "$job"; echo; } | fold -w 32768 | while read -r chunk; do
        echo "USBDEVFS_REAPURBNDELAY 0 3 2 0 0 $(( ${#chunk} / 2 )) $(( ${#chunk} / 2 )) 0 $chunk"
      done
      shift 4
      local indent=" "
      for s in "$@"; do
        echo "${indent}USBDEVFS_REAPURBNDELAY 0 3 129 0 0 32 32 0 $s"
        indent="$indent "
      done
    fi
  } >"$f"
}
RUN700=(umockdev-run -d "$D/ql700.umockdev" -i /dev/bus/usb/001/005="$T/700.ioctl" --)
RUN820=(umockdev-run -d "$D/ql700.umockdev" -d "$D/ql820nwb.umockdev" -i /dev/bus/usb/001/006="$T/820.ioctl" --)
OK62=$(status 0 0 62 10 0 0 0 0)
OK62X29=$(status 0 0 62 11 29 0 0 0)
PRINTING=$(status 0 0 62 10 0 6 1 0)
DONE=$(status 0 0 62 10 0 1 1 0)
RECEIVING=$(status 0 0 62 10 0 6 0 0)

# The jobs, checked against golden files reviewed by hand (see
# tests/data/brother/README) and read back by an independent decoder.
check_out "QL-700 job for 62 mm tape" "wrote a QL-700 raster job for 1 label on 62 mm continuous tape (32132 bytes) to $T/700.bin" \
  "$A" label TS-000001 --raster "$T/700.bin" --model QL-700 --media 62
check "...is byte for byte the golden job" cmp "$T/700.bin" "$D/ql700-62-TS-000001.bin"
check_out "...reads back as the documented command sequence" "invalidate 200
initialise
page 1: print information flags 0x86 media 0x0a width 62 length 0 lines 343 first
  various mode 0x40 (auto cut)
  cut every 1
  expanded mode 0x08 (cut at end)
  margin 35 dots
  343 raster lines of 90 bytes, then print with feed (end)
pages 1, 32132 bytes" "$DECODE" "$T/700.bin" "$T/700"
check_out "...and its raster decodes to the tag" "TS-000001" zbarimg -q --raw "$T/700-1.png"
check_out "QL-820NWB job for 62x29 die-cut labels, compressed" "wrote a QL-820NWB raster job for 2 labels on 62 x 29 mm die-cut labels (19271 bytes) to $T/820.bin" \
  "$A" label TS-000001 TS-000002 --raster "$T/820.bin" --model QL-820NWB --media 62x29
check "...is byte for byte the golden job" cmp "$T/820.bin" "$D/ql820nwb-62x29-TS-000001-2.bin"
check_out "...reads back with raster mode, compression and two pages" "invalidate 400
initialise
raster mode 1
page 1: print information flags 0x8e media 0x0b width 62 length 29 lines 271 first
  various mode 0x40 (auto cut)
  cut every 1
  expanded mode 0x08 (cut at end)
  margin 0 dots
  compression tiff
  271 raster lines of 90 bytes, then print (more pages)
page 2: print information flags 0x8e media 0x0b width 62 length 29 lines 271 next
  various mode 0x40 (auto cut)
  cut every 1
  expanded mode 0x08 (cut at end)
  margin 0 dots
  compression tiff
  271 raster lines of 90 bytes, then print with feed (end)
pages 2, 19271 bytes" "$DECODE" "$T/820.bin" "$T/820"
check_out "...both pages decode" "TS-000001
TS-000002" sh -c "zbarimg -q --raw \"$T/820-1.png\"; zbarimg -q --raw \"$T/820-2.png\""
check_out "QL-1050 lines are 162 bytes, wide media allowed" "  343 raster lines of 162 bytes, then print with feed (end)" \
  sh -c "\"$A\" label TS-000001 --raster \"$T/1050.bin\" --model QL-1050 --media 102 >/dev/null && \"$DECODE\" \"$T/1050.bin\" \"$T/1050\" | grep 'raster lines'"
check_out "...and decodes" "TS-000001" zbarimg -q --raw "$T/1050-1.png"
check_err "102 mm media on a 720-pin printer" 1 "the QL-700 cannot print on 102 mm continuous tape" \
  "$A" label TS-000001 --raster "$T/x.bin" --model QL-700 --media 102
check_err "12 mm tape is too narrow for a 0.34 mm module" 1 "cannot fit the QR code for 'TS-000001'" \
  "$A" label TS-000001 --raster "$T/x.bin" --model QL-700 --media 12
check_err "unknown model" 2 "--model 'QL-9' is not a Brother QL model: QL-500, QL-550" "$A" label TS-000001 --raster "$T/x.bin" --model QL-9 --media 62

# Discovery
check_out "printers lists both, with serials from sysfs" "MODEL      SERIAL        USB      MODE
QL-700     000G0Z123456  001:005  printer
QL-820NWB  000K8Z654321  001:006  printer" umockdev-run -d "$D/ql700.umockdev" -d "$D/ql820nwb.umockdev" -- "$A" printers
check_out "printers --json" '[{"model":"QL-700","serial":"000G0Z123456","usb":"001:005","mode":"printer","product_id":8258}]' \
  sh -c "umockdev-run -d \"$D/ql700.umockdev\" -- \"$A\" printers --json | tr -d ' \n'"
check_out "Editor Lite is shown with the way out" "MODEL              SERIAL        USB      MODE
Brother 04f9:2049  000G0Z123456  001:005  editor-lite

001:005 is in Editor Lite mode (a USB disk): hold the Editor Lite button until its light goes off to print from assetctl" \
  umockdev-run -d "$D/ql700-editor-lite.umockdev" -- "$A" printers
check_err "printing on an Editor Lite printer says what to do" 1 \
  "error: the Brother printer is in Editor Lite mode (it shows up as a USB disk): hold the Editor Lite button until its light goes off, then try again" \
  umockdev-run -d "$D/ql700-editor-lite.umockdev" -- "$A" label TS-000001 --printer
check_err "no printer" 1 "no Brother QL printer found on USB" "$A" label TS-000001 --printer

# Printing: status, job (bytes checked by umockdev), completion
ioctl "$T/700.ioctl" 200 "$OK62" "$D/ql700-62-TS-000001.bin" "$PRINTING" "$DONE" "$RECEIVING"
check_out "QL-700 prints and reports completion" "printed 1 label on the QL-700 (62 mm continuous tape)" "${RUN700[@]}" "$A" label TS-000001 --printer
check_out "...chosen by serial" "printed 1 label on the QL-700 (62 mm continuous tape)" "${RUN700[@]}" "$A" label TS-000001 --printer usb:000G0Z123456
check_err "...a serial that is not there" 1 "no Brother QL printer with serial 'NOPE' on USB" "${RUN700[@]}" "$A" label TS-000001 --printer usb:NOPE
check_err "a job that differs by one byte is not what the printer expects" 1 "cannot send the job to the QL-700" \
  "${RUN700[@]}" "$A" label TS-000001 --printer --ecc Q
ioctl "$T/820.ioctl" 400 "$OK62X29" "$D/ql820nwb-62x29-TS-000001-2.bin" "$PRINTING" "$DONE" "$RECEIVING" "$PRINTING" "$DONE" "$RECEIVING"
check_err "two printers connected and none chosen" 1 "2 Brother QL printers are connected: choose one with --printer usb:SERIAL" \
  "${RUN820[@]}" "$A" label TS-000001 TS-000002 --printer
check_out "QL-820NWB prints two die-cut labels, waiting for each" "printed 2 labels on the QL-820NWB (62 x 29 mm die-cut labels)" \
  "${RUN820[@]}" "$A" label TS-000001 TS-000002 --printer usb:000K8Z654321 --media 62x29

# Errors the printer reports
ioctl "$T/700.ioctl" 200 "$(status 0 16 62 10 0 0 0 0)"
check_err "cover open" 1 "error: cannot print on the QL-700: the cover is open: close it and try again" "${RUN700[@]}" "$A" label TS-000001 --printer
ioctl "$T/700.ioctl" 200 "$(status 1 0 0 0 0 0 0 0)"
check_err "no media" 1 "error: cannot print on the QL-700: no labels are loaded: load a DK roll" "${RUN700[@]}" "$A" label TS-000001 --printer
ioctl "$T/700.ioctl" 200 "$(status 0 0 29 10 0 0 0 0)"
check_err "wrong media loaded for --media" 1 \
  "error: cannot print on the QL-700: wrong media: it has 29 mm continuous tape loaded, the job asks for 62 x 29 mm die-cut labels" \
  "${RUN700[@]}" "$A" label TS-000001 --printer --media 62x29
ioctl "$T/700.ioctl" 200 "$(status 0 1 62 10 0 0 0 0)"
check_err "the printer's own wrong-media (replace media) error" 1 "error: cannot print on the QL-700: wrong media: the loaded roll does not suit the job" \
  "${RUN700[@]}" "$A" label TS-000001 --printer
ioctl "$T/700.ioctl" 200 "$OK62" "$D/ql700-62-TS-000001.bin" "$PRINTING" "$(status 2 0 62 10 0 2 0 0)"
check_err "labels run out while printing" 1 "error: the QL-700 stopped after 0 of 1 labels: the labels have run out: load a new DK roll" \
  "${RUN700[@]}" "$A" label TS-000001 --printer
ioctl "$T/700.ioctl" 200 "$OK62" "$D/ql700-62-TS-000001.bin" "$PRINTING" "$(status 0 16 62 10 0 2 0 0)"
check_err "cover opened while printing" 1 "error: the QL-700 stopped after 0 of 1 labels: the cover is open: close it and try again" \
  "${RUN700[@]}" "$A" label TS-000001 --printer
check_err "bad --media" 2 "--media '63' is not a DK size" "$A" label TS-000001 --printer --media 63
done_testing
