//! The configuration files: where this host's database is and how `serve`
//! listens. Settings (the shared policy) live in the database; the config
//! is per host.
//!
//! Read from `/etc/pinprotect/pinprotect.toml` (system), then
//! `$XDG_CONFIG_HOME/pinprotect/config.toml` (user, `~/.config/...` when
//! unset), each key of the later file over the earlier one; or only from
//! the file `PINPROTECT_CONFIG` names. A flag or an environment variable
//! wins over both, and the built-in default comes last.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::net::{Cidr, ListenAddr};

/// The system-wide file.
pub const SYSTEM_FILE: &str = "/etc/pinprotect/pinprotect.toml";

/// The variable that names the one file to read instead.
pub const ENV_FILE: &str = "PINPROTECT_CONFIG";

/// The most calls `serve` takes at once (`--max-calls`, `serve.max_calls`).
pub const MAX_CALLS_LIMIT: u32 = 10_000;

/// Every key, in the order `config show` lists them.
pub const KEYS: [&str; 5] = [
    "db",
    "serve.listen",
    "serve.allow",
    "serve.max_calls",
    "serve.metrics",
];

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, such as `--db`.
    Flag(&'static str),
    /// An environment variable, such as `PINPROTECT_DB`.
    Env(&'static str),
    /// A line of a config file.
    File { path: PathBuf, line: usize },
    /// Built in.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "environment {var}"),
            Origin::File { path, line } => write!(f, "file {}:{line}", crate::text::path(path)),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

/// The keys the config files set; each `None` when no file sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub db: Option<Sourced<PathBuf>>,
    pub listen: Option<Sourced<Vec<ListenAddr>>>,
    pub allow: Option<Sourced<Vec<Cidr>>>,
    pub max_calls: Option<Sourced<u32>>,
    pub metrics: Option<Sourced<std::net::SocketAddr>>,
    /// The files read, in order.
    pub files: Vec<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKeys {
    db: Option<Spanned<PathBuf>>,
    serve: Option<ServeKeys>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeKeys {
    listen: Option<Spanned<Vec<String>>>,
    allow: Option<Spanned<Vec<String>>>,
    max_calls: Option<Spanned<u32>>,
    metrics: Option<Spanned<String>>,
}

/// The line (from 1) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// An error in `path` at `line`: exit 2, naming both.
fn file_error(path: &Path, line: Option<usize>, what: impl fmt::Display) -> Error {
    let at = match line {
        Some(line) => format!("{}:{line}", crate::text::path(path)),
        None => crate::text::path(path).to_string(),
    };
    Error::invalid_with_hint(
        format!("{at}: {what}"),
        format!(
            "the keys are {}; `pinprotect config show` shows what is in effect",
            KEYS.join(", ")
        ),
    )
}

impl Config {
    /// Reads the config files: the one `PINPROTECT_CONFIG` names (which
    /// must exist), else the system file and then the user file, each when
    /// it exists.
    pub fn load() -> Result<Config> {
        let mut config = Config::default();
        if let Some(file) = std::env::var_os(ENV_FILE).filter(|v| !v.is_empty()) {
            let path = PathBuf::from(file);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::invalid_with_hint(
                    format!("cannot read {} ({ENV_FILE}): {e}", crate::text::path(&path)),
                    format!("point {ENV_FILE} at a readable config file, or unset it"),
                )
            })?;
            config.read(&path, &text)?;
            return Ok(config);
        }
        let user = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|dir| dir.join("pinprotect/config.toml"));
        if let Some(text) = read_if_there(Path::new(SYSTEM_FILE))? {
            config.read(Path::new(SYSTEM_FILE), &text)?;
        }
        if let Some(path) = user {
            // A home that is not this user's (`sudo -u asterisk` keeps
            // root's HOME) holds no config of theirs: not an error.
            match std::fs::read_to_string(&path) {
                Ok(text) => config.read(&path, &text)?,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound
                            | std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::NotADirectory
                    ) => {}
                Err(e) => return Err(file_error(&path, None, format!("cannot read it: {e}"))),
            }
        }
        Ok(config)
    }

    /// Reads one file's `text`: its keys replace those read before.
    pub fn read(&mut self, path: &Path, text: &str) -> Result<()> {
        let keys: FileKeys = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            file_error(path, line, e.message().trim_end())
        })?;
        // A key's value checked by `check`, with the line it is on; an
        // error names the file and that line.
        fn sourced<V, T>(
            path: &Path,
            text: &str,
            key: Option<Spanned<V>>,
            check: impl FnOnce(&V) -> std::result::Result<T, String>,
        ) -> Result<Option<Sourced<T>>> {
            let Some(key) = key else { return Ok(None) };
            let line = line_of(text, key.span().start);
            let value = check(key.get_ref()).map_err(|e| file_error(path, Some(line), e))?;
            Ok(Some(Sourced {
                value,
                origin: Origin::File {
                    path: path.to_owned(),
                    line,
                },
            }))
        }
        if let Some(db) = sourced(path, text, keys.db, |db: &PathBuf| {
            if db.as_os_str().is_empty() {
                return Err("db is empty".to_string());
            }
            // Relative to what? Asterisk, cron and a shell each start
            // pinprotect in another folder. (A PostgreSQL URL is no path.)
            let url = matches!(
                crate::store::Location::parse(db.as_os_str()),
                crate::store::Location::Postgres(_)
            );
            if !url && !db.is_absolute() {
                return Err(format!(
                    "db must be an absolute path, such as /var/lib/pinprotect/pbx.sqlite3, or a postgres:// URL, not '{}'",
                    crate::text::path(db)
                ));
            }
            Ok(db.clone())
        })? {
            self.db = Some(db);
        }
        if let Some(serve) = keys.serve {
            if let Some(listen) =
                sourced(path, text, serve.listen, |v| parse_all(v, "serve.listen"))?
            {
                self.listen = Some(listen);
            }
            if let Some(allow) = sourced(path, text, serve.allow, |v| parse_all(v, "serve.allow"))?
            {
                self.allow = Some(allow);
            }
            if let Some(max) = sourced(path, text, serve.max_calls, |&n: &u32| {
                if (1..=MAX_CALLS_LIMIT).contains(&n) {
                    Ok(n)
                } else {
                    Err(format!(
                        "serve.max_calls must be 1 to {MAX_CALLS_LIMIT}, not {n}"
                    ))
                }
            })? {
                self.max_calls = Some(max);
            }
            if let Some(metrics) = sourced(path, text, serve.metrics, |v: &String| {
                v.parse().map_err(|_| {
                    format!(
                        "serve.metrics must be ADDRESS:PORT, such as 127.0.0.1:9573, not '{}'",
                        crate::text::shown(v)
                    )
                })
            })? {
                self.metrics = Some(metrics);
            }
        }
        self.files.push(path.to_owned());
        Ok(())
    }
}

