#!/usr/bin/env bash
# Side-by-side benchmark of pinprotect against the sqlite3 shell, on the
# same files, in one run. Prints a table of ratios (pinprotect / sqlite3)
# and writes it, with a description of the machine, to a report; then the
# FastAGI load generator (benches/fastagi.rs) adds pinprotect serve against
# pinprotect agi as a process per call, and serve and check on a PostgreSQL
# copy of the database beside the SQLite file (when a PostgreSQL server is
# installed: a private cluster, .ci/with-postgres).
#
#   bench/compare.sh                      1,000,000 extensions, 5 runs, BENCHMARKS.md
#   bench/compare.sh --rows 10000 --runs 2 --report /tmp/smoke.md
#
# Timing is hyperfine's median and standard deviation; peak memory is
# /usr/bin/time's maximum resident set size. Both come from Debian packages,
# installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=1000000
runs=5
report=BENCHMARKS.md
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --report) report=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v sqlite3 >/dev/null || need+=(sqlite3)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
    echo "bench: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# What is measured is the build README's Install section recommends for a
# PBX: statically linked on glibc targets (--target keeps the flag away from
# proc-macro crates). The default, dynamically linked build is timed beside
# it for comparison.
host=$(rustc -vV | sed -n 's/^host: //p')
echo "bench: building the release binary ($host, statically linked)" >&2
case "$host" in
    *-linux-gnu*) RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --quiet --target "$host" ;;
    *) cargo build --release --locked --quiet --target "$host" ;;
esac
cargo build --release --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Copies, so that a rebuild during the run cannot change what is measured.
cp "target/$host/release/pinprotect" "$work/pinprotect"
cp target/release/pinprotect "$work/pinprotect-dynamic"
bin=$work/pinprotect
now=2026-11-26T09:00:00Z
later=2026-11-26T09:01:00Z

echo "bench: generating $rows extensions" >&2
# Varied names (commas, quotes, apostrophes, accents), PINs with leading
# zeros that pass the weak-PIN policy (0, d, 7, ddd is never a run), a third
# of the extensions protected.
awk -v n="$rows" 'function q(s) { if (s ~ /[,"]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" } return s }
BEGIN {
    split("Alice,Bob,Zoë,Jean-Luc,Mary Ann,李,Chloé,Omar,Priya,\"Big\" Al", first, ",");
    nf = 10;
    split("Martin|O'\''Brien|Smith, Jr|Nuñez|Müller|García|Ng|van der Berg", last, "|");
    nl = 8;
    print "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until";
    for (i = 0; i < n; i++) {
        p = (i % 3 == 0);
        printf "%d,%s,%s,%s,0%d7%03d,%s,%s,\n", 1000000 + i, q(first[i % nf + 1]), q(last[i % nl + 1]),
            (i % 4 == 0 ? "" : "user" i "@example.com"), i % 10, int(i / 10) % 1000,
            (p ? "true" : "false"), (p ? "300" : "");
    }
}' > "$work/data.csv"

pp=$work/pp.db
"$bin" --db "$pp" -q init
# A benchmark database: its grant is made at a fixed time.
"$bin" --db "$pp" -q settings set clock_override on
"$bin" --db "$pp" --now "$now" -q import "$work/data.csv" >/dev/null
# Extension 1000000 (row 0; i % 3 == 0 is protected) gets a grant with its
# PIN 0, 0, 7, 000; extension 1000003 stays locked.
printf '007000\n' | "$bin" --db "$pp" --now "$now" -q dial 1000000 7777
"$bin" --db "$pp" -q init   # a writer's last close checkpoints the WAL

nows=$(date -d "$later" +%s)
columns="number AS extension, first_name, last_name, email, voicemail_pin,
    CASE pin_protect WHEN 1 THEN 'true' ELSE 'false' END AS pin_protect, pin_protect_duration_s,
    CASE WHEN pin_protect = 1 AND granted_at <= $nows AND $nows < unlocked_until
         THEN strftime('%Y-%m-%dT%H:%M:%SZ', unlocked_until, 'unixepoch') END AS unlocked_until"
export_sql="SELECT $columns FROM extensions ORDER BY CAST(number AS INTEGER), number;"
lookup_sql() {
    echo "SELECT key, value FROM settings;
          SELECT pin_protect, pin_protect_duration_s, granted_at, unlocked_until, failed_attempts, locked_out_until
          FROM extensions WHERE number = '$1';
          SELECT 1 FROM extensions WHERE number = '0049301234567';"
}
cat > "$work/ref-schema.sql" <<SQL
CREATE TABLE extensions (number TEXT, first_name TEXT, last_name TEXT, email TEXT, voicemail_pin TEXT,
    pin_protect TEXT, pin_protect_duration_s TEXT, unlocked_until TEXT);
