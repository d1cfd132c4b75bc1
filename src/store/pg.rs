//! The PostgreSQL engine: where the database is ([`PgUrl`]), how a
//! connection is made the way libpq makes it (its environment variables,
//! the password file, TLS modes), its schema and its errors.
//!
//! Writes take turns across every connection and host with one
//! transaction-level advisory lock ([`WRITER_LOCK`]), taken first in each
//! write transaction. That is SQLite's model (one writer at a time, readers
//! never wait), and it is what makes the lockout exact across nodes: a PIN
//! entry reads the failed attempts and writes the new count inside one
//! write transaction, so two entries on two nodes cannot both read the
//! same count. Row locks (`SELECT … FOR UPDATE`) would allow more writers
//! at once, but every write path would have to take the right ones, and a
//! forgotten one would be a lost update; SERIALIZABLE would need a retry
//! loop around every write. Writes are short (microseconds of work), so
//! the one lock costs little.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::schema::trigger_problem;
use super::sql::{Conn, P, RowView, postgres_dialect};
use crate::error::{Error, Result};

/// The key of the advisory lock every write transaction takes first:
/// "PINP", as SQLite's `application_id`.
pub(super) const WRITER_LOCK: i64 = super::APPLICATION_ID as i64;

/// Where a PostgreSQL database is: a `postgres://` or `postgresql://` URL
/// as libpq takes it. The password, if the URL holds one, never shows.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    url: String,
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({self})")
    }
}

/// The parts of a URL: `(scheme, user info, host and port, the rest)`.
fn split_url(url: &str) -> Option<(&str, Option<&str>, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    Some((scheme, user, host, tail))
}

impl PgUrl {
    /// A URL, when `text` is one of PostgreSQL.
    pub fn parse(text: &str) -> Option<PgUrl> {
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        (lower.starts_with("postgres://") || lower.starts_with("postgresql://")).then(|| PgUrl {
            url: text.to_owned(),
        })
    }

    /// Whether the URL holds a password, which `ps` and a dialplan show.
    pub fn has_password(&self) -> bool {
        let Some((_, user, _, tail)) = split_url(&self.url) else {
            return false;
        };
        user.is_some_and(|u| u.contains(':'))
            || tail
                .split_once('?')
                .is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("password=")))
    }

    /// The options of the query string that pinprotect reads itself
    /// (libpq's `sslmode` and `sslrootcert`, which the driver does not
    /// know in full), and the URL without them.
    fn own_options(&self) -> (String, HashMap<String, String>) {
        let mut own = HashMap::new();
        let Some((base, query)) = self.url.split_once('?') else {
            return (self.url.clone(), own);
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((k @ ("sslmode" | "sslrootcert"), v)) => {
                    own.insert(k.to_owned(), percent_decode(v));
                }
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        (url, own)
    }
}

/// The URL without a password or query: what messages and logs show,
/// with control characters escaped as paths are.
impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match split_url(&self.url) {
            Some((scheme, user, host, tail)) => {
                let path = tail.split('?').next().unwrap_or("");
                let user = user.map(|u| u.split(':').next().unwrap_or(""));
                match user {
                    Some(u) if !u.is_empty() => format!("{scheme}://{u}@{host}{path}"),
                    _ => format!("{scheme}://{host}{path}"),
                }
            }
            None => "postgres://".to_owned(),
        };
        f.write_str(&crate::text::escaped(&shown))
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    const NAMES: &str = "disable, allow, prefer, require, verify-ca, verify-full";

    fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// TLS as libpq's `sslmode` asks for it, with rustls (no system library
/// to load at every start of `pinprotect agi`).
mod tls {
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{
        CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    };

    use super::SslMode;
    use crate::error::{Error, Result};

