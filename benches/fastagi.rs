//! A FastAGI load generator: a real client over TCP that speaks the
//! protocol the way Asterisk does (the environment block, then a reply to
//! every command), against `pinprotect serve`, and the same calls with
//! `pinprotect agi` started as a process per call. Prints a Markdown
//! section for BENCHMARKS.md. Timing is for benchmarks, never for tests:
//! every figure is compared with another measured in the same run.
//!
//!   cargo bench --bench fastagi -- --db FILE --bin PINPROTECT [--requests N]
//!       [--memory-requests N] [--extensions A,B] [--connections 1,16,64]
//!       [--serve-only] [--dynamic-bin FILE] [--out FILE]
//!
//! The database is bench/compare.sh's: extension 1000001 is not protected
//! (its calls are permitted), 1000003 is protected and locked (its calls
//! are denied and written to the audit log).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Args {
    db: PathBuf,
    bin: PathBuf,
    requests: usize,
    memory_requests: usize,
    out: Option<PathBuf>,
    /// Another build of pinprotect (the default, dynamically linked one)
    /// whose start-to-exit time is shown for comparison.
    dynamic_bin: Option<PathBuf>,
    /// Concurrencies to measure.
    connections: Vec<usize>,
    /// Only `serve`'s throughput at each concurrency (for profiling).
    serve_only: bool,
    /// The callers, in turn: by default one unprotected (permitted) and one
    /// locked (denied, so the call is written to the audit log).
    extensions: Vec<String>,
    /// A PostgreSQL copy of the database (`pinprotect migrate --to`), to
    /// measure beside the SQLite file.
    postgres: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        db: PathBuf::new(),
        bin: PathBuf::from(env!("CARGO_BIN_EXE_pinprotect")),
        requests: 4_000,
        memory_requests: 200_000,
        out: None,
        dynamic_bin: None,
        connections: vec![1, 16, 64],
        serve_only: false,
        extensions: vec!["1000001".into(), "1000003".into()],
        postgres: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--db" => a.db = it.next().expect("--db FILE").into(),
            "--bin" => a.bin = it.next().expect("--bin FILE").into(),
            "--requests" => a.requests = it.next().expect("N").parse().expect("a number"),
            "--memory-requests" => {
                a.memory_requests = it.next().expect("N").parse().expect("a number")
            }
            "--connections" => {
                a.connections = it
                    .next()
                    .expect("--connections 1,16,64")
                    .split(',')
                    .map(|c| c.parse().expect("a number"))
                    .collect()
            }
            "--serve-only" => a.serve_only = true,
            "--dynamic-bin" => a.dynamic_bin = Some(it.next().expect("--dynamic-bin FILE").into()),
            "--out" => a.out = Some(it.next().expect("--out FILE").into()),
            "--postgres" => a.postgres = Some(it.next().expect("--postgres URL").into()),
            "--extensions" => {
                a.extensions = it
                    .next()
                    .expect("--extensions A,B")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            // cargo bench passes --bench.
            _ => {}
        }
    }
    assert!(!a.db.as_os_str().is_empty(), "give --db FILE");
    a
}

/// The environment block Asterisk 22 sends for an outbound check.
fn environment(network: bool, ext: &str, number: &str) -> Vec<u8> {
    let mut s = String::new();
    if network {
        s.push_str("agi_network: yes\nagi_network_script: check\n");
        s.push_str("agi_request: agi://127.0.0.1:4573/check\n");
    } else {
        s.push_str("agi_request: pinprotect\n");
    }
    s.push_str(&format!(
        "agi_channel: PJSIP/{ext}-00000001\nagi_language: en\nagi_type: PJSIP\n\
         agi_uniqueid: 1795712110.5\nagi_version: 22.10.1\nagi_callerid: {ext}\n\
         agi_calleridname: Bench {ext}\nagi_callingpres: 0\nagi_callingani2: 0\n\
         agi_callington: 0\nagi_callingtns: 0\nagi_dnid: unknown\nagi_rdnis: unknown\n\
         agi_context: internal\nagi_extension: {number}\nagi_priority: 2\nagi_enhanced: 0.0\n\
         agi_accountcode: \nagi_threadid: 139700585486016\n"
    ));
    if !network {
        s.push_str("agi_arg_1: check\n");
    }
    s.push('\n');
    s.into_bytes()
}

/// Answers commands until the other side closes; returns PINPROTECT_RESULT.
fn converse(mut from: impl BufRead, mut to: impl Write) -> String {
    let mut result = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        match from.read_line(&mut line) {
            Ok(0) | Err(_) => return result,
            Ok(_) => {}
        }
        if let Some(v) = line.strip_prefix("SET VARIABLE PINPROTECT_RESULT ") {
            result = v.trim().trim_matches('"').to_string();
        }
        let reply: &[u8] = if line.starts_with("SET VARIABLE") {
            b"200 result=1\n"
        } else {
            b"200 result=0\n"
        };
        if to.write_all(reply).is_err() {
            return result;
        }
    }
}

