//! What monitoring sees of `pinprotect serve`: Prometheus metrics and a
//! health check over HTTP (`--metrics ADDR:PORT`), and systemd's
//! readiness and watchdog notifications.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::{Error, Result};
use crate::store::{Access, Location, Store};

/// A call's request and how it ended, as labels: a handful of values each.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    request: String,
    result: String,
}

/// The server's counters.
pub struct Metrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    duration: Histogram,
    lockouts: Counter,
    database_errors: Counter,
    slow_peers: Counter,
    in_progress: Gauge,
}

/// The requests a label may name; anything else is `other`.
const REQUESTS: [&str; 2] = ["check", "unlock"];

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("pinprotect");
        let calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "calls",
            "Calls answered, by request and result",
            calls.clone(),
        );
        let duration = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        registry.register(
            "call_duration_seconds",
            "How long calls took, from their first byte to their end",
            duration.clone(),
        );
        let lockouts = Counter::default();
        registry.register(
            "lockouts",
            "7777 calls that ended locked out (too many wrong PINs)",
            lockouts.clone(),
        );
        let database_errors = Counter::default();
        registry.register(
            "database_errors",
            "Calls the database could not answer",
            database_errors.clone(),
        );
        let slow_peers = Counter::default();
        registry.register(
            "slow_peers_dropped",
            "Peers dropped before their environment block was whole",
            slow_peers.clone(),
        );
        let in_progress = Gauge::default();
        registry.register(
            "calls_in_progress",
            "Calls past their environment block and not yet ended",
            in_progress.clone(),
        );
        Metrics {
            registry,
            calls,
            duration,
            lockouts,
            database_errors,
            slow_peers,
            in_progress,
        }
    }
}

impl Metrics {
    /// Counts a call: its request, its result (`denied/locked` counts as
    /// `denied`), how long it took and whether the database failed it.
    pub fn call(&self, request: &str, result: &str, took: Duration, database_error: bool) {
        let request = if REQUESTS.contains(&request) {
            request
        } else {
            "other"
        };
        let result = result.split('/').next().unwrap_or(result);
        self.calls
            .get_or_create(&CallLabels {
                request: request.into(),
                result: result.into(),
            })
            .inc();
        self.duration.observe(took.as_secs_f64());
        if result == "locked_out" {
            self.lockouts.inc();
        }
        if database_error {
            self.database_errors.inc();
        }
    }

    /// Counts a peer dropped before its environment block was whole.
    pub fn slow_peer(&self) {
        self.slow_peers.inc();
    }

    /// The text `GET /metrics` answers with.
    fn encode(&self, in_progress: usize) -> String {
        self.in_progress.set(in_progress as i64);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String");
        text
    }
}

/// Whether the database answers a read within a second: `Err` with a
/// one-line reason when not. A connection of its own each time, so that a
/// file gone or damaged shows at once, whatever the pool holds.
fn health(db: &Location) -> std::result::Result<(), String> {
    let check = || -> Result<()> {
        let store = Store::open_with(db, Access::Read, Duration::from_secs(1))?;
        store.read().settings()?;
        Ok(())
    };
    check().map_err(|e: Error| crate::text::escaped(&e.to_string()).into_owned())
}

/// The HTTP endpoint: `GET /metrics` and `GET /healthz`, on a thread of
/// its own; stopped when dropped.
pub struct Endpoint {
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Endpoint {
    /// Listens on `addr` and answers there until dropped.
    pub fn start(
        addr: SocketAddr,
        metrics: Arc<Metrics>,
        in_progress: impl Fn() -> usize + Send + 'static,
        db: Location,
    ) -> Result<Endpoint> {
        let server = tiny_http::Server::http(addr).map_err(|e| {
            Error::invalid_with_hint(
                format!("cannot serve metrics on {addr}: {e}"),
                "choose another --metrics address or port, or stop what uses it",
            )
        })?;
        let server = Arc::new(server);
        let serving = Arc::clone(&server);
        let thread = std::thread::Builder::new()
            .name("metrics".into())
            .spawn(move || {
                for request in serving.incoming_requests() {
                    let (status, body, kind) = match (request.method(), request.url()) {
                        (tiny_http::Method::Get, "/metrics") => (
                            200,
                            metrics.encode(in_progress()),
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        ),
                        (tiny_http::Method::Get, "/healthz") => match health(&db) {
                            Ok(()) => (200, "ok\n".to_string(), "text/plain; charset=utf-8"),
                            Err(why) => (503, format!("{why}\n"), "text/plain; charset=utf-8"),
                        },
                        _ => (
                            404,
                            "GET /metrics or /healthz\n".to_string(),
                            "text/plain; charset=utf-8",
                        ),
                    };
                    let header = tiny_http::Header::from_bytes("Content-Type", kind)
                        .expect("a valid header");
                    let response = tiny_http::Response::from_string(body)
                        .with_status_code(status)
                        .with_header(header);
                    let _ = request.respond(response);
                }
            })
            .map_err(|e| Error::system("start the metrics thread", e))?;
        Ok(Endpoint {
            server,
            thread: Some(thread),
        })
    }

    /// Where it listens (with the port the system chose for port 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.server_addr().to_ip()
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// systemd's notifications: `READY=1` once the server listens, and a
/// watchdog ping at half the interval systemd asked for. Nothing when the
/// server was not started by systemd (no `NOTIFY_SOCKET`).
pub struct Notifier {
    watchdog: Option<Duration>,
    last: std::time::Instant,
}

impl Notifier {
    /// Says the server is ready.
    pub fn ready() -> Notifier {
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
        let mut usec = 0;
        let watchdog =
            sd_notify::watchdog_enabled(false, &mut usec).then(|| Duration::from_micros(usec / 2));
        Notifier {
            watchdog,
            last: std::time::Instant::now(),
        }
    }

    /// Pings the watchdog when it is due; called from the server's loop.
    pub fn tick(&mut self) {
        if let Some(every) = self.watchdog {
            if self.last.elapsed() >= every {
                let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
                self.last = std::time::Instant::now();
            }
        }
    }

    /// Says the server is stopping.
    pub fn stopping(&self) {
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    }
}
