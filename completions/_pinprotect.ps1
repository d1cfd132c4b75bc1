
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pinprotect' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pinprotect'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pinprotect' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database, or bring an existing one up to date')
            [CompletionResult]::new('ext', 'ext', [CompletionResultType]::ParameterValue, 'Add, change, show, list and remove extensions')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn pin protect on: outbound calls need the PIN (starts locked)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn pin protect off (the duration is kept, the grant cleared)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End active grants now: the extensions are locked again')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show pin protect, duration and state (unrestricted, locked, unlocked)')
            [CompletionResult]::new('pins', 'pins', [CompletionResultType]::ParameterValue, 'Show voicemail PINs')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import extensions from a file: all or nothing')
            [CompletionResult]::new('dial', 'dial', [CompletionResultType]::ParameterValue, 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not')
            [CompletionResult]::new('reset-lockout', 'reset-lockout', [CompletionResultType]::ParameterValue, 'Clear an extension''s PIN-entry lockout and wrong-PIN count')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit log: who changed what, unlocked whom, saw which PINs')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Copy the database to FILE while it is in use: one consistent snapshot')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Replace the database''s content with a backup''s (asks first on a terminal)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy the whole database into another one: SQLite to PostgreSQL and back')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the database: pages and indexes, schema version, append-only audit log')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('agi', 'agi', [CompletionResultType]::ParameterValue, 'Answer Asterisk for one call over AGI on standard input and output')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer Asterisk''s calls over FastAGI (agi://HOST:4573/REQUEST)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration in effect and where each value comes from')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A narrated tour on a throwaway database (never yours)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;init' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an extension''s name or e-mail address')
            [CompletionResult]::new('set-pin', 'set-pin', [CompletionResultType]::ParameterValue, 'Change the voicemail PIN (ends an active grant)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one extension')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all extensions in numeric order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove extensions (asks first on a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;ext;add' {
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'First name ("" clears it on edit)')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'Last name ("" clears it on edit)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'E-mail address ("" clears it on edit)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--pin-stdin', '--pin-stdin', [CompletionResultType]::ParameterName, 'Read the voicemail PIN from the first line of standard input')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept a weak PIN (the override is logged)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;edit' {
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'First name ("" clears it on edit)')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'Last name ("" clears it on edit)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'E-mail address ("" clears it on edit)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;set-pin' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--pin-stdin', '--pin-stdin', [CompletionResultType]::ParameterName, 'Read the PIN from the first line of standard input')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Generate a random 6-digit PIN and print it once')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept a weak PIN (the override is logged)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;show' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; required when standard input is not a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; required when standard input is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;ext;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an extension''s name or e-mail address')
            [CompletionResult]::new('set-pin', 'set-pin', [CompletionResultType]::ParameterValue, 'Change the voicemail PIN (ends an active grant)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one extension')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all extensions in numeric order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove extensions (asks first on a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;ext;help;add' {
            break
        }
        'pinprotect;ext;help;edit' {
            break
        }
        'pinprotect;ext;help;set-pin' {
            break
        }
        'pinprotect;ext;help;show' {
            break
        }
        'pinprotect;ext;help;list' {
            break
        }
        'pinprotect;ext;help;remove' {
            break
        }
        'pinprotect;ext;help;help' {
            break
        }
        'pinprotect;enable' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h). Without it, an extension keeps its stored duration or gets the default_duration setting')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h). Without it, an extension keeps its stored duration or gets the default_duration setting')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every extension')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;disable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every extension')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;revoke' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every extension')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;status' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;pins' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE (atomically, mode 0600) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE (atomically, mode 0600) instead of standard output')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'voicemail-conf: the context (section) of the mailboxes [default: default]')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'csv and 3cx: separate fields with C: '','' (default), '';'' (spreadsheets where the comma is the decimal mark), ''|'' or tab')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--no-pins', '--no-pins', [CompletionResultType]::ParameterName, 'Leave out the voicemail PINs (the 3cx format keeps the VMPIN column, empty)')
            [CompletionResult]::new('--spreadsheet-safe', '--spreadsheet-safe', [CompletionResultType]::ParameterName, 'Prefix CSV cells that start with = + - @ tab or CR with '' so spreadsheets show them as text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;import' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The file''s format; auto goes by the file name and its first line')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format; auto goes by the file name and its first line')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'voicemail.conf: import only this context (section); repeatable')
            [CompletionResult]::new('--include-dir', '--include-dir', [CompletionResultType]::ParameterName, 'voicemail.conf: let #include read files from FOLDER too, besides the file''s own folder; repeatable')
            [CompletionResult]::new('--max-removals', '--max-removals', [CompletionResultType]::ParameterName, 'With --sync: remove at most N extensions [default: 5 or a tenth of the extensions, whichever is more]')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'csv, 3cx and freepbx: the file''s fields are separated by C: '','' (default), '';'', ''|'' or tab')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Update extensions that exist already (the fields the file gives)')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'Make the database match the file: add, update, and remove the extensions the file does not have (with their grants and lockouts)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check everything and report what would change; write nothing')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept weak PINs (each override is logged)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;dial' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;reset-lockout' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;settings' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every setting (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value, as `settings set` takes it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;settings;show' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;settings;get' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;settings;set' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;settings;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every setting (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value, as `settings set` takes it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;settings;help;show' {
            break
        }
        'pinprotect;settings;help;get' {
            break
        }
        'pinprotect;settings;help;set' {
            break
        }
        'pinprotect;settings;help;help' {
            break
        }
        'pinprotect;audit' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;log' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after TIME: RFC 3339, a date, 90m/1h/2d back, today, yesterday')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events before TIME (same forms as --since)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events of this kind, such as grant or call_denied (repeatable)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Only the N most recent events')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Go on printing new events as they are logged, until interrupted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the events logged before a time, archiving them first with --archive')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;log;prune' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Remove the events logged before TIME (RFC 3339, a date, 90d back...: the forms of `log --since`); not a time to come')
            [CompletionResult]::new('--archive', '--archive', [CompletionResultType]::ParameterName, 'Write the events to FILE (JSON lines) before they are removed')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking (needed without a terminal unless --archive keeps them)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;log;help' {
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the events logged before a time, archiving them first with --archive')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;log;help;prune' {
            break
        }
        'pinprotect;log;help;help' {
            break
        }
        'pinprotect;backup' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;restore' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; required when standard input is not a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; required when standard input is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where the copy goes: a new SQLite file or an empty PostgreSQL database (postgres://...)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;verify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;agi' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address (or host name) and port to listen on (repeatable); a name listens on each of its addresses [default: serve.listen in the config file, else 127.0.0.1:4573]')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Peers allowed to connect: an address or ADDRESS/BITS (repeatable) [default: serve.allow in the config file, else 127.0.0.0/8, ::1]')
            [CompletionResult]::new('--max-calls', '--max-calls', [CompletionResultType]::ParameterName, 'Calls at once, past their environment block; further calls are closed at once [default: serve.max_calls in the config file, else 256]')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Answer GET /metrics (Prometheus) and GET /healthz over HTTP at ADDR:PORT [default: serve.metrics in the config file, else none]')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Seconds that calls in progress may take to finish after SIGTERM (0 to 3600)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;config' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Each key''s value in effect, and where it comes from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;config;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Each key''s value in effect, and where it comes from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;config;help;show' {
            break
        }
        'pinprotect;config;help;help' {
            break
        }
        'pinprotect;demo' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto honours NO_COLOR and uses none when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no messages, only data and errors')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC, not local time, in tables and messages (JSON, CSV and the log''s machine formats are always UTC)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pinprotect;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database, or bring an existing one up to date')
            [CompletionResult]::new('ext', 'ext', [CompletionResultType]::ParameterValue, 'Add, change, show, list and remove extensions')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn pin protect on: outbound calls need the PIN (starts locked)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn pin protect off (the duration is kept, the grant cleared)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End active grants now: the extensions are locked again')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show pin protect, duration and state (unrestricted, locked, unlocked)')
            [CompletionResult]::new('pins', 'pins', [CompletionResultType]::ParameterValue, 'Show voicemail PINs')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import extensions from a file: all or nothing')
            [CompletionResult]::new('dial', 'dial', [CompletionResultType]::ParameterValue, 'Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'May EXT call NUMBER now? Exit 0 if permitted, 1 if not')
            [CompletionResult]::new('reset-lockout', 'reset-lockout', [CompletionResultType]::ParameterValue, 'Clear an extension''s PIN-entry lockout and wrong-PIN count')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the settings (feature code, emergency numbers, PIN policy, lockout)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Report weak PINs, PINs shared by several extensions, and extensions without pin protect')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit log: who changed what, unlocked whom, saw which PINs')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Copy the database to FILE while it is in use: one consistent snapshot')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Replace the database''s content with a backup''s (asks first on a terminal)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy the whole database into another one: SQLite to PostgreSQL and back')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the database: pages and indexes, schema version, append-only audit log')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('agi', 'agi', [CompletionResultType]::ParameterValue, 'Answer Asterisk for one call over AGI on standard input and output')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer Asterisk''s calls over FastAGI (agi://HOST:4573/REQUEST)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration in effect and where each value comes from')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A narrated tour on a throwaway database (never yours)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pinprotect;help;init' {
            break
        }
        'pinprotect;help;ext' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an extension''s name or e-mail address')
            [CompletionResult]::new('set-pin', 'set-pin', [CompletionResultType]::ParameterValue, 'Change the voicemail PIN (ends an active grant)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one extension')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all extensions in numeric order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove extensions (asks first on a terminal)')
            break
        }
        'pinprotect;help;ext;add' {
            break
        }
        'pinprotect;help;ext;edit' {
            break
        }
        'pinprotect;help;ext;set-pin' {
            break
        }
        'pinprotect;help;ext;show' {
            break
        }
        'pinprotect;help;ext;list' {
            break
        }
        'pinprotect;help;ext;remove' {
            break
        }
        'pinprotect;help;enable' {
            break
        }
        'pinprotect;help;disable' {
            break
        }
        'pinprotect;help;revoke' {
            break
        }
        'pinprotect;help;status' {
            break
        }
        'pinprotect;help;pins' {
            break
        }
        'pinprotect;help;export' {
            break
        }
        'pinprotect;help;import' {
            break
        }
        'pinprotect;help;dial' {
            break
        }
        'pinprotect;help;check' {
            break
        }
        'pinprotect;help;reset-lockout' {
            break
        }
        'pinprotect;help;settings' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every setting (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value, as `settings set` takes it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting')
            break
        }
        'pinprotect;help;settings;show' {
            break
        }
        'pinprotect;help;settings;get' {
            break
        }
        'pinprotect;help;settings;set' {
            break
        }
        'pinprotect;help;audit' {
            break
        }
        'pinprotect;help;log' {
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the events logged before a time, archiving them first with --archive')
            break
        }
        'pinprotect;help;log;prune' {
            break
        }
        'pinprotect;help;backup' {
            break
        }
        'pinprotect;help;restore' {
            break
        }
        'pinprotect;help;migrate' {
            break
        }
        'pinprotect;help;verify' {
            break
        }
        'pinprotect;help;completions' {
            break
        }
        'pinprotect;help;agi' {
            break
        }
        'pinprotect;help;serve' {
            break
        }
        'pinprotect;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Each key''s value in effect, and where it comes from')
            break
        }
        'pinprotect;help;config;show' {
            break
        }
        'pinprotect;help;demo' {
            break
        }
        'pinprotect;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