fn fastagi_call(port: u16, ext: &str) -> String {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).ok();
    let mut w = stream.try_clone().unwrap();
    w.write_all(&environment(true, ext, "0049301234567"))
        .unwrap();
    converse(BufReader::new(stream), w)
}

fn agi_call(bin: &Path, db: &Path, ext: &str) -> String {
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["-q", "agi", "check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pinprotect agi");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&environment(false, ext, "0049301234567"))
        .unwrap();
    let result = converse(BufReader::new(child.stdout.take().unwrap()), stdin);
    child.wait().unwrap();
    result
}

/// Requests per second and the 50th and 99th percentile latency.
#[derive(Clone)]
struct Load {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

fn load(total: usize, concurrency: usize, call: impl Fn(usize) -> String + Sync) -> Load {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..concurrency)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return mine;
                        }
                        let t = Instant::now();
                        let result = call(i);
                        assert!(
                            result == "denied" || result == "permitted",
                            "request {i}: {result:?}"
                        );
                        mine.push(t.elapsed());
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let wall = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    Load {
        rps: total as f64 / wall.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// Stops the server as systemd would (SIGTERM), so that it closes its
/// connections and checkpoints the database before the next measurement.
fn stop(server: &mut Child) {
    // SAFETY: a signal to our own child.
    unsafe {
        libc::kill(server.id() as i32, libc::SIGTERM);
    }
    server.wait().ok();
}

/// User and system time of a process so far, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line: 12 and 13 here.
    field(11) + field(12)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn start_server(bin: &Path, db: &Path) -> (Child, u16) {
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0", "--max-calls", "1000"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pinprotect serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let port = first
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first}"));
    // Keep reading the per-call lines so that the pipe never fills.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while stderr.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            if sink.contains("warning") || sink.contains("error") {
                eprint!("server: {sink}");
            }
            sink.clear();
        }
    });
    (child, port)
}

