
use builtin;
use str;

set edit:completion:arg-completer[pinprotect] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pinprotect'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pinprotect'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the database, or bring an existing one up to date'
            cand ext 'Add, change, show, list and remove extensions'
            cand enable 'Turn pin protect on: outbound calls need the PIN (starts locked)'
            cand disable 'Turn pin protect off (the duration is kept, the grant cleared)'
            cand revoke 'End active grants now: the extensions are locked again'
            cand status 'Show pin protect, duration and state (unrestricted, locked, unlocked)'
            cand pins 'Show voicemail PINs'
            cand export 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf'
            cand import 'Import extensions from a file: all or nothing'
            cand dial 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN'
            cand check 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not'
            cand reset-lockout 'Clear an extension''s PIN-entry lockout and wrong-PIN count'
            cand settings 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)'
            cand audit 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect'
            cand log 'Show the audit log: who changed what, unlocked whom, saw which PINs'
            cand backup 'Copy the database to FILE while it is in use: one consistent snapshot'
            cand restore 'Replace the database''s content with a backup''s (asks first on a terminal)'
            cand migrate 'Copy the whole database into another one: SQLite to PostgreSQL and back'
            cand verify 'Check the database: pages and indexes, schema version, append-only audit log'
            cand completions 'Print the completion script for a shell'
            cand agi 'Answer Asterisk for one call over AGI on standard input and output'
            cand serve 'Answer Asterisk''s calls over FastAGI (agi://HOST:4573/REQUEST)'
            cand config 'Show the configuration in effect and where each value comes from'
            cand demo 'A narrated tour on a throwaway database (never yours)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;init'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand add 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
            cand edit 'Change an extension''s name or e-mail address'
            cand set-pin 'Change the voicemail PIN (ends an active grant)'
            cand show 'Show one extension'
            cand list 'List all extensions in numeric order'
            cand remove 'Remove extensions (asks first on a terminal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;ext;add'= {
            cand --first-name 'First name ("" clears it on edit)'
            cand --last-name 'Last name ("" clears it on edit)'
            cand --email 'E-mail address ("" clears it on edit)'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --pin-stdin 'Read the voicemail PIN from the first line of standard input'
            cand --allow-weak 'Accept a weak PIN (the override is logged)'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;edit'= {
            cand --first-name 'First name ("" clears it on edit)'
            cand --last-name 'Last name ("" clears it on edit)'
            cand --email 'E-mail address ("" clears it on edit)'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;set-pin'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --pin-stdin 'Read the PIN from the first line of standard input'
            cand --generate 'Generate a random 6-digit PIN and print it once'
            cand --allow-weak 'Accept a weak PIN (the override is logged)'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;show'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;list'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;remove'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -y 'Do not ask; required when standard input is not a terminal'
            cand --yes 'Do not ask; required when standard input is not a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;ext;help'= {
            cand add 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
            cand edit 'Change an extension''s name or e-mail address'
            cand set-pin 'Change the voicemail PIN (ends an active grant)'
            cand show 'Show one extension'
            cand list 'List all extensions in numeric order'
            cand remove 'Remove extensions (asks first on a terminal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;ext;help;add'= {
        }
        &'pinprotect;ext;help;edit'= {
        }
        &'pinprotect;ext;help;set-pin'= {
        }
        &'pinprotect;ext;help;show'= {
        }
        &'pinprotect;ext;help;list'= {
        }
        &'pinprotect;ext;help;remove'= {
        }
        &'pinprotect;ext;help;help'= {
        }
        &'pinprotect;enable'= {
            cand -d 'How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h). Without it, an extension keeps its stored duration or gets the default_duration setting'
            cand --duration 'How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h). Without it, an extension keeps its stored duration or gets the default_duration setting'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --all 'Every extension'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;disable'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --all 'Every extension'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;revoke'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --all 'Every extension'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;status'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;pins'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;export'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE (atomically, mode 0600) instead of standard output'
            cand --output 'Write to FILE (atomically, mode 0600) instead of standard output'
            cand --context 'voicemail-conf: the context (section) of the mailboxes [default: default]'
            cand --delimiter 'csv and 3cx: separate fields with C: '','' (default), '';'' (spreadsheets where the comma is the decimal mark), ''|'' or tab'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --no-pins 'Leave out the voicemail PINs (the 3cx format keeps the VMPIN column, empty)'
            cand --spreadsheet-safe 'Prefix CSV cells that start with = + - @ tab or CR with '' so spreadsheets show them as text'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;import'= {
            cand -f 'The file''s format; auto goes by the file name and its first line'
            cand --format 'The file''s format; auto goes by the file name and its first line'
            cand -d 'Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting'
            cand --duration 'Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting'
            cand --context 'voicemail.conf: import only this context (section); repeatable'
            cand --include-dir 'voicemail.conf: let #include read files from FOLDER too, besides the file''s own folder; repeatable'
            cand --max-removals 'With --sync: remove at most N extensions [default: 5 or a tenth of the extensions, whichever is more]'
            cand --delimiter 'csv, 3cx and freepbx: the file''s fields are separated by C: '','' (default), '';'', ''|'' or tab'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --update 'Update extensions that exist already (the fields the file gives)'
            cand --sync 'Make the database match the file: add, update, and remove the extensions the file does not have (with their grants and lockouts)'
            cand --dry-run 'Check everything and report what would change; write nothing'
            cand --allow-weak 'Accept weak PINs (each override is logged)'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;dial'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;check'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;reset-lockout'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;settings'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Show every setting (the default)'
            cand get 'Print one setting''s value, as `settings set` takes it'
            cand set 'Change a setting'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;settings;show'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;settings;get'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;settings;set'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;settings;help'= {
            cand show 'Show every setting (the default)'
            cand get 'Print one setting''s value, as `settings set` takes it'
            cand set 'Change a setting'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;settings;help;show'= {
        }
        &'pinprotect;settings;help;get'= {
        }
        &'pinprotect;settings;help;set'= {
        }
        &'pinprotect;settings;help;help'= {
        }
        &'pinprotect;audit'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;log'= {
            cand --since 'Only events at or after TIME: RFC 3339, a date, 90m/1h/2d back, today, yesterday'
            cand --until 'Only events before TIME (same forms as --since)'
            cand --event 'Only events of this kind, such as grant or call_denied (repeatable)'
            cand --limit 'Only the N most recent events'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --follow 'Go on printing new events as they are logged, until interrupted'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand prune 'Remove the events logged before a time, archiving them first with --archive'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;log;prune'= {
            cand --before 'Remove the events logged before TIME (RFC 3339, a date, 90d back...: the forms of `log --since`); not a time to come'
            cand --archive 'Write the events to FILE (JSON lines) before they are removed'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand --yes 'Remove without asking (needed without a terminal unless --archive keeps them)'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;log;help'= {
            cand prune 'Remove the events logged before a time, archiving them first with --archive'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;log;help;prune'= {
        }
        &'pinprotect;log;help;help'= {
        }
        &'pinprotect;backup'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;restore'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -y 'Do not ask; required when standard input is not a terminal'
            cand --yes 'Do not ask; required when standard input is not a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;migrate'= {
            cand --to 'Where the copy goes: a new SQLite file or an empty PostgreSQL database (postgres://...)'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;verify'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;completions'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;agi'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;serve'= {
            cand --listen 'Address (or host name) and port to listen on (repeatable); a name listens on each of its addresses [default: serve.listen in the config file, else 127.0.0.1:4573]'
            cand --allow 'Peers allowed to connect: an address or ADDRESS/BITS (repeatable) [default: serve.allow in the config file, else 127.0.0.0/8, ::1]'
            cand --max-calls 'Calls at once, past their environment block; further calls are closed at once [default: serve.max_calls in the config file, else 256]'
            cand --metrics 'Answer GET /metrics (Prometheus) and GET /healthz over HTTP at ADDR:PORT [default: serve.metrics in the config file, else none]'
            cand --grace 'Seconds that calls in progress may take to finish after SIGTERM (0 to 3600)'
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;config'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Each key''s value in effect, and where it comes from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;config;show'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;config;help'= {
            cand show 'Each key''s value in effect, and where it comes from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;config;help;show'= {
        }
        &'pinprotect;config;help;help'= {
        }
        &'pinprotect;demo'= {
            cand --db 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]'
            cand --now 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it'
            cand --color 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal'
            cand -q 'Print no messages, only data and errors'
            cand --quiet 'Print no messages, only data and errors'
            cand --utc 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pinprotect;help'= {
            cand init 'Create the database, or bring an existing one up to date'
            cand ext 'Add, change, show, list and remove extensions'
            cand enable 'Turn pin protect on: outbound calls need the PIN (starts locked)'
            cand disable 'Turn pin protect off (the duration is kept, the grant cleared)'
            cand revoke 'End active grants now: the extensions are locked again'
            cand status 'Show pin protect, duration and state (unrestricted, locked, unlocked)'
            cand pins 'Show voicemail PINs'
            cand export 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf'
            cand import 'Import extensions from a file: all or nothing'
            cand dial 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN'
            cand check 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not'
            cand reset-lockout 'Clear an extension''s PIN-entry lockout and wrong-PIN count'
            cand settings 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)'
            cand audit 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect'
            cand log 'Show the audit log: who changed what, unlocked whom, saw which PINs'
            cand backup 'Copy the database to FILE while it is in use: one consistent snapshot'
            cand restore 'Replace the database''s content with a backup''s (asks first on a terminal)'
            cand migrate 'Copy the whole database into another one: SQLite to PostgreSQL and back'
            cand verify 'Check the database: pages and indexes, schema version, append-only audit log'
            cand completions 'Print the completion script for a shell'
            cand agi 'Answer Asterisk for one call over AGI on standard input and output'
            cand serve 'Answer Asterisk''s calls over FastAGI (agi://HOST:4573/REQUEST)'
            cand config 'Show the configuration in effect and where each value comes from'
            cand demo 'A narrated tour on a throwaway database (never yours)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinprotect;help;init'= {
        }
        &'pinprotect;help;ext'= {
            cand add 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
            cand edit 'Change an extension''s name or e-mail address'
            cand set-pin 'Change the voicemail PIN (ends an active grant)'
            cand show 'Show one extension'
            cand list 'List all extensions in numeric order'
            cand remove 'Remove extensions (asks first on a terminal)'
        }
        &'pinprotect;help;ext;add'= {
        }
        &'pinprotect;help;ext;edit'= {
        }
        &'pinprotect;help;ext;set-pin'= {
        }
        &'pinprotect;help;ext;show'= {
        }
        &'pinprotect;help;ext;list'= {
        }
        &'pinprotect;help;ext;remove'= {
        }
        &'pinprotect;help;enable'= {
        }
        &'pinprotect;help;disable'= {
        }
        &'pinprotect;help;revoke'= {
        }
        &'pinprotect;help;status'= {
        }
        &'pinprotect;help;pins'= {
        }
        &'pinprotect;help;export'= {
        }
        &'pinprotect;help;import'= {
        }
        &'pinprotect;help;dial'= {
        }
        &'pinprotect;help;check'= {
        }
        &'pinprotect;help;reset-lockout'= {
        }
        &'pinprotect;help;settings'= {
            cand show 'Show every setting (the default)'
            cand get 'Print one setting''s value, as `settings set` takes it'
            cand set 'Change a setting'
        }
        &'pinprotect;help;settings;show'= {
        }
        &'pinprotect;help;settings;get'= {
        }
        &'pinprotect;help;settings;set'= {
        }
        &'pinprotect;help;audit'= {
        }
        &'pinprotect;help;log'= {
            cand prune 'Remove the events logged before a time, archiving them first with --archive'
        }
        &'pinprotect;help;log;prune'= {
        }
        &'pinprotect;help;backup'= {
        }
        &'pinprotect;help;restore'= {
        }
        &'pinprotect;help;migrate'= {
        }
        &'pinprotect;help;verify'= {
        }
        &'pinprotect;help;completions'= {
        }
        &'pinprotect;help;agi'= {
        }
        &'pinprotect;help;serve'= {
        }
        &'pinprotect;help;config'= {
            cand show 'Each key''s value in effect, and where it comes from'
        }
        &'pinprotect;help;config;show'= {
        }
        &'pinprotect;help;demo'= {
        }
        &'pinprotect;help;help'= {
        }
    ]
    $completions[$command]
}