    /// The connector for `mode`; `None` for `disable`. `verify-ca` and
    /// `verify-full` need the CA's certificate (`root`), as in libpq.
    pub(super) fn connector(
        mode: SslMode,
        root: Option<&str>,
    ) -> Result<Option<tokio_postgres_rustls::MakeRustlsConnect>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match mode {
            SslMode::Disable => return Ok(None),
            SslMode::VerifyCa | SslMode::VerifyFull => {
                let root = root.ok_or_else(|| {
                    Error::database(
                        "sslmode=verify-ca and verify-full need the certificate of the server's CA".to_owned(),
                        Some("give it as sslrootcert=FILE in the URL, in PGSSLROOTCERT, or as ~/.postgresql/root.crt".into()),
                    )
                })?;
                let pem = std::fs::read(root).map_err(|e| {
                    Error::database(
                        format!("cannot read the root certificate {root} (sslrootcert): {e}"),
                        Some(
                            "set sslrootcert in the URL or PGSSLROOTCERT to the CA's PEM file"
                                .into(),
                        ),
                    )
                })?;
                let not_pem = || {
                    Error::database(
                        format!(
                            "the root certificate {root} (sslrootcert) holds no PEM certificate"
                        ),
                        None,
                    )
                };
                let mut roots = RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(&pem) {
                    roots
                        .add(cert.map_err(|_| not_pem())?)
                        .map_err(|_| not_pem())?;
                }
                if roots.is_empty() {
                    return Err(not_pem());
                }
                let full =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| {
                            Error::database(format!("cannot set up TLS for PostgreSQL: {e}"), None)
                        })?;
                if mode == SslMode::VerifyCa {
                    Arc::new(AnyName(full))
                } else {
                    full
                }
            }
            // require, prefer, allow: encrypted, the server not checked.
            _ => Arc::new(Unchecked(provider.clone())),
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::database(format!("cannot set up TLS for PostgreSQL: {e}"), None))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Some(tokio_postgres_rustls::MakeRustlsConnect::new(config)))
    }

    /// `verify-ca`: the chain to the CA is checked, the name is not.
    #[derive(Debug)]
    struct AnyName(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for AnyName {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> std::result::Result<ServerCertVerified, rustls::Error> {
            match self
                .0
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }

    /// `require`, `prefer`, `allow`: any certificate, as libpq without a
    /// root certificate; the handshake's signatures are still checked.
    #[derive(Debug)]
    struct Unchecked(Arc<CryptoProvider>);

    impl ServerCertVerifier for Unchecked {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> std::result::Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

/// A value from the environment, as libpq reads it: unset and empty are
/// the same.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// What the connection was made with, for messages.
#[derive(Default)]
struct Made {
    /// Why the password file was not used, when it was not.
    passfile_note: Option<String>,
}

/// The driver's configuration for `url`, completed from the environment
/// the way libpq completes it, and the TLS connector `sslmode` asks for.
fn configure(
    url: &PgUrl,
    busy: Duration,
) -> Result<(
    postgres::Config,
    Option<tokio_postgres_rustls::MakeRustlsConnect>,
    Made,
)> {
    let (plain, own) = url.own_options();
    let mut config: postgres::Config = plain.parse().map_err(|e| {
        Error::invalid_with_hint(
            format!("cannot read the PostgreSQL URL {url}: {e}"),
            "the form is postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full",
        )
    })?;
    let mut made = Made::default();
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(h) if h.starts_with('/') => config.host_path(h),
            Some(h) => config.host(&h),
            None => config.host_path("/var/run/postgresql"),
        };
    }
    if config.get_ports().is_empty()
        && let Some(p) = env("PGPORT")
    {
        let port = p
            .parse()
            .map_err(|_| Error::invalid(format!("PGPORT ({p}) is not a port number")))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        let user = env("PGUSER").unwrap_or_else(crate::sys::user_name);
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        let db = env("PGDATABASE").unwrap_or_else(|| config.get_user().unwrap_or("").to_owned());
        config.dbname(&db);
    }
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        } else {
            match password_from_file(&config) {
                Ok(Some(p)) => {
                    config.password(p);
                }
                Ok(None) => {}
                Err(note) => made.passfile_note = Some(note),
            }
        }
    }
    let mode_text = own
        .get("sslmode")
        .cloned()
        .or_else(|| env("PGSSLMODE"))
        .unwrap_or_else(|| "prefer".into());
    let mode = SslMode::parse(&mode_text).ok_or_else(|| {
        Error::invalid_with_hint(
            format!("unknown sslmode {mode_text:?} for PostgreSQL"),
            format!("sslmode is one of {}", SslMode::NAMES),
        )
    })?;
    config.ssl_mode(match mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Allow | SslMode::Prefer => postgres::config::SslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            postgres::config::SslMode::Require
        }
    });
    let root = own
        .get("sslrootcert")
        .cloned()
        .or_else(|| env("PGSSLROOTCERT"))
        .or_else(|| {
            let p = format!("{}/.postgresql/root.crt", env("HOME")?);
            Path::new(&p).exists().then_some(p)
        });
    let tls = tls::connector(mode, root.as_deref())?;
    if config.get_connect_timeout().is_none() {
        let secs = env("PGCONNECT_TIMEOUT").and_then(|s| s.parse::<u64>().ok());
        config.connect_timeout(secs.map_or(busy.max(Duration::from_secs(1)), |s| {
            Duration::from_secs(s.max(2))
        }));
    }
    // No statement waits for ever: a lock at most `busy`, a statement at
    // most three times that.
    let (lock_ms, statement_ms) = limits(busy);
    let mut options = format!(
        "-c lock_timeout={lock_ms} -c statement_timeout={statement_ms} -c idle_in_transaction_session_timeout={}",
        statement_ms.max(60_000)
    );
    if let Some(given) = config.get_options() {
        options = format!("{given} {options}");
    }
    config.options(&options);
    config.application_name("pinprotect");
    // A host that is gone (no reset, no answer) is noticed while a
    // statement waits: unacknowledged data gives up after the statement
    // limit, and keepalives probe a connection that waits for an answer.
    config.tcp_user_timeout(Duration::from_millis(statement_ms as u64));
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(5));
    config.keepalives_interval(Duration::from_secs(2));
    config.keepalives_retries(3);
    Ok((config, tls, made))
}

