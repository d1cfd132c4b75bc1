//! What monitoring sees of `serve`: `/metrics` counting the calls made,
//! `/healthz` following the database, systemd's READY=1 and watchdog, and
//! journald priorities on the lines that matter.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::Env;
use crate::test_agi::{Keys, Server, call_with_keys, pbx};

/// `GET path` over HTTP/1.0: the status code and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The port of the metrics endpoint, from the line serve says it on.
fn metrics_port(server: &Server) -> u16 {
    loop {
        let line = server.stderr.recv_timeout(Duration::from_secs(20)).unwrap();
        if let Some(rest) = line.split("metrics on http://127.0.0.1:").nth(1) {
            return rest.split('/').next().unwrap().parse().unwrap();
        }
    }
}

/// The value of the sample `name` (with its labels) in `text`.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .parse()
        .unwrap()
}

#[test]
fn metrics_count_the_calls_made_and_healthz_follows_the_database() {
    let env = pbx();
    let server = Server::start(&env, &["--metrics", "127.0.0.1:0"]);
    let port = metrics_port(&server);
    for _ in 0..3 {
        assert_eq!(
            server
                .call("check", &["202", "0049301234567"], &[])
                .var("PINPROTECT_RESULT"),
            "permitted"
        );
    }
    for _ in 0..2 {
        assert_eq!(
            server
                .call("check", &["201", "0049301234567"], &[])
                .var("PINPROTECT_RESULT"),
            "denied"
        );
    }
    assert_eq!(
        server
            .call("unlock", &["201"], &[Keys::Pin("4826")])
            .var("PINPROTECT_RESULT"),
        "granted"
    );
    server.call("nonsense", &[], &[]);
    let (status, text) = get(port, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        sample(
            &text,
            "pinprotect_calls_total{request=\"check\",result=\"permitted\"}"
        ),
        3.0
    );
    assert_eq!(
        sample(
            &text,
            "pinprotect_calls_total{request=\"check\",result=\"denied\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(
            &text,
            "pinprotect_calls_total{request=\"unlock\",result=\"granted\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &text,
            "pinprotect_calls_total{request=\"other\",result=\"error\"}"
        ),
        1.0
    );
    assert_eq!(sample(&text, "pinprotect_call_duration_seconds_count"), 7.0);
    assert_eq!(sample(&text, "pinprotect_calls_in_progress"), 0.0);
    assert_eq!(sample(&text, "pinprotect_database_errors_total"), 0.0);
    assert!(text.ends_with("# EOF\n"), "{text}");
    // Healthy; then the database is gone (503, one line why); then back.
    assert_eq!(get(port, "/healthz"), (200, "ok\n".into()));
    let away = env.path("away.sqlite3");
    // On PostgreSQL the tables move to another schema.
    const TABLES: [&str; 5] = [
        "pinprotect_schema",
        "extensions",
        "settings",
        "events",
        "events_prune",
    ];
    let move_tables = |to: &str| {
        let sql: Vec<String> = TABLES
            .iter()
            .map(|t| format!("ALTER TABLE {t} SET SCHEMA {to};"))
            .collect();
        env.sql(&sql.join(" "), None);
    };
    match &env.pg {
        Some(_) => {
            env.sql("CREATE SCHEMA away", None);
            move_tables("away");
        }
        None => std::fs::rename(&env.db, &away).unwrap(),
    }
    let (status, why) = get(port, "/healthz");
    assert_eq!(status, 503);
    assert_eq!(why.lines().count(), 1, "{why}");
    assert!(why.starts_with("no database at "), "{why}");
    // A call the database cannot answer is counted as such.
    assert_eq!(
        server
            .call("check", &["202", "0049301234567"], &[])
            .var("PINPROTECT_RESULT"),
        "error"
    );
    assert_eq!(
        sample(&get(port, "/metrics").1, "pinprotect_database_errors_total"),
        1.0
    );
    match &env.pg {
        Some(_) => {
            let back: Vec<String> = TABLES
                .iter()
                .map(|t| format!("ALTER TABLE away.{t} SET SCHEMA public;"))
                .collect();
            env.sql(&back.join(" "), None);
        }
        None => std::fs::rename(&away, &env.db).unwrap(),
    }
    assert_eq!(get(port, "/healthz").0, 200);
    assert_eq!(get(port, "/other").0, 404);
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

#[test]
fn serve_tells_systemd_it_is_ready_feeds_the_watchdog_and_says_it_stops() {
    use std::os::unix::net::UnixDatagram;
    let env = Env::new();
    let socket_path = env.path("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // As systemd starts it: WATCHDOG_PID is the server's own pid.
    let real = env.std_real_clock();
    let mut command = std::process::Command::new("sh");
    command
        .args(["-c", "WATCHDOG_PID=$$ exec \"$0\" \"$@\""])
        .arg(real.get_program())
        .args(real.get_args())
        .env_remove("PINPROTECT_NOW")
        .env_remove("PINPROTECT_DB")
        .env_remove("PINPROTECT_CONFIG")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000");
    let server = Server::spawn(command, &[]);
    let mut received = Vec::new();
    let mut buf = [0u8; 256];
    while !received.iter().any(|m: &String| m.contains("WATCHDOG=1")) {
        let n = socket.recv(&mut buf).unwrap();
        received.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert_eq!(received[0], "READY=1\n", "{received:?}");
    server.stop();
    loop {
        let n = socket.recv(&mut buf).unwrap();
        if String::from_utf8_lossy(&buf[..n]).contains("STOPPING=1") {
            break;
        }
    }
}

#[test]
fn lines_that_matter_carry_journald_priorities_when_stderr_is_the_journal() {
    use std::os::unix::fs::MetadataExt;
    let env = pbx();
    env.ok(["settings", "set", "lockout_attempts", "1"]);
    let (reader, writer) = std::io::pipe().unwrap();
    let meta = std::fs::metadata(format!("/proc/self/fd/{}", {
        use std::os::fd::AsRawFd;
        writer.as_raw_fd()
    }))
    .unwrap();
    let mut child = env
        .std_real_clock()
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(writer)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(reader).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("serve: listening on "), "{first}");
    let port: u16 = first
        .split("127.0.0.1:")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    call_with_keys(port, "check", &["202", "0049301234567"], &[]);
    call_with_keys(port, "unlock", &["201"], &[Keys::Pin("1111")]);
    call_with_keys(port, "nonsense", &[], &[]);
    let mut said = Vec::new();
    while said.len() < 4 {
        said.push(lines.next().unwrap().unwrap());
    }
    assert!(
        said[0].starts_with("serve: 127.0.0.1:") && said[0].contains("result=permitted"),
        "{said:?}"
    );
    assert!(
        said[1].starts_with("<4>serve: ") && said[1].contains("result=locked_out"),
        "{said:?}"
    );
    assert!(
        said[2].starts_with("<4>warning: agi: unknown request"),
        "{said:?}"
    );
    assert!(
        said[3].starts_with("<3>serve: ") && said[3].contains("result=error"),
        "{said:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
