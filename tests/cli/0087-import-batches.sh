#!/usr/bin/env bash
# asset import of a file bigger than one batch (the rows nothing is written
# after go many to a statement, and on a server the next statement is built
# while the last runs): every row gets the id and tag a single insert would
# have given it, the audit log covers them all, and a row the register
# refuses mid-way (in the second of three batches) fails the whole import
# with the register's reason and changes nothing. An import into a register
# that holds assets checks its rows against them, read once.
. "$(dirname "$0")/lib.sh"
new_db
"$A" asset add --make Dell --model "Latitude 5420" --serial FIRST1 >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial FIRST2 >/dev/null
# rows: 1001 without tags, ids 3..1003 (batches of 400: 3-402, 403-802, 803-1003)
big() { # PREFIX N
  echo "serial,make,model,location"
  for i in $(seq 1 "$2"); do echo "$1$i,HP,ProBook 450,Room $((i % 7))"; done
}
big A 1001 >"$T/a.csv"
check_out "1001 rows imported" "$T/a.csv: 1001 assets added" "$A" asset import "$T/a.csv"
check_out "ids follow on, one per row" "1|1003|1003" db_sql "SELECT min(id), max(id), count(*) FROM assets"
check_out "rows at the batches' edges: the id and tag a single insert gives" \
  "3|TS-000003|A1
402|TS-000402|A400
403|TS-000403|A401
802|TS-000802|A800
803|TS-000803|A801
1003|TS-001003|A1001" \
  db_sql "SELECT id, tag, serial FROM assets WHERE id IN (3, 402, 403, 802, 803, 1003) ORDER BY id"
check_out "every row in file order" "0" db_sql "SELECT count(*) FROM assets WHERE id > 2 AND serial <> 'A' || (id - 2)"
check_out "the audit log covers every row" "audit log intact: 5 events, head $(db_sql "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")" "$A" audit verify
check_out "the import's event lists 1001 rows of assets" "1001" db_sql "SELECT sum(n_rows) FROM audit_rows WHERE event_id = 5 AND tbl = 'assets'"
check_out "a listing sees them" "1003" sh -c "\"$A\" asset list --csv | tail -n +2 | wc -l"

# the register refuses the 750th row: the second batch fails, the third
# was never written, and the first is rolled back with them
if pg_backend; then
  db_tamper "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
      IF NEW.serial = 'B750' THEN RAISE EXCEPTION 'B750 refused by the test'; END IF; RETURN NEW; END \$\$;
    CREATE TRIGGER refuse BEFORE INSERT ON assets FOR EACH ROW EXECUTE FUNCTION refuse()" >/dev/null
else
  db_tamper "CREATE TRIGGER refuse BEFORE INSERT ON assets WHEN NEW.serial = 'B750' BEGIN SELECT RAISE(ABORT, 'B750 refused by the test'); END"
fi
big B 1001 >"$T/b.csv"
dump >"$T/before"
exact "a refused row fails the import" 1 "" "error: cannot import '$T/b.csv': cannot add the assets: B750 refused by the test" "$A" asset import "$T/b.csv"
dump >"$T/after"
check "nothing changed" cmp -s "$T/before" "$T/after"
check_out "still verifies" "audit log intact: 5 events" sh -c "\"$A\" audit verify | cut -d, -f1"
if pg_backend; then db_tamper "DROP TRIGGER refuse ON assets; DROP FUNCTION refuse()"; else db_tamper "DROP TRIGGER refuse"; fi
check_out "without the refusal it goes in" "$T/b.csv: 1001 assets added" "$A" asset import "$T/b.csv"
check_out "ids and tags continue" "1004|TS-001004|B1
2004|TS-002004|B1001" db_sql "SELECT id, tag, serial FROM assets WHERE id IN (1004, 2004) ORDER BY id"
check "audit verify" "$A" audit verify

# a register that holds assets: its tags and serials are read once and the
# rows checked against them (ASCII case folded, as NOCASE does), every
# clash listed with its line, and nothing written
printf 'tag,serial,make,model\nTS-000010,NEW1,HP,x\nTS-099999,a7,hp,x\nTS-099998,NEW2,HP,x\nts-002004,NEW3,HP,x\n' >"$T/clash.csv"
unchanged "clashes with the register" "$A" asset import "$T/clash.csv"
check_err "a tag and a serial already in the register, case apart" 1 "$T/clash.csv:2: tag: tag 'TS-000010' is already in the register
$T/clash.csv:3: serial: serial 'a7' (hp) is already registered as 'TS-000009'
$T/clash.csv:5: tag: tag 'TS-002004' is already in the register" "$A" asset import "$T/clash.csv"
# a serial that is not ASCII: the register's own comparison decides, row by row
"$A" asset add --make Ačer --model x --serial ŽX1 >/dev/null
printf 'serial,make,model\nŽX1,Ačer,x\nN1,HP,x\n' >"$T/accent.csv"
check_err "a serial not in ASCII is asked of the register" 1 "$T/accent.csv:2: serial: serial 'ŽX1' (Ačer) is already registered as 'TS-002005'" \
  "$A" asset import "$T/accent.csv"
if pg_backend; then
  # the server's NOCASE folds more than ASCII (ICU): žx1 is ŽX1 there
  printf 'serial,make,model\nžx1,ačer,x\n' >"$T/accent2.csv"
  check_err "... as the server compares it" 1 "$T/accent2.csv:2: serial: serial 'žx1' (ačer) is already registered as 'TS-002005'" \
    "$A" asset import "$T/accent2.csv"
fi
printf 'serial,make,model\nN1,HP,x\nN2,HP,x\n' >"$T/fine.csv"
check_out "and a file without clashes goes in" "$T/fine.csv: 2 assets added" "$A" asset import "$T/fine.csv"
done_testing