CREATE UNIQUE INDEX extensions_number ON extensions (number);
CREATE INDEX extensions_numeric_order ON extensions (CAST(number AS INTEGER), number);
SQL
update_sql="UPDATE extensions SET pin_protect_duration_s = 300,
    granted_at = CASE WHEN pin_protect = 1 THEN granted_at END,
    unlocked_until = CASE WHEN pin_protect = 1 THEN unlocked_until END, pin_protect = 1;"

# The answers are right before they are timed.
set +e
"$bin" --db "$pp" --now "$later" -q check 1000003 0049301234567; locked=$?
"$bin" --db "$pp" --now "$later" -q check 1000000 0049301234567; unlocked=$?
set -e
if [ "$locked" != 1 ] || [ "$unlocked" != 0 ]; then
    echo "bench: check answered $locked (locked) and $unlocked (unlocked), not 1 and 0" >&2
    exit 1
fi
if [ "$("$bin" --db "$pp" --now "$later" export | wc -l)" != "$((rows + 1))" ]; then
    echo "bench: the export does not hold every extension" >&2
    exit 1
fi

results=$work/results
mkdir -p "$results"
bench() { # name, pinprotect command, sqlite3 command, [prepare command]
    local name=$1 ours=$2 theirs=$3 prepare=${4:-}
    echo "bench: $name" >&2
    # check exits 1 for a denied call: that is its answer, not a failure.
    local args=(--runs "$runs" --warmup 1 -N -i --style basic --export-json "$results/$name.json")
    # With -N the prepare command runs without a shell too: give it one.
    if [ -n "$prepare" ]; then args+=(--prepare "sh -c '$prepare'"); fi
    hyperfine "${args[@]}" -n pinprotect "$ours" -n sqlite3 "$theirs" >&2
}

bench export_csv "$bin --db $pp --now $later export --format csv" "sqlite3 -csv -header $pp \"$export_sql\""
bench export_json "$bin --db $pp --now $later export --format json" "sqlite3 -json $pp \"$export_sql\""
bench check_locked "$bin --db $pp --now $later check 1000003 0049301234567" "sqlite3 $pp \"$(lookup_sql 1000003)\""
bench check_unlocked "$bin --db $pp --now $later check 1000000 0049301234567" "sqlite3 $pp \"$(lookup_sql 1000000)\""
bench import "$bin --db $work/imp.db -q import $work/data.csv" \
    "sqlite3 $work/ref.db \".import --csv --skip 1 $work/data.csv extensions\"" \
    "rm -f $work/imp.db* $work/ref.db* && $bin --db $work/imp.db -q init && sqlite3 $work/ref.db < $work/ref-schema.sql"
bench enable_all "$bin --db $work/en.db -q enable --all --duration 300" "sqlite3 $work/en2.db \"$update_sql\"" \
    "rm -f $work/en.db* $work/en2.db* && cp $pp $work/en.db && cp $pp $work/en2.db"

echo "bench: peak memory" >&2
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
rss_export=$(rss "$bin" --db "$pp" --now "$later" export --format csv)
rss_export_ref=$(rss sqlite3 -csv -header "$pp" "$export_sql")
rm -f "$work"/imp.db* "$work"/ref.db*
"$bin" --db "$work/imp.db" -q init
sqlite3 "$work/ref.db" < "$work/ref-schema.sql"
rss_import=$(rss "$bin" --db "$work/imp.db" -q import "$work/data.csv")
rss_import_ref=$(rss sqlite3 "$work/ref.db" ".import --csv --skip 1 $work/data.csv extensions")

echo "bench: FastAGI and AGI" >&2
if [ "$rows" -ge 1000000 ]; then fa_requests=20000; fa_memory=200000; else fa_requests=200; fa_memory=2000; fi
fastagi=(cargo bench --locked --quiet --bench fastagi -- --db "$pp" --bin "$bin"
    --dynamic-bin "$work/pinprotect-dynamic" --requests "$fa_requests" --memory-requests "$fa_memory"
    --out "$work/fastagi.md")
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    # PostgreSQL beside SQLite: a private cluster (.ci/with-postgres), the
    # same database copied into it with `migrate`.
    echo "bench: PostgreSQL beside SQLite (a private cluster)" >&2
    BENCH_BIN=$bin BENCH_DB=$pp .ci/with-postgres bash -c '
        set -euo pipefail
        url=${PINPROTECT_TEST_POSTGRES/\/postgres\?/\/bench?}
        psql -q "$PINPROTECT_TEST_POSTGRES" -c "CREATE DATABASE bench"
        "$BENCH_BIN" --db "$BENCH_DB" -q migrate --to "$url"
        "$@" --postgres "$url"' bench "${fastagi[@]}" >&2
