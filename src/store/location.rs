//! Where the database is: a SQLite file or a PostgreSQL URL.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use super::pg::PgUrl;

/// Where the database is, as `--db`, `PINPROTECT_DB` or the config file's
/// `db` give it: a `postgres://` (or `postgresql://`) URL selects
/// PostgreSQL; anything else is the path of a SQLite file, also written
/// as a `sqlite:` URL (`sqlite:///var/lib/pinprotect/pbx.sqlite3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(PgUrl),
}

impl Location {
    pub fn parse(given: &OsStr) -> Location {
        let Some(text) = given.to_str() else {
            return Location::File(PathBuf::from(given));
        };
        if let Some(url) = PgUrl::parse(text) {
            return Location::Postgres(url);
        }
        if let Some(rest) = text.strip_prefix("sqlite:") {
            // `sqlite:///abs/path`, `sqlite://localhost/abs/path` or
            // `sqlite:rel/path`.
            let path = match rest.strip_prefix("//") {
                Some(after) => after.strip_prefix("localhost").unwrap_or(after),
                None => rest,
            };
            return Location::File(PathBuf::from(path));
        }
        Location::File(PathBuf::from(given))
    }

    /// The SQLite file, when it is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }

    /// The engine's name, as messages give it.
    pub fn engine(&self) -> &'static str {
        match self {
            Location::File(_) => "SQLite",
            Location::Postgres(_) => "PostgreSQL",
        }
    }
}

/// The path (escaped as messages escape paths) or the URL without its
/// password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => f.write_str(&crate::text::path(p)),
            Location::Postgres(u) => write!(f, "{u}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_engine_and_paths_stay_files() {
        let p = |s: &str| Location::parse(OsStr::new(s));
        assert_eq!(
            p("/var/lib/x.sqlite3"),
            Location::File("/var/lib/x.sqlite3".into())
        );
        assert_eq!(
            p("sqlite:///var/lib/x.sqlite3"),
            Location::File("/var/lib/x.sqlite3".into())
        );
        assert_eq!(p("sqlite://localhost/x"), Location::File("/x".into()));
        assert_eq!(p("sqlite:rel.db"), Location::File("rel.db".into()));
        assert_eq!(p("postgres.db"), Location::File("postgres.db".into()));
        assert!(matches!(p("postgres://pbx@db/pin"), Location::Postgres(_)));
        assert!(matches!(p("postgresql://db/pin"), Location::Postgres(_)));
        assert_eq!(
            p("postgres://a:secret@db/pin").to_string(),
            "postgres://a@db/pin"
        );
    }
}