/// The median wall time of `n` runs of a command, from start to exit.
/// The median time from start to exit of `check` on `db`, of 101 runs.
fn check_with_db(bin: &Path, db: &Path) -> Duration {
    median_run(101, || {
        Command::new(bin)
            .arg("--db")
            .arg(db)
            .args(["-q", "check", "1000001", "0049301234567"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
    })
}

fn median_run(n: usize, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let a = args();
    let exts = a.extensions.clone();
    let (mut server, port) = start_server(&a.bin, &a.db);
    if a.serve_only {
        for &c in &a.connections {
            let cpu_before = cpu_ticks(server.id());
            let serve = load(a.requests, c, |i| fastagi_call(port, &exts[i % exts.len()]));
            let cpu = cpu_ticks(server.id()) - cpu_before;
            println!(
                "serve, {c} connections: {:.0} req/s, p50 {}, p99 {}, server CPU {:.0} us per call",
                serve.rps,
                ms(serve.p50),
                ms(serve.p99),
                cpu as f64 * 1e6 / 100.0 / a.requests as f64
            );
        }
        stop(&mut server);
        return;
    }
    let mut out = String::new();
    out.push_str("## FastAGI and AGI\n\n");
    out.push_str(&format!(
        "`cargo bench --bench fastagi` against the same database: a client over TCP that sends\n\
         Asterisk 22's environment block for `check` and answers every command, against\n\
         `pinprotect serve`, and the same call with `pinprotect agi` started as a process per\n\
         call. {} requests at each concurrency for serve, a tenth of that for agi; the callers\n\
         alternate between extension {} (permitted) and {} (denied, so every other call is\n\
         written to the audit log).\n\n",
        a.requests,
        exts.first().map_or("", String::as_str),
        exts.get(1).map_or("", String::as_str)
    ));
    out.push_str("| connections | serve req/s | serve p50 | serve p99 | agi req/s | agi p50 | agi p99 | serve / agi |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    let mut ratio_64 = 0.0;
    let mut serve_64 = None;
    for &c in &a.connections {
        let serve = load(a.requests, c, |i| fastagi_call(port, &exts[i % exts.len()]));
        let agi = load((a.requests / 10).max(c), c, |i| {
            agi_call(&a.bin, &a.db, &exts[i % exts.len()])
        });
        let ratio = serve.rps / agi.rps;
        if c == 64 {
            ratio_64 = ratio;
            serve_64 = Some(serve.clone());
        }
        out.push_str(&format!(
            "| {c} | {:.0} | {} | {} | {:.0} | {} | {} | {:.1}x |\n",
            serve.rps,
            ms(serve.p50),
            ms(serve.p99),
            agi.rps,
            ms(agi.p50),
            ms(agi.p99),
            ratio
        ));
        eprintln!("fastagi: {c} connections done");
    }
    out.push_str(&format!(
        "\nTarget: serve at least 10x the throughput of agi at 64 connections: {:.1}x, {}.\n\n",
        ratio_64,
        if ratio_64 >= 10.0 { "met" } else { "not met" }
    ));

    // Memory: a fresh server, RSS after a twentieth of the requests and
    // after all.
    stop(&mut server);
    let (mut server, port) = start_server(&a.bin, &a.db);
    let first = (a.memory_requests / 20).max(1);
    load(first, 16, |i| fastagi_call(port, &exts[i % exts.len()]));
    let rss_first = rss_kib(server.id());
    load(a.memory_requests - first, 16, |i| {
        fastagi_call(port, &exts[i % exts.len()])
    });
    let rss_all = rss_kib(server.id());
    stop(&mut server);
    let growth = rss_all as f64 / rss_first.max(1) as f64;
    out.push_str(&format!(
        "Server memory (resident): {:.1} MiB after {} requests, {:.1} MiB after {} ({:+.0}%); \
         target flat within 10% and under 32 MiB: {}.\n\n",
        rss_first as f64 / 1024.0,
        first,
        rss_all as f64 / 1024.0,
        a.memory_requests,
        (growth - 1.0) * 100.0,
        if growth <= 1.10 && rss_all < 32 * 1024 {
            "met"
        } else {
            "not met"
        }
    ));

    // Start to exit: one call per process, against sqlite3 doing the same
    // two point lookups.
    let runs = 101;
    let check_with = |bin: &Path| check_with_db(bin, &a.db);
    let check = check_with(&a.bin);
    let agi = median_run(runs, || {
        agi_call(&a.bin, &a.db, "1000001");
    });
    let sql = "SELECT value FROM settings WHERE key = 'feature_code'; \
               SELECT pin_protect, granted_at, unlocked_until FROM extensions WHERE number = '1000001';";
    let sqlite = median_run(runs, || {
        Command::new("sqlite3")
            .arg(&a.db)
            .arg(sql)
            .stdout(Stdio::null())
            .status()
            .expect("sqlite3");
    });
    let r = |d: Duration| d.as_secs_f64() / sqlite.as_secs_f64();
    out.push_str("| start to exit (median of 101) | time | / sqlite3 | target |\n| --- | --- | --- | --- |\n");
    out.push_str(&format!(
        "| sqlite3, two point lookups | {} | 1.00x | |\n",
        ms(sqlite)
    ));
    out.push_str(&format!(
        "| pinprotect check | {} | {:.2}x | <= 1.0x: {} |\n",
        ms(check),
        r(check),
        if r(check) <= 1.0 { "met" } else { "not met" }
    ));
    out.push_str(&format!(
        "| pinprotect agi (check, with the AGI conversation) | {} | {:.2}x | <= 1.0x: {} |\n",
        ms(agi),
        r(agi),
        if r(agi) <= 1.0 { "met" } else { "not met" }
    ));
    if let Some(dynamic) = &a.dynamic_bin {
        let check = check_with(dynamic);
        out.push_str(&format!(
            "| pinprotect check, default (dynamically linked) build | {} | {:.2}x | for comparison |\n",
            ms(check),
            r(check)
        ));
    }
    if let (Some(url), Some(sqlite_64)) = (&a.postgres, serve_64) {
        let (mut server, port) = start_server(&a.bin, url);
        let pg = load(a.requests, 64, |i| {
            fastagi_call(port, &exts[i % exts.len()])
        });
        stop(&mut server);
        let pg_check = check_with_db(&a.bin, url);
        let ratio = pg.rps / sqlite_64.rps;
        out.push_str("\n## PostgreSQL beside SQLite\n\n");
        out.push_str(
            "The same database copied into PostgreSQL (`pinprotect migrate --to`, a private cluster\n\
             on this machine, over TCP on 127.0.0.1, without TLS), the same calls: serve at 64\n\
             connections, and `check` from start to exit (a new connection each time).\n\n",
        );
        out.push_str("| engine | serve req/s (64 connections) | serve p50 | serve p99 | check start to exit |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        out.push_str(&format!(
            "| SQLite | {:.0} | {} | {} | {} |\n",
            sqlite_64.rps,
            ms(sqlite_64.p50),
            ms(sqlite_64.p99),
            ms(check)
        ));
        out.push_str(&format!(
            "| PostgreSQL | {:.0} | {} | {} | {} |\n",
            pg.rps,
            ms(pg.p50),
            ms(pg.p99),
            ms(pg_check)
        ));
        out.push_str(&format!(
            "\nTarget: serve on PostgreSQL at least a third of serve on SQLite: {:.2}x, {}.\n",
            ratio,
            if ratio >= 1.0 / 3.0 { "met" } else { "not met" }
        ));
    }
    match a.out {
        Some(path) => std::fs::write(path, &out).unwrap(),
        None => print!("{out}"),
    }
}