/// `(lock_timeout, statement_timeout)` in milliseconds for a wait of at
/// most `busy`.
fn limits(busy: Duration) -> (u128, u128) {
    (busy.as_millis().max(1), (busy * 3).as_millis().max(1000))
}

/// The password for `config` from the password file (`PGPASSFILE`, else
/// `~/.pgpass`), as libpq finds it; `Err` says why an existing file was
/// not read.
fn password_from_file(config: &postgres::Config) -> std::result::Result<Option<String>, String> {
    use std::os::unix::fs::PermissionsExt;
    let path = match env("PGPASSFILE") {
        Some(p) => PathBuf::from(p),
        None => match env("HOME") {
            Some(h) => PathBuf::from(h).join(".pgpass"),
            None => return Ok(None),
        },
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "{} was not read: group or others may access it (chmod 600 it)",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        // A Unix socket matches `localhost`, as in libpq.
        _ => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or("");
    let user = config.get_user().unwrap_or("");
    Ok(pgpass_lookup(&text, [&host, &port, db, user]))
}

/// The password of the first line of a `.pgpass` text that matches
/// `host:port:database:user` (`*` matches anything; `\:` and `\\` escape).
fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::with_capacity(5);
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(wanted)
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields.pop().expect("five fields"));
        }
    }
    None
}

/// Whether the PostgreSQL server of `url` answers at all within `wait`.
pub(super) fn server_answers(url: &PgUrl, wait: Duration) -> bool {
    configure(url, wait).is_ok_and(|(config, _, _)| answers(&config).is_ok())
}