/// The text of the system file, `None` when there is none; a file that is
/// there but cannot be read is an error (the host's database would be
/// silently another).
fn read_if_there(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(file_error(path, None, format!("cannot read it: {e}"))),
    }
}

/// Each of `values` parsed; an empty list is refused.
fn parse_all<T: std::str::FromStr<Err = crate::policy::ParseError>>(
    values: &[String],
    key: &str,
) -> std::result::Result<Vec<T>, String> {
    if values.is_empty() {
        return Err(format!("{key} is an empty list"));
    }
    values
        .iter()
        .map(|v| v.parse::<T>().map_err(|e| format!("{key}: {}", e.0)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config> {
        let mut c = Config::default();
        c.read(Path::new("/etc/x.toml"), text)?;
        Ok(c)
    }

    #[test]
    fn keys_values_and_the_lines_they_came_from() {
        let c = read(
            "# a comment\ndb = \"/var/lib/pinprotect/pbx.sqlite3\"\n\n[serve]\nlisten = [\"127.0.0.1:4573\"]\nallow = [\"192.0.2.0/24\", \"127.0.0.1\"]\nmax_calls = 64\n",
        )
        .unwrap();
        let db = c.db.unwrap();
        assert_eq!(db.value, PathBuf::from("/var/lib/pinprotect/pbx.sqlite3"));
        assert_eq!(
            db.origin,
            Origin::File {
                path: "/etc/x.toml".into(),
                line: 2
            }
        );
        assert_eq!(c.listen.unwrap().value.len(), 1);
        assert_eq!(c.allow.unwrap().value.len(), 2);
        let max = c.max_calls.unwrap();
        assert_eq!(max.value, 64);
        assert_eq!(max.origin.to_string(), "file /etc/x.toml:7");
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_file_line_and_key() {
        for (text, want) in [
            (
                "db = \"/x\"\ndbx = 1\n",
                "/etc/x.toml:2: unknown field `dbx`",
            ),
            ("[serve]\nport = 1\n", "/etc/x.toml:2: unknown field `port`"),
            (
                "[serve]\nmax_calls = 0\n",
                "/etc/x.toml:2: serve.max_calls must be 1 to 10000",
            ),
            ("[serve]\nmax_calls = \"x\"\n", "/etc/x.toml:2:"),
            (
                "[serve]\n\nallow = [\"300.1.1.1\"]\n",
                "/etc/x.toml:3: serve.allow",
            ),
            (
                "[serve]\nlisten = [\"nowhere\"]\n",
                "/etc/x.toml:2: serve.listen",
            ),
            ("db = \n", "/etc/x.toml:1:"),
            ("db = \"\"\n", "/etc/x.toml:1: db is empty"),
            (
                "\ndb = \"pbx.sqlite3\"\n",
                "/etc/x.toml:2: db must be an absolute path",
            ),
            (
                "[serve]\nmetrics = \"nowhere\"\n",
                "/etc/x.toml:2: serve.metrics must be ADDRESS:PORT",
            ),
        ] {
            let e = read(text).unwrap_err();
            assert!(e.to_string().starts_with(want), "{text:?}: {e}");
            assert_eq!(e.exit_code(), crate::error::ExitCode::Usage);
        }
    }

    #[test]
    fn a_later_file_replaces_the_keys_it_sets_only() {
        let mut c = Config::default();
        c.read(
            Path::new("/etc/a.toml"),
            "db = \"/a\"\n[serve]\nmax_calls = 5\n",
        )
        .unwrap();
        c.read(Path::new("/home/u/b.toml"), "db = \"/b\"\n")
            .unwrap();
        assert_eq!(c.db.unwrap().value, PathBuf::from("/b"));
        assert_eq!(c.max_calls.unwrap().value, 5);
        assert_eq!(c.files.len(), 2);
    }
}
