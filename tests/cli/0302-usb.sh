#!/usr/bin/env bash
# assetctl usb under umockdev: a hub with a keyboard (names from udev's hwdb),
# a Brother QL-700 label printer and a flash drive; matching serials to the
# register; --unregistered for the stock-take.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-umockdev.sh"
new_db
if ! have_umockdev; then
  skip "usb under umockdev" "umockdev-run does not work here (is umockdev installed?)"
  done_testing; exit
fi

check_out "every field" "path,bus,address,vendor_id,product_id,manufacturer,product,names_from,serial,class_code,class,root_hub,registered,asset_tag,matched_by
1-1,1,2,05e3,0610,\"Genesys Logic, Inc.\",USB2.1 Hub,device+hwdb,,09,hub,no,no,,
1-1.1,1,3,046d,c31c,\"Logitech, Inc.\",Keyboard K120,hwdb,,03,hid,no,no,,
1-1.2,1,4,04f9,2042,Brother,QL-700,device,000F1Z401370,07,printer,no,no,,
1-1.3,1,5,0951,1666,Kingston,DataTraveler 3.0,device,E0D55EA573DCF450E97C0A3B,08,mass-storage,no,no,,
usb1,1,1,1d6b,0002,Linux 6.1.0 xhci-hcd,xHCI Host Controller,device,0000:00:14.0,09,hub,yes,no,," \
  umock usb-hub "$A" usb --csv
check_err "--unregistered: exit 1, counted" 1 "4 USB devices are not on the register" umock usb-hub "$A" usb --unregistered
check_out "--unregistered lists the unknown ones, not the root hub" "PATH   ID         MANUFACTURER         PRODUCT           SERIAL                    CLASS         REGISTERED
1-1    05e3:0610  Genesys Logic, Inc.  USB2.1 Hub                                  hub           no (no serial)
1-1.1  046d:c31c  Logitech, Inc.       Keyboard K120                               hid           no (no serial)
1-1.2  04f9:2042  Brother              QL-700            000F1Z401370              printer       no
1-1.3  0951:1666  Kingston             DataTraveler 3.0  E0D55EA573DCF450E97C0A3B  mass-storage  no" \
  sh -c "umockdev-run -d '$UMOCK_DATA/usb-hub.umockdev' -- '$A' usb --unregistered 2>/dev/null; exit 0"

# Register the printer as an asset, the flash drive as a medium of a laptop.
"$A" asset add --make Brother --model QL-700 --serial 000f1z401370 --category printer >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --category laptop >/dev/null
"$A" asset add-media TS-000002 --model "Kingston DataTraveler 3.0" --serial E0D55EA573DCF450E97C0A3B --size 32017047552 --kind flash >/dev/null
check_out "registered: by asset serial (any case) and by medium serial" "path,bus,address,vendor_id,product_id,manufacturer,product,names_from,serial,class_code,class,root_hub,registered,asset_tag,matched_by
1-1,1,2,05e3,0610,\"Genesys Logic, Inc.\",USB2.1 Hub,device+hwdb,,09,hub,no,no,,
1-1.1,1,3,046d,c31c,\"Logitech, Inc.\",Keyboard K120,hwdb,,03,hid,no,no,,
1-1.2,1,4,04f9,2042,Brother,QL-700,device,000F1Z401370,07,printer,no,yes,TS-000001,asset serial
1-1.3,1,5,0951,1666,Kingston,DataTraveler 3.0,device,E0D55EA573DCF450E97C0A3B,08,mass-storage,no,yes,TS-000002,medium serial
usb1,1,1,1d6b,0002,Linux 6.1.0 xhci-hcd,xHCI Host Controller,device,0000:00:14.0,09,hub,yes,no,," \
  umock usb-hub "$A" usb --csv
check_out "--unregistered --json: what is left has no serial" '"1-1"
"1-1.1"' sh -c "umockdev-run -d '$UMOCK_DATA/usb-hub.umockdev' -- '$A' usb --unregistered --json | grep '\"path\"' | sed 's/.*: //; s/,\$//'"
# Without udevd the ID_*_FROM_DATABASE properties are missing: the hwdb file is read directly.
if [ -e /usr/lib/udev/hwdb.bin ] || [ -e /etc/udev/hwdb.bin ]; then
  sed '/FROM_DATABASE/d' "$UMOCK_DATA/usb-hub.umockdev" >"$T/no-udev-props.umockdev"
  check_out "names from the hwdb file when udev's properties are missing" "1-1.1,1,3,046d,c31c,\"Logitech, Inc.\",Keyboard K120,hwdb,,03,hid,no,no,," \
    sh -c "umockdev-run -d '$T/no-udev-props.umockdev' -- '$A' usb --csv | grep '^1-1[.]1,'"
else
  skip "names from the hwdb file" "no udev hwdb.bin on this machine"
fi
check_rc "nothing USB plugged in: --unregistered exits 0" 0 umock sata-hdd "$A" usb --unregistered
check_err "unexpected argument" 2 "unexpected argument 'x'" "$A" usb x
done_testing