/// Whether the server answers at all, within the connect timeout: the
/// driver bounds only the socket's connect, and a server that accepts the
/// connection and then says nothing (a stopped or stuck postmaster) would
/// keep its startup waiting for ever. One SSLRequest, whose one-byte
/// answer every server gives at once, on a socket with a read timeout.
fn answers(config: &postgres::Config) -> std::result::Result<(), String> {
    const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
    let limit = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(Duration::from_secs(10));
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let ask = |stream: &mut dyn ReadWrite| -> std::io::Result<()> {
        stream.write_all(&SSL_REQUEST)?;
        let mut answer = [0u8; 1];
        stream.read_exact(&mut answer)
    };
    let mut last = String::from("no host to try");
    for host in config.get_hosts() {
        let outcome = match host {
            postgres::config::Host::Tcp(name) => {
                use std::net::ToSocketAddrs;
                let addrs = match (name.as_str(), port).to_socket_addrs() {
                    Ok(a) => a.collect::<Vec<_>>(),
                    Err(e) => {
                        last = format!("{name}: {e}");
                        continue;
                    }
                };
                let mut result = Err(std::io::Error::other("no address"));
                for addr in addrs {
                    result =
                        std::net::TcpStream::connect_timeout(&addr, limit).and_then(|mut s| {
                            s.set_read_timeout(Some(limit))?;
                            s.set_write_timeout(Some(limit))?;
                            ask(&mut s)
                        });
                    if result.is_ok() {
                        break;
                    }
                }
                result
            }
            postgres::config::Host::Unix(dir) => {
                let path = dir.join(format!(".s.PGSQL.{port}"));
                std::os::unix::net::UnixStream::connect(&path).and_then(|mut s| {
                    s.set_read_timeout(Some(limit))?;
                    s.set_write_timeout(Some(limit))?;
                    ask(&mut s)
                })
            }
        };
        match outcome {
            Ok(()) => return Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                last = format!("no answer within {} s", limit.as_secs_f64());
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

trait ReadWrite: std::io::Read + std::io::Write {}
impl<T: std::io::Read + std::io::Write> ReadWrite for T {}

/// A connection to PostgreSQL, with its prepared statements.
pub struct PgConn {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    /// Set when the connection was lost: it is not used again.
    broken: Cell<bool>,
    /// The wait its lock and statement limits were set for.
    busy: Cell<Duration>,
}

impl PgConn {
    /// Connects, waiting at most `busy` for the server and for locks.
    pub(super) fn connect(url: &PgUrl, busy: Duration, path: &Path) -> Result<PgConn> {
        let (config, tls, made) = configure(url, busy)?;
        answers(&config).map_err(|why| {
            Error::database(
                format!("cannot reach PostgreSQL at {url}: {why}"),
                Some("check that PostgreSQL runs and is not stuck; calls to emergency numbers are still permitted".into()),
            )
        })?;
        let client = match tls {
            Some(tls) => config.connect(tls),
            None => config.connect(postgres::NoTls),
        };
        let client = client.map_err(|e| connect_error(url, path, &e, &made))?;
        Ok(PgConn {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            broken: Cell::new(false),
            busy: Cell::new(busy),
        })
    }

    /// Sets the limits of the next statements for a wait of at most
    /// `busy` (a pooled connection taken for another call).
    pub(super) fn set_busy(&self, path: &Path, busy: Duration) -> Result<()> {
        if self.busy.get() == busy {
            return Ok(());
        }
        let (lock_ms, statement_ms) = limits(busy);
        self.batch(
            path,
            &format!("SET lock_timeout = {lock_ms}; SET statement_timeout = {statement_ms}"),
        )?;
        self.busy.set(busy);
        Ok(())
    }

    /// Whether the connection was lost.
    pub(super) fn is_broken(&self) -> bool {
        self.broken.get() || self.client.borrow().is_closed()
    }

    pub(super) fn err(&self, path: &Path, e: postgres::Error) -> Error {
        if e.is_closed() || e.code().is_none() && self.client.borrow().is_closed() {
            self.broken.set(true);
        }
        pg_error(path, &e)
    }

    fn statement(&self, path: &Path, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let translated = postgres_dialect(sql);
        let stmt = self
            .client
            .borrow_mut()
            .prepare(&translated)
            .map_err(|e| self.err(path, e))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    pub(super) fn execute(&self, path: &Path, sql: &str, params: &[P<'_>]) -> Result<u64> {
        let stmt = self.statement(path, sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let n = self.client.borrow_mut().execute(&stmt, &params);
        n.map_err(|e| self.err(path, e))
    }

    pub(super) fn batch(&self, path: &Path, sql: &str) -> Result<()> {
        let r = self
            .client
            .borrow_mut()
            .batch_execute(&postgres_dialect(sql));
        r.map_err(|e| self.err(path, e))
    }

    pub(super) fn each(
        &self,
        path: &Path,
        sql: &str,
        params: &[P<'_>],
        mut f: impl FnMut(&dyn RowView) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let stmt = self.statement(path, sql)?;
        // Rows stream in as `f` takes them (the driver reads ahead by one
        // message), so a million extensions take no more memory than one.
        // The connection is busy meanwhile: `f` must not use it (no
        // caller does; a second store may be used, as a copy does).
        let failed = {
            let mut client = self.client.borrow_mut();
            let rows = client.query_raw(&stmt, params.iter().map(|p| p as &(dyn ToSql + Sync)));
            match rows {
                Err(e) => e,
                Ok(mut rows) => loop {
                    match rows.next() {
                        Ok(Some(row)) => f(&PgRow { row: &row, path })?,
                        Ok(None) => return Ok(()),
                        Err(e) => break e,
                    }
                },
            }
        };
        Err(self.err(path, failed))
    }

    /// Starts a write transaction: after this, no other write of any
    /// connection runs until it ends (see the module's documentation).
    pub(super) fn begin_write(&self, path: &Path) -> Result<()> {
        self.batch(path, "BEGIN")?;
        let locked = self.execute(
            path,
            "SELECT pg_advisory_xact_lock(?1)",
            &[P::Int(WRITER_LOCK)],
        );
        if let Err(e) = locked {
            self.rollback();
            return Err(e);
        }
        Ok(())
    }

    /// Starts the one read-only snapshot of a command that only reads.
    pub(super) fn begin_read(&self, path: &Path) -> Result<()> {
        self.batch(path, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }

    pub(super) fn commit(&self, path: &Path) -> Result<()> {
        self.batch(path, "COMMIT")
    }

    /// Ends the transaction without its changes; a lost connection has
    /// nothing to end.
    pub(super) fn rollback(&self) {
        if !self.is_broken() {
            let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
        }
    }
}

struct PgRow<'a> {
    row: &'a postgres::Row,
    path: &'a Path,
}

impl RowView for PgRow<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        let ty = self.row.columns().get(i).map(|c| c.type_().clone());
        let v = match ty {
            Some(Type::INT8) => self.row.try_get::<_, Option<i64>>(i),
            Some(Type::INT4) => self
                .row
                .try_get::<_, Option<i32>>(i)
                .map(|v| v.map(i64::from)),
            Some(Type::INT2) => self
                .row
                .try_get::<_, Option<i16>>(i)
                .map(|v| v.map(i64::from)),
            Some(Type::BOOL) => self
                .row
                .try_get::<_, Option<bool>>(i)
                .map(|v| v.map(i64::from)),
            _ => self.row.try_get::<_, Option<i64>>(i),
        };
        v.map_err(|e| pg_error(self.path, &e))
    }

    fn text(&self, i: usize) -> Result<Option<&str>> {
        self.row
            .try_get::<_, Option<&str>>(i)
            .map_err(|e| pg_error(self.path, &e))
    }
}

impl ToSql for P<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            P::Null => Ok(IsNull::Yes),
            P::Int(v) => match *ty {
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                Type::BOOL => (v != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => v.to_string().as_str().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            P::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn connect_error(url: &PgUrl, path: &Path, e: &postgres::Error, made: &Made) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            let mut hint = "put the password in ~/.pgpass (mode 0600) or PGPASSFILE, or PGPASSWORD; never in the URL".to_owned();
            if let Some(note) = &made.passfile_note {
                hint = format!("{note}; {hint}");
            }
            return Error::database(
                format!("PostgreSQL at {url} refused the login: {}", db.message()),
                Some(hint),
            );
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return Error::database(
                format!("PostgreSQL at {url}: {}", db.message()),
                Some("create it first (`createdb`), then run `pinprotect init`".into()),
            );
        }
        return pg_error(path, e);
    }
    if error_text(e).contains("password missing") {
        let mut hint = "put the password in ~/.pgpass (mode 0600) or PGPASSFILE, or PGPASSWORD; never in the URL".to_owned();
        if let Some(note) = &made.passfile_note {
            hint = format!("{note}; {hint}");
        }
        return Error::database(
            format!(
                "PostgreSQL at {url} refused the login: it asks for a password and none was found"
            ),
            Some(hint),
        );
    }
    let mut hint = "check that PostgreSQL runs and the URL (or PGHOST, PGPORT); calls to emergency numbers are still permitted".to_owned();
    if let Some(note) = &made.passfile_note {
        hint = format!("{note}; {hint}");
    }
    Error::database(
        format!("cannot reach PostgreSQL at {url}: {}", error_text(e)),
        Some(hint),
    )
}

/// The driver's error without its `db error:` prefix.
fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

/// A PostgreSQL error as pinprotect's: busy, full, refused, or gone.
pub(super) fn pg_error(path: &Path, e: &postgres::Error) -> Error {
    let shown = crate::text::path(path);
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED => {
            super::busy_error(path)
        }
        Some(c) if *c == SqlState::DISK_FULL => super::disk_full(path),
        Some(c)
            if *c == SqlState::INSUFFICIENT_PRIVILEGE
                || *c == SqlState::READ_ONLY_SQL_TRANSACTION =>
        {
            Error::database(
                format!("database {shown}: {}", error_text(e)),
                Some(
                    "the PostgreSQL role lacks the privilege; grant it, or use a role that has it"
                        .into(),
                ),
            )
        }
        Some(_) => Error::database(format!("database {shown}: {}", error_text(e)), None),
        None => Error::database(
            format!(
                "lost the connection to PostgreSQL at {shown}: {}",
                error_text(e)
            ),
            Some(
                "check that PostgreSQL runs; calls to emergency numbers are still permitted".into(),
            ),
        ),
    }
}

/// The numbered migrations, one for each of SQLite's ([`super::MIGRATIONS`]),
/// making the same tables in PostgreSQL's words. The version is kept in
/// `pinprotect_schema`, which `init` makes.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1
    "CREATE TABLE extensions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        number TEXT COLLATE \"C\" NOT NULL UNIQUE CHECK (number ~ '^[0-9]{2,10}$'),
        first_name TEXT,
        last_name TEXT,
        email TEXT,
        voicemail_pin TEXT NOT NULL CHECK (voicemail_pin ~ '^[0-9]{4,10}$'),
        pin_protect BIGINT NOT NULL DEFAULT 0 CHECK (pin_protect IN (0, 1)),
        pin_protect_duration_s BIGINT CHECK (pin_protect_duration_s BETWEEN 1 AND 86400),
        granted_at BIGINT,
        unlocked_until BIGINT,
        CHECK (pin_protect = 0 OR pin_protect_duration_s IS NOT NULL),
        CHECK ((granted_at IS NULL) = (unlocked_until IS NULL))
    );
    CREATE INDEX extensions_numeric_order ON extensions ((CAST(number AS BIGINT)), number);",
    // 2
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ALTER TABLE extensions ADD COLUMN failed_attempts BIGINT NOT NULL DEFAULT 0
        CHECK (failed_attempts >= 0);
    ALTER TABLE extensions ADD COLUMN locked_out_until BIGINT;
    CREATE TABLE events (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        \"user\" TEXT NOT NULL,
        kind TEXT NOT NULL,
        extension TEXT COLLATE \"C\",
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_by_extension ON events (extension, id);
    CREATE INDEX events_by_time ON events (at, id);
    CREATE FUNCTION pinprotect_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        FOR EACH ROW EXECUTE FUNCTION pinprotect_events_append_only();
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION pinprotect_events_append_only();
    CREATE TRIGGER events_are_append_only_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION pinprotect_events_append_only();",
    // 3
    "ALTER TABLE events ADD COLUMN count BIGINT NOT NULL DEFAULT 1 CHECK (count >= 1);
    CREATE TABLE events_prune (through_id BIGINT NOT NULL);
    CREATE OR REPLACE FUNCTION pinprotect_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$",
    // (the body is APPEND_ONLY_BODY, joined in by `migration`)
    // 4
    "ALTER TABLE extensions ADD COLUMN voicemail_options TEXT;",
];

/// The body of the trigger function that keeps the audit log append-only
/// (from migration 3): the same two exceptions as SQLite's triggers.
pub(super) const APPEND_ONLY_BODY: &str = "
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.kind = 'call_denied' AND NEW.count > OLD.count
            AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.\"user\" = OLD.\"user\"
            AND NEW.kind = OLD.kind AND NEW.extension IS NOT DISTINCT FROM OLD.extension
            AND NEW.detail = OLD.detail THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM events_prune WHERE OLD.id <= through_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only';
    END ";

/// Migration `i` (0-based) as it runs.
pub(super) fn migration(i: usize) -> String {
    if i == 2 {
        format!("{}{APPEND_ONLY_BODY}$$;", MIGRATIONS[2])
    } else {
        MIGRATIONS[i].to_owned()
    }
}

/// `(marked, application id, schema version, tables in the schema)`: the
/// first look at a database. `marked` when `pinprotect_schema` exists.
pub(super) fn identify(conn: Conn<'_>, path: &Path) -> Result<(bool, i64, i64, i64)> {
    let (marked, objects) = conn.one(
        path,
        "SELECT to_regclass('pinprotect_schema') IS NOT NULL, \
                (SELECT count(*) FROM pg_catalog.pg_class c \
                   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f'))",
        &[],
        |r| Ok((r.int(0)? == Some(1), r.int(1)?.unwrap_or(0))),
    )?;
    if !marked {
        return Ok((false, 0, 0, objects));
    }
    let (app, version) = conn.one(
        path,
        "SELECT application_id, version FROM pinprotect_schema",
        &[],
        |r| Ok((r.int(0)?.unwrap_or(0), r.int(1)?.unwrap_or(0))),
    )?;
    Ok((true, app, version, objects))
}

pub(super) fn not_pinprotect(path: &Path) -> Error {
    Error::database(
        format!(
            "{} is a PostgreSQL database, but not a pinprotect database",
            crate::text::path(path)
        ),
        Some("check the --db URL (or PINPROTECT_DB); pinprotect leaves this database alone: give it a database of its own (`createdb`)".into()),
    )
}

/// Creates the tables in an empty database, or brings pinprotect's up to
/// date, inside `w`'s write transaction, under the writer lock: two
/// `init`s at once make them once.
pub(super) fn init(w: &super::Writer<'_>) -> Result<super::InitOutcome> {
    use super::SCHEMA_VERSION;
    let (conn, path) = (w.conn, w.path);
    let (marked, app, version, objects) = identify(conn, path)?;
    if !marked && objects > 0 || marked && app != i64::from(super::APPLICATION_ID) {
        return Err(not_pinprotect(path));
    }
    if version > SCHEMA_VERSION {
        return Err(super::too_new(path, version));
    }
    if !marked {
        conn.batch(
            path,
            "CREATE TABLE pinprotect_schema (application_id BIGINT NOT NULL, version BIGINT NOT NULL); \
             INSERT INTO pinprotect_schema VALUES (0, 0)",
        )?;
    }
    for i in version as usize..MIGRATIONS.len() {
        conn.batch(path, &migration(i))?;
    }
    conn.execute(
        path,
        "UPDATE pinprotect_schema SET application_id = ?1, version = ?2",
        &[
            P::Int(i64::from(super::APPLICATION_ID)),
            P::Int(SCHEMA_VERSION),
        ],
    )?;
    Ok(super::InitOutcome::after(version))
}

/// What is wrong with the database: the audit log's triggers missing,
/// disabled or changed. (Damaged pages are PostgreSQL's to find:
/// `pg_amcheck`.)
pub(super) fn problems(conn: Conn<'_>, path: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    conn.each(
        path,
        "SELECT t.tgname::text, t.tgenabled::text FROM pg_catalog.pg_trigger t \
          WHERE t.tgrelid = to_regclass('events') AND NOT t.tgisinternal",
        &[],
        |r| {
            found.push((
                r.text(0)?.unwrap_or("").to_owned(),
                r.text(1)?.unwrap_or("").to_owned(),
            ));
            Ok(())
        },
    )?;
    for name in TRIGGERS {
        match found.iter().find(|(n, _)| n == name) {
            None => problems.push(trigger_problem(name, "is missing")),
            Some((_, enabled)) if enabled == "D" => {
                problems.push(trigger_problem(name, "is disabled"))
            }
            Some(_) => {}
        }
    }
    let body = conn.one(
        path,
        "SELECT (SELECT prosrc FROM pg_catalog.pg_proc \
                  WHERE proname = 'pinprotect_events_append_only' LIMIT 1)",
        &[],
        |r| Ok(r.text(0)?.map(str::to_owned)),
    )?;
    if body.as_deref() != Some(APPEND_ONLY_BODY) {
        problems.push(
            "the function pinprotect_events_append_only, which keeps the audit log append-only, is missing or has been changed".into(),
        );
    }
    Ok(problems)
}

/// The triggers that keep the audit log append-only.
pub(super) const TRIGGERS: &[&str] = &[
    "events_are_append_only_delete",
    "events_are_append_only_truncate",
    "events_are_append_only_update",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sqlite_migration_has_its_postgresql_twin() {
        assert_eq!(MIGRATIONS.len(), super::super::schema::MIGRATIONS.len());
    }

    #[test]
    fn urls_are_recognised_and_shown_without_their_password() {
        let u =
            PgUrl::parse("postgres://pbx:s3cret@db.example:5433/pinprotect?sslmode=verify-full")
                .unwrap();
        assert!(u.has_password());
        assert_eq!(u.to_string(), "postgres://pbx@db.example:5433/pinprotect");
        assert!(!format!("{u:?}").contains("s3cret"));
        let u = PgUrl::parse("postgresql://db.example/pinprotect?password=x").unwrap();
        assert!(u.has_password());
        assert_eq!(u.to_string(), "postgresql://db.example/pinprotect");
        assert!(!PgUrl::parse("postgres://pbx@db/p").unwrap().has_password());
        assert!(PgUrl::parse("/var/lib/pinprotect/pbx.sqlite3").is_none());
        assert!(PgUrl::parse("POSTGRES://h/d").is_some());
        // A URL shows no terminal control sequence.
        let evil = PgUrl::parse("postgres://h\x1b[2J/d\u{202e}x")
            .unwrap()
            .to_string();
        assert!(
            !evil.contains('\x1b') && !evil.contains('\u{202e}'),
            "{evil}"
        );
        let (plain, own) = PgUrl::parse(
            "postgres://h/d?sslmode=verify-full&sslrootcert=%2Fca.pem&connect_timeout=3",
        )
        .unwrap()
        .own_options();
        assert_eq!(plain, "postgres://h/d?connect_timeout=3");
        assert_eq!(own["sslmode"], "verify-full");
        assert_eq!(own["sslrootcert"], "/ca.pem");
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let text = "# comment\n\
                    other:5432:*:pbx:wrong\n\
                    db\\:x:*:pinprotect:pbx:pa\\:ss\n\
                    *:*:*:pbx:fallback\n";
        assert_eq!(
            pgpass_lookup(text, ["db:x", "5432", "pinprotect", "pbx"]).as_deref(),
            Some("pa:ss")
        );
        assert_eq!(
            pgpass_lookup(text, ["db", "5432", "pinprotect", "pbx"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(
            pgpass_lookup(text, ["db", "5432", "pinprotect", "root"]),
            None
        );
    }
}
