# Part 1b: moving the register (issue 2's export and import).
say "The register moves to a new laptop: export the people, then the assets (with each drive inside them and, later, who holds what), and import them in that order into a new register. Exporting again gives the same bytes."
step person export -o "$DEMO_DIR/people.csv"
step asset export -o "$DEMO_DIR/assets.csv"
printf '\n$ grep YA-000004 assets.csv  # the SSD is in the media column\n'; grep YA-000004 "$DEMO_DIR/assets.csv"
NEW="$DEMO_DIR/new-laptop/assets.db"
step --db "$NEW" init --school "Ysgol Aber Community School" --tag-prefix YA
step --db "$NEW" person import "$DEMO_DIR/people.csv"
step --db "$NEW" asset import "$DEMO_DIR/assets.csv"
"$A" --db "$NEW" person export -o "$DEMO_DIR/people-again.csv"
"$A" --db "$NEW" asset export -o "$DEMO_DIR/assets-again.csv"
printf '\n$ cmp assets.csv assets-again.csv && cmp people.csv people-again.csv\n'
cmp "$DEMO_DIR/assets.csv" "$DEMO_DIR/assets-again.csv" && cmp "$DEMO_DIR/people.csv" "$DEMO_DIR/people-again.csv" && echo "identical"
pause
say "Kit from the old Snipe-IT system: its status labels map to our states where the meaning is clear. 'Archived' could mean several things, so the import asks, naming the line, and --status-map answers."
printf 'Asset Tag,Serial,Manufacturer,Model,Status\nOLD-1,PC100,Dell,OptiPlex 3010,Ready to Deploy (deployable)\nOLD-2,PC101,Dell,OptiPlex 3010,Archived (archived)\n' >"$DEMO_DIR/snipeit.csv"
step_may_fail --db "$NEW" asset import "$DEMO_DIR/snipeit.csv"
step --db "$NEW" asset import --status-map 'Archived=disposed' "$DEMO_DIR/snipeit.csv"
step --db "$NEW" audit verify
