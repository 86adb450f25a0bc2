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
say "Every change is in the audit log, and the chain of hashes can be checked at any time."
step audit log
step audit verify
