use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The fixed "now" of every test unless a test moves the clock.
pub const NOW: &str = "2026-11-26T09:00:00Z";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pinprotect")
}

/// The environment variable that runs the suite on PostgreSQL: the URL of
/// a server's maintenance database (`postgres://postgres@127.0.0.1:5432/postgres`),
/// on which each test makes a database of its own.
pub const POSTGRES_VAR: &str = "PINPROTECT_TEST_POSTGRES";

/// The server the suite runs on, when it runs on PostgreSQL.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty())
}

/// Whether the suite runs on PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// Returns from a test that is about the SQLite file itself (its modes,
/// its bytes, its companions) when the suite runs on PostgreSQL.
#[macro_export]
macro_rules! sqlite_only {
    () => {
        if $crate::common::on_postgres() {
            eprintln!("about the SQLite file: not run on PostgreSQL");
            return;
        }
    };
}

/// A database of its own on the suite's PostgreSQL server, dropped with
/// the test's [`Env`].
pub struct PgDatabase {
    server: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(server: &str) -> PgDatabase {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "pinprotect_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(server, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{POSTGRES_VAR}={server}: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = with_database(server, &name);
        PgDatabase {
            server: server.to_owned(),
            name,
            url,
        }
    }

    /// A connection to this database.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `server`'s URL with the database `name` in place of its own.
pub fn with_database(server: &str, name: &str) -> String {
    let (scheme, rest) = server.split_once("://").unwrap();
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = before_query.split('/').next().unwrap();
    format!("{scheme}://{authority}/{name}{query}")
}

/// A temporary folder with a database in it (a SQLite file, or on
/// PostgreSQL a database of its own) and a clean environment.
pub struct Env {
    pub dir: TempDir,
    /// What `--db` is given: the file, or the PostgreSQL URL.
    pub db: PathBuf,
    pub pg: Option<PgDatabase>,
}

impl Env {
    /// No database yet (on PostgreSQL: an empty database).
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().unwrap();
        match postgres_server() {
            Some(server) => {
                let pg = PgDatabase::create(&server);
                Env {
                    dir,
                    db: PathBuf::from(&pg.url),
                    pg: Some(pg),
                }
            }
            None => Env::empty_file(dir),
        }
    }

    /// An initialised SQLite database (`clock_override` on), whatever the
    /// suite runs on.
    pub fn sqlite() -> Env {
        let env = Env::empty_file(tempfile::tempdir().unwrap());
        env.real_clock().arg("init").assert().success();
        env.set_clock_override(true);
        env
    }

    fn empty_file(dir: TempDir) -> Env {
        let db = dir.path().join("pbx.sqlite3");
        Env { dir, db, pg: None }
    }

