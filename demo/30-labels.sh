# Part 3: QR labels (issue 4).
say "Every item gets a QR label that a hand scanner reads straight into a terminal: the code holds the tag itself. Labels come as a PDF for A4 label sheets; which stock is a data file, so a new one is a new file."
step label --list-sheets
say "A sheet of Avery L7160 labels (21 to a sheet) for everything registered so far. The tag is printed large, with the school's name and the make and model; long names are shortened, never cut mid-letter."
step label --all --sheet L7160 -o "$DEMO_DIR/labels-L7160.pdf"
say "The labels are in $DEMO_DIR/labels-L7160.pdf (run the demo with --keep to keep it; print at 100%, no 'fit to page'). Half a sheet left? Start further down it, and nudge everything if the printer feeds off true:"
step label YA-000004 --sheet L7160 -o "$DEMO_DIR/labels-reprint.pdf" --skip 4 --offset-x 0.5
say "One label as an image, for a document or a label printer's own software:"
step label YA-000001 --png "$DEMO_DIR/YA-000001.png" --width 62 --height 29
say "A code must stay big enough for a cheap scanner: the tool refuses a layout whose modules would come out smaller than 0.34 mm, and says why."
step_may_fail label YA-000001 --png "$DEMO_DIR/too-small.png" --width 15 --height 12
say "Brother QL label printers are driven directly over USB (assetctl label TAG --printer). None is plugged in here:"
step printers
pause
