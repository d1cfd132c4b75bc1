# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pinprotect_global_optspecs
    string join \n db= now= color= q/quiet utc h/help V/version
end

function __fish_pinprotect_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pinprotect_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pinprotect_using_subcommand
    set -l cmd (__fish_pinprotect_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pinprotect -n "__fish_pinprotect_needs_command" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_needs_command" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_needs_command" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_needs_command" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -s V -l version -d 'Print version'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "init" -d 'Create the database, or bring an existing one up to date'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "ext" -d 'Add, change, show, list and remove extensions'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "enable" -d 'Turn pin protect on: outbound calls need the PIN (starts locked)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "disable" -d 'Turn pin protect off (the duration is kept, the grant cleared)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "revoke" -d 'End active grants now: the extensions are locked again'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "status" -d 'Show pin protect, duration and state (unrestricted, locked, unlocked)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "pins" -d 'Show voicemail PINs'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "export" -d 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "import" -d 'Import extensions from a file: all or nothing'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "dial" -d 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "check" -d 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "reset-lockout" -d 'Clear an extension\'s PIN-entry lockout and wrong-PIN count'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "settings" -d 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "audit" -d 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "log" -d 'Show the audit log: who changed what, unlocked whom, saw which PINs'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "backup" -d 'Copy the database to FILE while it is in use: one consistent snapshot'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "restore" -d 'Replace the database\'s content with a backup\'s (asks first on a terminal)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "migrate" -d 'Copy the whole database into another one: SQLite to PostgreSQL and back'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "verify" -d 'Check the database: pages and indexes, schema version, append-only audit log'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "agi" -d 'Answer Asterisk for one call over AGI on standard input and output'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "serve" -d 'Answer Asterisk\'s calls over FastAGI (agi://HOST:4573/REQUEST)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "config" -d 'Show the configuration in effect and where each value comes from'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "demo" -d 'A narrated tour on a throwaway database (never yours)'
complete -c pinprotect -n "__fish_pinprotect_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "add" -d 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "edit" -d 'Change an extension\'s name or e-mail address'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "set-pin" -d 'Change the voicemail PIN (ends an active grant)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "show" -d 'Show one extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "list" -d 'List all extensions in numeric order'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "remove" -d 'Remove extensions (asks first on a terminal)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and not __fish_seen_subcommand_from add edit set-pin show list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l first-name -d 'First name ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l last-name -d 'Last name ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l email -d 'E-mail address ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l pin-stdin -d 'Read the voicemail PIN from the first line of standard input'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l allow-weak -d 'Accept a weak PIN (the override is logged)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l first-name -d 'First name ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l last-name -d 'Last name ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l email -d 'E-mail address ("" clears it on edit)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l pin-stdin -d 'Read the PIN from the first line of standard input'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l generate -d 'Generate a random 6-digit PIN and print it once'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l allow-weak -d 'Accept a weak PIN (the override is logged)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from set-pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask; required when standard input is not a terminal'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change an extension\'s name or e-mail address'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "set-pin" -d 'Change the voicemail PIN (ends an active grant)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "list" -d 'List all extensions in numeric order'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove extensions (asks first on a terminal)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand ext; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -s d -l duration -d 'How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h). Without it, an extension keeps its stored duration or gets the default_duration setting' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -l all -d 'Every extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -l all -d 'Every extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -l all -d 'Every extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand pins" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -s f -l format -d 'Output format' -r -f -a "csv\t'CSV with a header line'
json\t'One JSON array of objects'
jsonl\t'One JSON object a line'
3cx\t'A 3CX v20 bulk extension CSV'
voicemail-conf\t'Asterisk voicemail.conf mailbox lines (EXT => PIN,First Last,email)'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -s o -l output -d 'Write to FILE (atomically, mode 0600) instead of standard output' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l context -d 'voicemail-conf: the context (section) of the mailboxes [default: default]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l delimiter -d 'csv and 3cx: separate fields with C: \',\' (default), \';\' (spreadsheets where the comma is the decimal mark), \'|\' or tab' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l no-pins -d 'Leave out the voicemail PINs (the 3cx format keeps the VMPIN column, empty)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l spreadsheet-safe -d 'Prefix CSV cells that start with = + - @ tab or CR with \' so spreadsheets show them as text'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -s f -l format -d 'The file\'s format; auto goes by the file name and its first line' -r -f -a "auto\t'By the file name and the first line'
csv\t'CSV as `pinprotect export` writes it'
json\t'A JSON array as `pinprotect export --format json` writes it'
jsonl\t'JSON lines as `pinprotect export --format jsonl` writes them'
3cx\t'A 3CX bulk extension CSV (v20 or v15/v16)'
freepbx\t'A FreePBX Bulk Handler extensions CSV'
voicemail-conf\t'Asterisk voicemail.conf mailbox lines'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -s d -l duration -d 'Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l context -d 'voicemail.conf: import only this context (section); repeatable' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l include-dir -d 'voicemail.conf: let #include read files from FOLDER too, besides the file\'s own folder; repeatable' -r -f -a "(__fish_complete_directories)"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l max-removals -d 'With --sync: remove at most N extensions [default: 5 or a tenth of the extensions, whichever is more]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l delimiter -d 'csv, 3cx and freepbx: the file\'s fields are separated by C: \',\' (default), \';\', \'|\' or tab' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l update -d 'Update extensions that exist already (the fields the file gives)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l sync -d 'Make the database match the file: add, update, and remove the extensions the file does not have (with their grants and lockouts)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l dry-run -d 'Check everything and report what would change; write nothing'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l allow-weak -d 'Accept weak PINs (each override is logged)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand dial" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -s f -l format -d 'Output format' -r -f -a "text\t'One line for people'
json\t'One JSON object'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand reset-lockout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -f -a "show" -d 'Show every setting (the default)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -f -a "get" -d 'Print one setting\'s value, as `settings set` takes it'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -f -a "set" -d 'Change a setting'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and not __fish_seen_subcommand_from show get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show every setting (the default)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one setting\'s value, as `settings set` takes it'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a setting'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l since -d 'Only events at or after TIME: RFC 3339, a date, 90m/1h/2d back, today, yesterday' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l until -d 'Only events before TIME (same forms as --since)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l event -d 'Only events of this kind, such as grant or call_denied (repeatable)' -r -f -a "extension_added\t''
extension_edited\t''
extension_removed\t''
pin_changed\t''
weak_pin_allowed\t''
pin_protect_enabled\t''
pin_protect_disabled\t''
duration_changed\t''
grant\t''
wrong_pin\t''
lockout\t''
pin_entry_refused\t''
lockout_reset\t''
revoke\t''
pins_shown\t''
export\t''
import\t''
settings_changed\t''
call_denied\t''
log_pruned\t''
agi_error\t''
backup\t''
restore\t''
migrate\t''"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l limit -d 'Only the N most recent events' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON array of objects'
jsonl\t'One JSON object a line (fit for --follow)'
csv\t'CSV with a header line'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l follow -d 'Go on printing new events as they are logged, until interrupted'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -a "prune" -d 'Remove the events logged before a time, archiving them first with --archive'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and not __fish_seen_subcommand_from prune help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l before -d 'Remove the events logged before TIME (RFC 3339, a date, 90d back...: the forms of `log --since`); not a time to come' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l archive -d 'Write the events to FILE (JSON lines) before they are removed' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l yes -d 'Remove without asking (needed without a terminal unless --archive keeps them)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove the events logged before a time, archiving them first with --archive'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -s y -l yes -d 'Do not ask; required when standard input is not a terminal'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -l to -d 'Where the copy goes: a new SQLite file or an empty PostgreSQL database (postgres://...)' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand agi" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l listen -d 'Address (or host name) and port to listen on (repeatable); a name listens on each of its addresses [default: serve.listen in the config file, else 127.0.0.1:4573]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l allow -d 'Peers allowed to connect: an address or ADDRESS/BITS (repeatable) [default: serve.allow in the config file, else 127.0.0.0/8, ::1]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l max-calls -d 'Calls at once, past their environment block; further calls are closed at once [default: serve.max_calls in the config file, else 256]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l metrics -d 'Answer GET /metrics (Prometheus) and GET /healthz over HTTP at ADDR:PORT [default: serve.metrics in the config file, else none]' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l grace -d 'Seconds that calls in progress may take to finish after SIGTERM (0 to 3600)' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Each key\'s value in effect, and where it comes from'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Each key\'s value in effect, and where it comes from'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -l now -d 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it' -r
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -l color -d 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -s q -l quiet -d 'Print no messages, only data and errors'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -l utc -d 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log\'s machine formats are always UTC)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "init" -d 'Create the database, or bring an existing one up to date'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "ext" -d 'Add, change, show, list and remove extensions'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "enable" -d 'Turn pin protect on: outbound calls need the PIN (starts locked)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "disable" -d 'Turn pin protect off (the duration is kept, the grant cleared)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "revoke" -d 'End active grants now: the extensions are locked again'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "status" -d 'Show pin protect, duration and state (unrestricted, locked, unlocked)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "pins" -d 'Show voicemail PINs'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "export" -d 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "import" -d 'Import extensions from a file: all or nothing'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "dial" -d 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "check" -d 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "reset-lockout" -d 'Clear an extension\'s PIN-entry lockout and wrong-PIN count'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "settings" -d 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "audit" -d 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "log" -d 'Show the audit log: who changed what, unlocked whom, saw which PINs'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "backup" -d 'Copy the database to FILE while it is in use: one consistent snapshot'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "restore" -d 'Replace the database\'s content with a backup\'s (asks first on a terminal)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "migrate" -d 'Copy the whole database into another one: SQLite to PostgreSQL and back'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "verify" -d 'Check the database: pages and indexes, schema version, append-only audit log'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "agi" -d 'Answer Asterisk for one call over AGI on standard input and output'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "serve" -d 'Answer Asterisk\'s calls over FastAGI (agi://HOST:4573/REQUEST)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "config" -d 'Show the configuration in effect and where each value comes from'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "demo" -d 'A narrated tour on a throwaway database (never yours)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and not __fish_seen_subcommand_from init ext enable disable revoke status pins export import dial check reset-lockout settings audit log backup restore migrate verify completions agi serve config demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "add" -d 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "edit" -d 'Change an extension\'s name or e-mail address'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "set-pin" -d 'Change the voicemail PIN (ends an active grant)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "show" -d 'Show one extension'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "list" -d 'List all extensions in numeric order'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from ext" -f -a "remove" -d 'Remove extensions (asks first on a terminal)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "show" -d 'Show every setting (the default)'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "get" -d 'Print one setting\'s value, as `settings set` takes it'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Change a setting'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "prune" -d 'Remove the events logged before a time, archiving them first with --archive'
complete -c pinprotect -n "__fish_pinprotect_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Each key\'s value in effect, and where it comes from'