    /// The first column of each row of `sql`, as text, read straight from
    /// the database.
    pub fn query_texts(&self, sql: &str) -> Vec<String> {
        match &self.pg {
            Some(pg) => pg
                .client()
                .query(
                    &format!("SELECT coalesce(q.c::text, '') FROM ({sql}) AS q(c)"),
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
            None => {
                let conn = rusqlite::Connection::open(&self.db).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                stmt.query_map([], |r| {
                    Ok(match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        rusqlite::types::ValueRef::Null => String::new(),
                        v => v.as_str().unwrap().to_owned(),
                    })
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
        }
    }

    /// Runs `sql` straight on the database; `Err` with the engine's error
    /// when it fails.
    pub fn try_sql(&self, sql: &str) -> Result<(), String> {
        match &self.pg {
            Some(pg) => pg
                .client()
                .batch_execute(sql)
                .map_err(|e| match e.as_db_error() {
                    Some(db) => db.message().to_owned(),
                    None => e.to_string(),
                }),
            None => rusqlite::Connection::open(&self.db)
                .unwrap()
                .execute_batch(sql)
                .map_err(|e| e.to_string()),
        }
    }

    /// Everything the database holds, as text: for "nothing changed".
    pub fn snapshot(&self) -> Vec<String> {
        let mut all = Vec::new();
        for table in ["extensions", "settings", "events"] {
            let order = if table == "settings" { "key" } else { "id" };
            all.extend(self.query_texts(&format!(
                "SELECT {} FROM {table} ORDER BY {order}",
                match table {
                    "extensions" => "id || ',' || number || ',' || coalesce(first_name, '') || ',' || voicemail_pin || ',' || pin_protect || ',' || coalesce(granted_at, -1) || ',' || failed_attempts",
                    "settings" => "key || '=' || value",
                    _ => "id || ',' || at || ',' || kind || ',' || count || ',' || detail",
                }
            )));
        }
        all
    }

    /// Runs `sql` (with `?1` as a text parameter on SQLite, `$1` on
    /// PostgreSQL) straight on the database, bypassing pinprotect.
    pub fn sql(&self, sql: &str, param: Option<&str>) {
        match &self.pg {
            Some(pg) => {
                let sql = sql.replace("?1", "$1");
                let mut client = pg.client();
                match param {
                    Some(p) => client.execute(&sql, &[&p]).map(|_| ()),
                    None => client.batch_execute(&sql),
                }
                .unwrap();
            }
            None => {
                let conn = rusqlite::Connection::open(&self.db).unwrap();
                match param {
                    Some(p) => conn.execute(sql, [p]).map(|_| ()),
                    None => conn.execute_batch(sql),
                }
                .unwrap();
            }
        }
    }

    /// An initialised, empty database whose `clock_override` is on, so
    /// that the tests can run every command at a fixed time.
    pub fn new() -> Env {
        let env = Env::default_clock();
        // Straight into the settings table, so that the fixture leaves no
        // event in the audit log (`settings set` logs the change).
        env.set_clock_override(true);
        env
    }

    /// Sets `clock_override` straight in the database, leaving no event.
    pub fn set_clock_override(&self, on: bool) {
        self.sql(
            "INSERT INTO settings (key, value) VALUES ('clock_override', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            Some(if on { "on" } else { "off" }),
        );
    }

    /// An initialised, empty database as `init` makes it: changes refuse
    /// `--now`.
    pub fn default_clock() -> Env {
        let env = Env::empty();
        env.real_clock().arg("init").assert().success();
        env
    }

    /// `pinprotect --db DB --now NOW` with nothing inherited that matters.
    pub fn cmd(&self) -> Command {
        self.at(NOW)
    }

    /// The same at another time.
    pub fn at(&self, now: &str) -> Command {
        let mut c = self.real_clock();
        c.arg("--now").arg(now);
        c
    }

    /// `pinprotect --db DB` on the system clock.
    pub fn real_clock(&self) -> Command {
        Command::from_std(self.std_real_clock())
    }

    /// `pinprotect --db DB --now NOW` as a plain process command, for
    /// tests that need its pipes.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = self.std_real_clock();
        c.args(["--now", NOW]);
        c
    }

    /// `pinprotect --db DB` on the system clock with nothing inherited that
    /// matters, as a plain process command (as a unit file or Asterisk
    /// starts it).
    pub fn std_real_clock(&self) -> std::process::Command {
        let mut c = std::process::Command::new(bin());
        c.env_remove("PINPROTECT_DB")
            .env_remove("PINPROTECT_NOW")
            .env_remove("PINPROTECT_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("NO_COLOR")
            .env_remove("PGPASSWORD")
            .env_remove("PGHOST")
            .env_remove("PGUSER")
            .env_remove("PGDATABASE")
            .env_remove("PGSSLMODE")
            // Tables and messages show local time: UTC here, whatever the
            // machine's zone, unless a test sets another.
            .env("TZ", "UTC0")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .current_dir(self.dir.path())
            .arg("--db")
            .arg(&self.db);
        c
    }

    /// `pinprotect --db DB --now NOW ARGS` on a terminal `cols` wide.
    pub fn pty(&self, args: &[&str], cols: u16) -> Pty {
        let mut c = self.std_cmd();
        c.args(args);
        Pty::spawn(c, cols)
    }

    /// Leading zeros, unicode with commas, quotes and apostrophes, empty
    /// fields, protected and unprotected extensions, a duration kept on an
    /// unprotected one; no grant.
    pub fn varied() -> Env {
        Env::varied_on(Env::new())
    }

    /// [`Env::varied`] on `env`'s database.
    pub fn varied_on(env: Env) -> Env {
        let person = |ext: &str, first: &str, last: &str, email: Option<&str>, pin: &str| {
            let mut c = env.cmd();
            c.args([
                "ext",
                "add",
                ext,
                "--first-name",
                first,
                "--last-name",
                last,
                "--pin-stdin",
            ]);
            if let Some(email) = email {
                c.args(["--email", email]);
            }
            c.write_stdin(format!("{pin}\n")).assert().success();
        };
        person(
            "0100",
            "Zoë",
            "O'Brien, \"Jr\"",
            Some("zoe@example.com"),
            "0042",
        );
        person("100", "李", "Nuñez; \"x\"", None, "000123");
        env.add("99", "9182");
        env.add("0099", "5557");
        env.add("1000000000", "1234567809");
        env.ok(["enable", "100", "0099", "--duration", "10m"]);
        env.ok(["enable", "99", "--duration", "1h"]);
        env.ok(["disable", "99"]);
        env
    }

    /// Runs pinprotect with `args` and asserts that it succeeded.
    pub fn ok<I, S>(&self, args: I) -> assert_cmd::assert::Assert
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd().args(args).assert().success()
    }

    /// Adds an extension with a known PIN.
    pub fn add(&self, ext: &str, pin: &str) {
        self.cmd()
            .args(["ext", "add", ext, "--pin-stdin"])
            .write_stdin(format!("{pin}\n"))
            .assert()
            .success();
    }

    /// Adds an extension with pin protect on and the given duration.
    pub fn add_protected(&self, ext: &str, pin: &str, duration: &str) {
        self.add(ext, pin);
        self.ok(["enable", ext, "--duration", duration]);
    }

    /// Enters `pin` after the feature code at `now`.
    pub fn dial_pin(&self, ext: &str, pin: &str, now: &str) -> assert_cmd::assert::Assert {
        self.at(now)
            .args(["dial", ext, "7777"])
            .write_stdin(format!("{pin}\n"))
            .assert()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The stdout of a successful command.
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Parses JSON output.
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Fills an initialised database with `n` extensions, a third protected.
pub fn fill(env: &Env, n: u32) {
    match &env.pg {
        Some(pg) => {
            pg.client()
                .execute(
                    "INSERT INTO extensions (number, first_name, last_name, email, voicemail_pin, pin_protect, pin_protect_duration_s)
                     SELECT (1000000 + i)::text, 'First' || i, 'Last, \"' || i || '\"', 'u' || i || '@example.com',
                            '9' || lpad((i % 1000)::text, 3, '0') || '1' || lpad(((i / 1000) % 1000)::text, 3, '0'),
                            (i % 3 = 0)::int, CASE WHEN i % 3 = 0 THEN 300 END
                     FROM generate_series(0, $1::bigint - 1) AS s(i)",
                    &[&i64::from(n)],
                )
                .unwrap();
        }
        None => {
            let conn = rusqlite::Connection::open(&env.db).unwrap();
            conn.execute(
                "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
                 INSERT INTO extensions (number, first_name, last_name, email, voicemail_pin, pin_protect, pin_protect_duration_s)
                 SELECT printf('%d', 1000000 + i), 'First' || i, 'Last, \"' || i || '\"', 'u' || i || '@example.com',
                        printf('9%03d1%03d', i % 1000, (i / 1000) % 1000), i % 3 = 0, CASE WHEN i % 3 = 0 THEN 300 END
                 FROM seq",
                [n],
            )
            .unwrap();
        }
    }
}

/// A command run on a pseudo-terminal, as a person runs it: its standard
/// input, output and error are a terminal of the given width, which is its
/// controlling terminal too.
pub struct Pty {
    master: std::fs::File,
    child: std::process::Child,
    seen: std::sync::Arc<(std::sync::Mutex<Vec<u8>>, std::sync::Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    pub fn spawn(mut command: std::process::Command, cols: u16) -> Pty {
        use std::os::fd::FromRawFd;
        use std::os::unix::process::CommandExt;
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 40,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: out-pointers to two ints and a valid winsize.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: both descriptors were just opened and are owned here.
        let (master, slave) = unsafe {
            (
                std::fs::File::from_raw_fd(master),
                std::fs::File::from_raw_fd(slave),
            )
        };
        command
            .env("TERM", "xterm")
            .env_remove("NO_COLOR")
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        // The child has the terminal; this side keeps only the master.
        drop(command);
        let seen =
            std::sync::Arc::new((std::sync::Mutex::new(Vec::new()), std::sync::Condvar::new()));
        let mut from = master.try_clone().unwrap();
        let into = std::sync::Arc::clone(&seen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once the child and its terminal are gone.
            while let Ok(n @ 1..) = std::io::Read::read(&mut from, &mut buf) {
                into.0.lock().unwrap().extend_from_slice(&buf[..n]);
                into.1.notify_all();
            }
        });
        Pty {
            master,
            child,
            seen,
            reader: Some(reader),
        }
    }

    /// Everything the terminal showed so far, `\r` removed.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.seen.0.lock().unwrap()).replace('\r', "")
    }

    /// Waits until the terminal shows `text`.
    pub fn expect(&self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut seen = self.seen.0.lock().unwrap();
        while !String::from_utf8_lossy(&seen).contains(text) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "the terminal never showed {text:?}; it showed {:?}",
                String::from_utf8_lossy(&seen)
            );
            seen = self.seen.1.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// Waits until the terminal has shown `text` at least `n` times.
    pub fn expect_count(&self, text: &str, n: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut seen = self.seen.0.lock().unwrap();
        while String::from_utf8_lossy(&seen).matches(text).count() < n {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "the terminal never showed {text:?} {n} times; it showed {:?}",
                String::from_utf8_lossy(&seen)
            );
            seen = self.seen.1.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// The terminal's settings now.
    pub fn termios(&self) -> libc::termios {
        use std::os::fd::AsRawFd;
        // SAFETY: a zeroed termios filled in by tcgetattr on our master.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(self.master.as_raw_fd(), &mut t), 0);
            t
        }
    }

    /// Waits for the command to end: its exit code and the terminal's
    /// settings it left behind.
    pub fn wait_exit(mut self) -> (i32, libc::termios) {
        use std::os::unix::process::ExitStatusExt;
        let status = wait_at_most(&mut self.child, std::time::Duration::from_secs(30));
        let termios = self.termios();
        let code = status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        (code, termios)
    }

    /// Types `text`.
    pub fn send(&mut self, text: &str) {
        std::io::Write::write_all(&mut self.master, text.as_bytes()).unwrap();
    }

    /// Waits for the command to end: its exit code (128 + signal when a
    /// signal ended it) and everything the terminal showed.
    pub fn finish(mut self) -> (i32, String) {
        use std::os::unix::process::ExitStatusExt;
        let status = wait_at_most(&mut self.child, std::time::Duration::from_secs(30));
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        let code = status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        (code, self.output())
    }
}

/// Sets a setting, which must succeed.
pub fn set(env: &Env, key: &str, value: &str) {
    env.ok(["settings", "set", key, value]);
}

/// The event names in the log, oldest first.
pub fn events(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["log", "--format", "json"];
    all.extend_from_slice(args);
    json(&env.stdout(&all))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

/// What a process printed: its standard output, then its standard error.
pub fn printed(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// How many times `name` is in `list`.
pub fn count(list: &[String], name: &str) -> usize {
    list.iter().filter(|e| *e == name).count()
}

/// Waits for `child` to end, for at most `limit`: a command that hangs
/// fails its test instead of holding the whole run.
pub fn wait_at_most(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not end within {limit:?}; killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