else
    echo "bench: no PostgreSQL server here (apt-get install postgresql): SQLite only" >&2
    "${fastagi[@]}" >&2
fi

python3 - "$results" "$report" "$rows" "$runs" "$rss_export" "$rss_export_ref" "$rss_import" "$rss_import_ref" <<'PY'
import json, os, platform, subprocess, sys, datetime
results, report, rows, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rss = [int(x) for x in sys.argv[5:9]]
targets = {"export_csv": 1.0, "export_json": 1.0, "check_locked": 1.2, "check_unlocked": 1.2,
           "import": 1.5, "enable_all": None}
labels = {"export_csv": "export --format csv", "export_json": "export --format json",
          "check_locked": "check (protected, locked)", "check_unlocked": "check (protected, unlocked)",
          "import": "import of the CSV into a fresh database", "enable_all": "enable --all --duration 300"}
lines = ["| operation | pinprotect | sqlite3 | ratio | target | met |", "| --- | --- | --- | --- | --- | --- |"]
def fmt(r):
    m, s = r["median"], r.get("stddev") or 0.0
    return f"{m*1000:.1f} ms ± {s*1000:.1f}" if m < 1 else f"{m:.3f} s ± {s:.3f}"
for name in targets:
    data = json.load(open(os.path.join(results, name + ".json")))["results"]
    ours, theirs = data[0], data[1]
    ratio = ours["median"] / theirs["median"]
    t = targets[name]
    met = "" if t is None else ("yes" if ratio <= t else "no")
    lines.append(f"| {labels[name]} | {fmt(ours)} | {fmt(theirs)} | {ratio:.2f}x | {'' if t is None else f'<= {t}x'} | {met} |")
for label, ours, theirs in [("peak RSS, export --format csv", rss[0], rss[1]), ("peak RSS, import", rss[2], rss[3])]:
    met = "yes" if ours < 32 * 1024 else "no"
    lines.append(f"| {label} | {ours/1024:.1f} MiB | {theirs/1024:.1f} MiB | {ours/theirs:.2f}x | < 32 MiB | {met} |")
table = "\n".join(lines)
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"
cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
mem = sh("free -h | awk '/^Mem:/ {print $2}'")
machine = (f"{cpu}, {os.cpu_count()} cores, {mem} memory, Linux {platform.release()}; "
           f"sqlite3 {sh('sqlite3 --version').split(' ')[0]}, {sh('hyperfine --version')}")
doc = f"""# Benchmarks

`bench/compare.sh` against the `sqlite3` shell on the same files, in one run: {rows:,} extensions,
{runs} runs each after a warm-up, median ± standard deviation (hyperfine), peak resident memory
(`/usr/bin/time`). Ratios are pinprotect / sqlite3; lower is better. pinprotect is the release
build README's Install section recommends for a PBX: statically linked (`crt-static`).

Run `bench/compare.sh` (about five minutes; it installs hyperfine, sqlite3 and GNU time when missing)
to measure a machine of your own and rewrite this file; `bench/compare.sh --rows 10000 --runs 2
--report /tmp/quick.md` is a quick look. Exports and imports stream, so memory stays flat whatever
the number of extensions; `check` makes a few indexed lookups and reads no table.

Measured {datetime.date.today().isoformat()} on {machine}.

{table}

What each side does:

- export: pinprotect streams every extension in numeric order; sqlite3 runs the same `SELECT`
  (same columns, `true`/`false`, the active grant's end as RFC 3339) with `-csv -header` or `-json`.
- check: pinprotect starts, opens and identifies the database, reads the settings and makes its
  indexed lookups; sqlite3 starts and runs the same lookups.
- import: pinprotect validates every row (extension, names, e-mail, PIN policy, duration) and
  writes it in one transaction into its schema (WAL); sqlite3 `.import`s the same CSV into an
  equivalent table with the same two indexes, without checks.
- enable --all: one `UPDATE` of every row on a copy of the database; pinprotect also logs it.
"""
open(report, "w").write(doc)
print(table)
PY
{ echo; cat "$work/fastagi.md"; } >> "$report"
echo "bench: report written to $report" >&2
