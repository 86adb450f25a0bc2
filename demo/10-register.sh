# Part 1: the register (issue 2).
say "A new school year. The technician sets up the register for the school: one SQLite file, every change written to a hash-chained audit log."
step init --school "Ysgol Aber Community School" --tag-prefix YA
pause
say "Register a few items: two staff laptops, an iPad and the office PC with its drive."
step asset add --make Dell --model "Latitude 5420" --serial 7QK2D13 --category laptop --location "Staff Room" --cost 649.99 --personal-data --encrypted
step asset add --make Dell --model "Latitude 5420" --serial 8RL3F24 --category laptop --location "Staff Room" --cost 649.99 --personal-data --encrypted
step asset add --make Apple --model "iPad (9th generation)" --serial DMPXK2Q1 --category tablet --location "Room 4"
step asset add --make HP --model "EliteDesk 800 G4" --serial CZC8231XYZ --category desktop --location Office --personal-data
step asset add-media YA-000004 --model "Samsung SSD 860 EVO 250GB" --serial S3YJNX0K123456 --size 250059350016 --kind ssd
pause
step asset list
step asset show YA-000004
say "The staff list comes from the school's MIS as a CSV file (this one in Snipe-IT's user format: first and last names, the employee number as our reference). Columns the register does not use are listed, not refused; a bad row would reject the whole file, naming its line."
cat >"$DEMO_DIR/staff.csv" <<'CSV'
First Name,Last Name,Email,Username,Employee Number,Job Title,Phone
Siân,Jones,sian.jones@ysgol-aber.example,sjones,S001,Headteacher,01970 000001
Gareth,Pritchard,g.pritchard@ysgol-aber.example,gpritchard,S014,Business Manager,01970 000002
Jo,Bloggs,jo.bloggs@ysgol-aber.example,jbloggs,S027,"Teacher of Maths, Year 9",
Rhiannon,Évans,r.evans@ysgol-aber.example,revans,S031,Teaching Assistant,
CSV
printf '\n$ cat staff.csv\n'; cat "$DEMO_DIR/staff.csv"
step person import --dry-run "$DEMO_DIR/staff.csv"
step person import "$DEMO_DIR/staff.csv"
step person list
say "A second file from the office has mistakes. Nothing of it goes in: every bad row is named by line and column, and the register is left as it was."
printf 'ref,name,email,role\nS040,Tom Hughes,t.hughes@ysgol-aber.example,staff\nS041,Ann Lloyd,ann.lloyd-at-ysgol-aber,staff\nS001,Siân Jones,,staff\nS042,Mair Owen,,janitor\n' >"$DEMO_DIR/more-staff.csv"
step_may_fail person import "$DEMO_DIR/more-staff.csv"
pause
say "Every change is in the audit log, and the chain of hashes can be checked at any time."
step audit log
step audit verify
