//! Asterisk asks at call time: `pinprotect agi` over standard input and
//! output, and `pinprotect serve` over TCP, driven by an Asterisk stand-in
//! that sends the environment blocks and reply forms of the transcripts of
//! a real Asterisk 22 (tests/fixtures/asterisk-agi).

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{Env, bin, json};

/// The environment block of a transcript, with `agi_arg_N` lines (and the
/// FastAGI script) replaced.
pub(crate) fn environment(
    transcript: &str,
    network_script: Option<&str>,
    args: &[&str],
) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/asterisk-agi/{transcript}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((_, bytes)) = line.split_once("AST->AGI b'") else {
            continue;
        };
        let value = bytes.trim_end_matches('\'').replace("\\n", "\n");
        if value == "\n" {
            break;
        }
        if value.starts_with("agi_arg_") {
            continue;
        }
        if let (Some(script), true) = (network_script, value.starts_with("agi_network_script:")) {
            out.extend_from_slice(format!("agi_network_script: {script}\n").as_bytes());
            continue;
        }
        out.extend_from_slice(value.as_bytes());
    }
    for (i, a) in args.iter().enumerate() {
        out.extend_from_slice(format!("agi_arg_{}: {a}\n", i + 1).as_bytes());
    }
    out.push(b'\n');
    out
}

/// What the caller does at each GET DATA.
#[derive(Clone, Debug)]
pub(crate) enum Keys {
    /// Digits ended by `#`: `200 result=DIGITS`.
    Pin(&'static str),
    /// Digits, then silence: `200 result=DIGITS (timeout)`.
    NoHash(&'static str),
    /// Silence: `200 result= (timeout)`.
    Silence,
    /// `#` alone: `200 result=`.
    HashOnly,
    /// Hangs up while the prompt plays or while typing.
    HangUp,
    /// Takes this many seconds, then digits ended by `#`.
    Late(u64, &'static str),
}

/// The sounds a stock Asterisk 22 has (its English core sounds, as in the
/// transcripts' README): a prompt outside this list does not exist, and
/// GET DATA or STREAM FILE of it answers `200 result=-1` on a channel that
/// stays up (transcripts i1-i4).
pub(crate) const CORE_SOUNDS: &[&str] = &[
    "agent-pass",
    "vm-password",
    "conf-getpin",
    "beep",
    "auth-thankyou",
    "activated",
    "enabled",
    "vm-goodbye",
    "goodbye",
    "auth-incorrect",
    "vm-invalidpassword",
    "vm-incorrect",
    "conf-invalidpin",
    "cannot-complete-as-dialed",
    "feature-not-avail-line",
    "im-sorry",
    "beeperr",
];

/// The sound a STREAM FILE or GET DATA command plays.
fn sound_of(command: &str) -> &str {
    command.split_whitespace().nth(2).unwrap_or("")
}

/// The stand-in's side of one call: what it answered, what it saw.
#[derive(Default, Debug)]
pub(crate) struct Call {
    pub(crate) commands: Vec<String>,
    pub(crate) variables: HashMap<String, String>,
    /// Everything pinprotect sent, as bytes.
    sent: Vec<u8>,
}

impl Call {
    pub(crate) fn var(&self, name: &str) -> &str {
        self.variables
            .get(name)
            .map(String::as_str)
            .unwrap_or("<unset>")
    }
}

/// Plays Asterisk: reads a command, answers it as Asterisk 22 does.
/// `network` answers a hangup the FastAGI way (an inline `HANGUP` line).
pub(crate) fn converse(
    mut from: impl BufRead,
    mut to: impl Write,
    mut keys: VecDeque<Keys>,
    network: bool,
    mut on_hangup: impl FnMut(),
) -> Call {
    let mut call = Call::default();
    let mut dead = false;
    // Before ANSWER a channel is ringing (CHANNEL STATUS 4), after it up (6).
    let mut answered = false;
    let mut line = String::new();
    loop {
        line.clear();
        match from.read_line(&mut line) {
            Ok(0) | Err(_) => return call,
            Ok(_) => {}
        }
        call.sent.extend_from_slice(line.as_bytes());
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        call.commands.push(command.clone());
        let mut replies: Vec<String> = Vec::new();
        if upper.starts_with("SET VARIABLE ") {
            let rest = &command["SET VARIABLE ".len()..];
            let (name, value) = rest.split_once(' ').unwrap();
            let value = value.trim_matches('"').to_string();
            call.variables.insert(name.to_string(), value);
            replies.push("200 result=1".into());
        } else if dead {
            replies.push("511 Command Not Permitted on a dead channel or intercept routine".into());
        } else if upper == "ANSWER" {
            answered = true;
            replies.push("200 result=0".into());
        } else if upper == "CHANNEL STATUS" {
            replies.push(format!("200 result={}", if answered { 6 } else { 4 }));
        } else if upper.starts_with("STREAM FILE ") {
            if CORE_SOUNDS.contains(&sound_of(&command)) {
                replies.push("200 result=0 endpos=7680".into());
            } else {
                replies.push("200 result=-1 endpos=0".into());
            }
        } else if upper.starts_with("GET DATA ") && !CORE_SOUNDS.contains(&sound_of(&command)) {
            replies.push("200 result=-1".into());
        } else if upper.starts_with("GET DATA ") {
            match keys.pop_front().unwrap_or(Keys::Silence) {
                Keys::Late(secs, d) => {
                    std::thread::sleep(Duration::from_secs(secs));
                    replies.push(format!("200 result={d}"));
                }
                Keys::Pin(d) => replies.push(format!("200 result={d}")),
                Keys::NoHash(d) => replies.push(format!("200 result={d} (timeout)")),
                Keys::Silence => replies.push("200 result= (timeout)".into()),
                Keys::HashOnly => replies.push("200 result=".into()),
                Keys::HangUp => {
                    replies.push("200 result=-1".into());
                    dead = true;
                }
            }
        } else if upper == "HANGUP" {
            replies.push("200 result=1".into());
            dead = true;
        } else {
            replies.push("510 Invalid or unknown command".into());
        }
        for (i, r) in replies.iter().enumerate() {
            // FastAGI: the HANGUP event may come before the next reply.
            if network && dead && i == 0 && !r.starts_with("200 result=-1") && upper != "HANGUP" {
                let _ = to.write_all(b"HANGUP\n");
            }
            if to.write_all(format!("{r}\n").as_bytes()).is_err() {
                return call;
            }
        }
        let _ = to.flush();
        if dead && r_is_hangup(&upper, &replies) {
            on_hangup();
        }
    }
}

fn r_is_hangup(upper: &str, replies: &[String]) -> bool {
    upper.starts_with("GET DATA") && replies.first().is_some_and(|r| r == "200 result=-1")
}

/// One call to `pinprotect agi` as Asterisk runs it.
/// A local AGI call as `AGI(pinprotect,--db,DB,agi,ARGS...)` makes it:
/// Asterisk passes the arguments on the command line and again as
/// `agi_arg_N`. Live calls run on the system clock.
fn agi_call(env: &Env, transcript: &str, args: &[&str], keys: &[Keys]) -> (Call, String, i32) {
    let db = env.db.to_str().unwrap();
    let mut dialplan = vec!["--db", db, "agi"];
    dialplan.extend_from_slice(args);
    asterisk_runs(transcript, &dialplan, keys)
}

/// Starts the program as Asterisk's `AGI(pinprotect,ARGS...)` does: ARGS
/// on the command line and as `agi_arg_N` in the environment block.
fn asterisk_runs(transcript: &str, args: &[&str], keys: &[Keys]) -> (Call, String, i32) {
    asterisk_runs_with(transcript, args, keys, &[])
}

/// [`asterisk_runs`] with `vars` in the program's environment.
pub(crate) fn asterisk_runs_with(
    transcript: &str,
    args: &[&str],
    keys: &[Keys],
    vars: &[(&str, &str)],
) -> (Call, String, i32) {
    let mut command = Command::new(bin());
    command
        .env_remove("PINPROTECT_NOW")
        .env_remove("PINPROTECT_DB")
        .envs(vars.iter().copied())
        .args(args);
    let (call, out) = run_local_agi(
        command,
        &environment(transcript, None, args),
        keys.iter().cloned().collect(),
    );
    (
        call,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// Runs `command` as Asterisk runs a local AGI program: the environment
/// `block` on its standard input, then the conversation, with SIGHUP when
/// the caller hangs up. What it said, and how it ended.
pub(crate) fn run_local_agi(
    mut command: Command,
    block: &[u8],
    keys: VecDeque<Keys>,
) -> (Call, std::process::Output) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(block).unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let pid = child.id() as i32;
    let call = converse(stdout, stdin, keys, false, || {
        // Asterisk signals a local AGI program when the caller hangs up.
        // SAFETY: a signal to our own child.
        unsafe {
            libc::kill(pid, libc::SIGHUP);
        }
    });
    (call, child.wait_with_output().unwrap())
}

/// A running `pinprotect serve` on a free port.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) stderr: std::sync::mpsc::Receiver<String>,
    /// What it said before it listened.
    early: Vec<String>,
}

impl Server {
    pub(crate) fn start(env: &Env, extra: &[&str]) -> Server {
        Server::spawn(env.std_real_clock(), extra)
    }

    /// `command` (its global options), then `serve` on a free port with
    /// `extra` options.
    pub(crate) fn spawn(mut command: Command, extra: &[&str]) -> Server {
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Warnings may come first.
        let mut early = Vec::new();
        let first = loop {
            let line = rx.recv_timeout(Duration::from_secs(20)).unwrap();
            if line.contains("listening on ") {
                break line;
            }
            early.push(line);
        };
        let addr = first
            .split("listening on ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or_else(|| panic!("{first}"));
        let port = addr.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            port,
            stderr: rx,
            early,
        }
    }

    pub(crate) fn call(&self, script: &str, args: &[&str], keys: &[Keys]) -> Call {
        call_with_keys(self.port, script, args, keys)
    }

    pub(crate) fn stop(mut self) -> (i32, Vec<String>) {
        // SAFETY: a signal to our own child.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let status = self.child.wait().unwrap();
        let mut lines = std::mem::take(&mut self.early);
        // Everything it wrote: the reader thread forwards the last lines
        // after the exit, until it meets the end of the pipe.
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_secs(5)) {
            lines.push(line);
        }
        (status.code().unwrap_or(-1), lines)
    }
}

/// A server a failed test leaves behind is stopped all the same.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One FastAGI call to the server on `port`: the environment block of
/// transcript e1 with `script` and `args`, then the stand-in answers.
pub(crate) fn call_with_keys(port: u16, script: &str, args: &[&str], keys: &[Keys]) -> Call {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut w = stream.try_clone().unwrap();
    w.write_all(&environment(
        "e1-outbound-fast-deny.fastagi.log",
        Some(script),
        args,
    ))
    .unwrap();
    converse(
        BufReader::new(stream.try_clone().unwrap()),
        w,
        keys.iter().cloned().collect(),
        true,
        || {},
    )
}

/// A FastAGI check or unlock on `port` where the caller presses nothing.
pub(crate) fn call_port(port: u16, script: &str, args: &[&str]) -> Call {
    call_with_keys(port, script, args, &[])
}

/// The system clock in seconds.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Asserts that the RFC 3339 time `t` lies in `[from, to]` (Unix seconds).
pub(crate) fn assert_within(t: &str, from: i64, to: i64) {
    let at = chrono::DateTime::parse_from_rfc3339(t)
        .unwrap_or_else(|e| panic!("{t:?}: {e}"))
        .timestamp();
    assert!((from..=to).contains(&at), "{t} not within {from}..={to}");
}

/// The RFC 3339 time `secs` seconds after `t`.
pub(crate) fn shifted(t: &str, secs: i64) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(t).unwrap() + chrono::Duration::seconds(secs);
    at.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Enters `pin` after the feature code on the system clock.
fn dial_now(env: &Env, ext: &str, pin: &str) -> assert_cmd::assert::Assert {
    env.real_clock()
        .args(["dial", ext, "7777"])
        .write_stdin(format!("{pin}\n"))
        .assert()
}

/// An extension 201 with PIN 4826, pin protected for 60 s, and 202 not
/// protected.
pub(crate) fn pbx() -> Env {
    let env = Env::new();
    env.add_protected("201", "4826", "60");
    env.add("202", "5937");
    env
}

pub(crate) fn check_vars(call: &Call) -> (String, String, String) {
    (
        call.var("PINPROTECT_RESULT").into(),
        call.var("PINPROTECT_REASON").into(),
        call.var("PINPROTECT_UNTIL").into(),
    )
}

#[test]
fn agi_check_sets_the_variables_and_plays_nothing() {
    let env = pbx();
    let t = "a1-outbound-local-deny.agi.log";
    let (call, stderr, code) = agi_call(&env, t, &["check", "201", "0049301234567"], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        check_vars(&call),
        ("denied".into(), "locked".into(), String::new())
    );
    assert!(
        call.commands.iter().all(|c| c.starts_with("SET VARIABLE")),
        "{:?}",
        call.commands
    );
    assert!(
        stderr.contains("agi: check extension=201 number=0049301234567 result=denied/locked"),
        "{stderr}"
    );
    // The denied call is in the audit log, with caller, number and reason.
    let log = json(&env.stdout(&["log", "--format", "json"]));
    let denied = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "call_denied")
        .unwrap();
    assert_eq!(denied["extension"], "201");
    assert_eq!(denied["detail"], "201 -> 0049301234567: locked");

    // EXT and NUMBER default to the caller ID and the dialed extension.
    let (call, _, _) = agi_call(&env, t, &["check"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "denied");
    let (call, _, _) = agi_call(&env, t, &["check", "202", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        ("permitted".into(), "not_protected".into(), String::new())
    );
    let (call, _, _) = agi_call(&env, t, &["check", "555", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        ("denied".into(), "unknown_extension".into(), String::new())
    );
    let (call, _, _) = agi_call(&env, t, &["check", "anonymous", "112"], &[]);
    assert_eq!(call.var("PINPROTECT_REASON"), "emergency");
    let (call, _, _) = agi_call(&env, t, &["check", "201", "s"], &[]);
    assert_eq!(
        check_vars(&call),
        ("error".into(), "error".into(), String::new())
    );
}

#[test]
fn agi_check_permits_an_emergency_number_on_a_broken_database() {
    let mut env = Env::empty();
    match env.pg {
        // A server that is not there.
        Some(_) => env.db = "postgres://postgres@127.0.0.1:9/pinprotect?sslmode=disable".into(),
        None => std::fs::write(&env.db, b"not a database at all, just text\n".repeat(10)).unwrap(),
    }
    let t = "a1-outbound-local-deny.agi.log";
    let (call, stderr, _) = agi_call(&env, t, &["check", "201", "911"], &[]);
    assert_eq!(
        check_vars(&call),
        ("permitted".into(), "emergency".into(), String::new())
    );
    assert!(
        stderr.contains("911 is a built-in emergency number"),
        "{stderr}"
    );
    let (call, _, _) = agi_call(&env, t, &["check", "201", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error");
}

#[test]
fn agi_unlock_with_the_right_pin_opens_the_window_for_the_command_line() {
    let env = pbx();
    let t = "b1-pin-local-correct.agi.log";
    let before = unix_now();
    let (call, stderr, code) = agi_call(&env, t, &["unlock", "201"], &[Keys::Pin("4826")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    // The window starts when the PIN is entered, on the system clock.
    let until = call.var("PINPROTECT_UNTIL").to_string();
    assert_within(&until, before + 60, unix_now() + 60);
    assert_eq!(
        call.commands,
        [
            "ANSWER",
            "GET DATA agent-pass 10000 10",
            "SET VARIABLE PINPROTECT_RESULT \"granted\"",
            &format!("SET VARIABLE PINPROTECT_UNTIL \"{until}\""),
            "STREAM FILE auth-thankyou \"\"",
            "HANGUP",
        ]
    );
    env.real_clock()
        .args(["check", "201", "0049301234567"])
        .assert()
        .code(0);
    env.at(&shifted(&until, -1))
        .args(["check", "201", "0049301234567"])
        .assert()
        .code(0);
    env.at(&until)
        .args(["check", "201", "0049301234567"])
        .assert()
        .code(1);
    // A PIN without `#` (ended by the timeout) counts as entered.
    let (call, _, _) = agi_call(&env, t, &["unlock", "201"], &[Keys::NoHash("4826")]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
}

#[test]
fn agi_unlock_wrong_pins_timeouts_and_keys_that_are_not_a_pin() {
    let env = pbx();
    let t = "b2-pin-local-wrong.agi.log";
    // A wrong PIN, then the right one, in the same call.
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Pin("1111"), Keys::Pin("4826")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    assert!(
        call.commands
            .contains(&"STREAM FILE auth-incorrect \"\"".to_string())
    );
    env.ok(["revoke", "201"]);

    // Three wrong PINs: the call ends, two lockout attempts remain.
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Pin("1111"), Keys::Pin("2222"), Keys::Pin("3333")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "wrong_pin");
    assert_eq!(call.commands.last().unwrap(), "HANGUP");
    assert_eq!(
        call.commands
            .iter()
            .filter(|c| c.starts_with("GET DATA"))
            .count(),
        3
    );
    let status = json(&env.stdout(&["status", "201", "--format", "json"]));
    assert_eq!(status[0]["state"], "locked");

    // Silence, a bare #, `*`: none is a wrong PIN.
    for (keys, want) in [
        (vec![Keys::Silence], "timeout"),
        (vec![Keys::HashOnly], "timeout"),
    ] {
        let (call, _, _) = agi_call(&env, t, &["unlock", "201"], &keys);
        assert_eq!(call.var("PINPROTECT_RESULT"), want);
    }
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::NoHash("*"), Keys::Pin("*4826"), Keys::Pin("4826")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    let log = json(&env.stdout(&["log", "201", "--format", "json"]));
    let wrong = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "wrong_pin")
        .count();
    assert_eq!(wrong, 4, "1111, then 1111 2222 3333; never * or silence");

    // Unknown and unprotected extensions.
    let (call, _, _) = agi_call(&env, t, &["unlock", "555"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "unknown_extension");
    let (call, _, _) = agi_call(&env, t, &["unlock", "202"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "not_protected");
    assert!(!call.commands.iter().any(|c| c.starts_with("GET DATA")));
}

#[test]
fn agi_unlock_shares_the_lockout_with_dial() {
    let env = pbx();
    env.ok(["settings", "set", "lockout_attempts", "3"]);
    dial_now(&env, "201", "1111").code(1);
    let t = "b2-pin-local-wrong.agi.log";
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Pin("2222"), Keys::Pin("3333"), Keys::Pin("4826")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "locked_out");
    assert!(
        call.commands
            .contains(&"STREAM FILE cannot-complete-as-dialed \"\"".to_string())
    );
    // Locked out for dial too, even with the right PIN; and agi refuses
    // before asking.
    dial_now(&env, "201", "4826").code(1);
    let (call, _, _) = agi_call(&env, t, &["unlock", "201"], &[Keys::Pin("4826")]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "locked_out");
    assert!(!call.commands.iter().any(|c| c.starts_with("GET DATA")));
}

#[test]
fn agi_caller_hanging_up_during_the_prompt_or_digits() {
    let env = pbx();
    for t in [
        "d1-hangup-during-prompt-local.agi.log",
        "d2-hangup-during-digits-local.agi.log",
    ] {
        let (call, stderr, code) = agi_call(&env, t, &["unlock", "201"], &[Keys::HangUp]);
        assert_eq!(code, 0);
        assert_eq!(call.var("PINPROTECT_RESULT"), "hangup", "{t}: {stderr}");
        // After the -1, CHANNEL STATUS (a hangup or a missing sound?), then
        // nothing but SET VARIABLE.
        let after: Vec<&String> = call
            .commands
            .iter()
            .skip_while(|c| !c.starts_with("GET DATA"))
            .skip(1)
            .collect();
        // (A SIGHUP that arrives first makes the question needless.)
        let after = match after.first() {
            Some(c) if *c == "CHANNEL STATUS" => &after[1..],
            _ => &after[..],
        };
        assert!(
            after.iter().all(|c| c.starts_with("SET VARIABLE")),
            "{after:?}"
        );
        assert!(stderr.contains("result=hangup"), "{stderr}");
    }
}

#[test]
fn agi_peer_that_sends_garbage_or_nothing() {
    let env = pbx();
    for input in [&b"HELLO WORLD\n\n"[..], b"", b"agi_request: x\n"] {
        let out = env
            .std_real_clock()
            .arg("agi")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().unwrap().write_all(input)?;
                c.wait_with_output()
            })
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_pin_entered_over_agi_appears_nowhere_pinprotect_writes() {
    let env = Env::new();
    env.add_protected("201", "9081726354", "60");
    let t = "b1-pin-local-correct.agi.log";
    let (wrong, stderr_wrong, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Pin("8172635409"), Keys::HangUp],
    );
    let (right, stderr_right, _) =
        agi_call(&env, t, &["unlock", "201"], &[Keys::Pin("9081726354")]);
    assert_eq!(right.var("PINPROTECT_RESULT"), "granted");
    for pin in ["9081726354", "8172635409"] {
        for (what, bytes) in [
            ("commands", &wrong.sent),
            ("commands", &right.sent),
            ("stderr", &stderr_wrong.clone().into_bytes()),
            ("stderr", &stderr_right.clone().into_bytes()),
        ] {
            assert!(
                !String::from_utf8_lossy(bytes).contains(pin),
                "{pin} in {what}"
            );
        }
        for call in [&wrong, &right] {
            assert!(call.variables.values().all(|v| !v.contains(pin)));
        }
        let log = env.stdout(&["log", "--format", "json"]);
        assert!(!log.contains(pin));
        let details = env.query_texts("SELECT \"user\" || kind || detail FROM events");
        assert!(!details.is_empty());
        assert!(details.iter().all(|d| !d.contains(pin)));
    }
}

#[test]
fn serve_answers_check_and_unlock_over_tcp() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    let call = server.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        ("denied".into(), "locked".into(), String::new())
    );
    let before = unix_now();
    let call = server.call("unlock", &["201"], &[Keys::Pin("1111"), Keys::Pin("4826")]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    let until = call.var("PINPROTECT_UNTIL").to_string();
    assert_within(&until, before + 60, unix_now() + 60);
    let call = server.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        ("permitted".into(), "unlocked".into(), until)
    );
    // The request may also be the first argument, with an empty path.
    let call = server.call("", &["check", "202", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_REASON"), "not_protected");
    // A hangup arrives as a HANGUP line.
    let call = server.call("unlock", &["201"], &[Keys::HangUp]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "hangup");
    // A peer that says nothing is dropped; one that sends garbage too.
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 16];
    let n = std::io::Read::read(&mut silent, &mut buf).unwrap_or(0);
    assert_eq!(n, 0, "a silent peer is closed");
    let mut garbage = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    garbage
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    garbage
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut garbage, &mut rest);
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    // Still serving.
    let call = server.call("check", &["201", "112"], &[]);
    assert_eq!(call.var("PINPROTECT_REASON"), "emergency");
    let (code, lines) = server.stop();
    assert_eq!(code, 0);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("check extension=201 number=0049301234567 result=denied/locked")),
        "{lines:?}"
    );
    // No PIN in any line (ports and times in ms left aside: they are
    // numbers of their own that may hold the same digits).
    let words = |l: &str| -> Vec<String> {
        l.split(' ')
            .filter(|w| {
                let ms = w
                    .strip_suffix("ms")
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
                !ms && !w.contains("127.0.0.1:")
            })
            .map(String::from)
            .collect()
    };
    assert!(
        lines
            .iter()
            .flat_map(|l| words(l))
            .all(|w| !w.contains("4826") && !w.contains("1111")),
        "{lines:?}"
    );
}

#[test]
fn serve_answers_while_many_peers_say_nothing() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    // More silent peers than the server keeps threads waiting for calls:
    // each holds a thread until the 5 s limit for a silent peer.
    let opened = std::time::Instant::now();
    let silent: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let call = server.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "denied");
    // Answered while every silent peer was still connected, not after the
    // server dropped them.
    assert!(opened.elapsed() < Duration::from_secs(5));
    for mut peer in silent {
        peer.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut buf = [0u8; 16];
        let n = std::io::Read::read(&mut peer, &mut buf).unwrap_or(0);
        assert_eq!(n, 0, "a silent peer is closed");
    }
    let call = server.call("check", &["202", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "permitted");
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

#[test]
fn serve_refuses_peers_outside_allow() {
    let env = pbx();
    let server = Server::start(&env, &["--allow", "192.0.2.0/24"]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = Vec::new();
    let _ = std::io::Read::read_to_end(&mut s, &mut buf);
    assert!(buf.is_empty());
    let (code, lines) = server.stop();
    assert_eq!(code, 0);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("refused: not in --allow (1 refused so far)")),
        "{lines:?}"
    );
}

#[test]
fn serve_takes_200_calls_at_once_and_finishes_them_on_sigterm() {
    let env = Env::new();
    for i in 0..20 {
        env.add_protected(&format!("3{i:02}"), &format!("48{i:02}"), "60");
    }
    // Extension 399: wrong PINs from many calls at once, counted exactly.
    env.add_protected("399", "5937", "60");
    env.ok(["settings", "set", "lockout_attempts", "100"]);
    let server = Server::start(&env, &[]);
    let port = server.port;
    let handles: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let ext = format!("3{:02}", i % 20);
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(60)))
                    .unwrap();
                let mut w = stream.try_clone().unwrap();
                let (script, args, keys): (&str, Vec<String>, Vec<Keys>) = match i % 4 {
                    0 => (
                        "unlock",
                        vec![ext.clone()],
                        vec![Keys::Pin(Box::leak(
                            format!("48{:02}", i % 20).into_boxed_str(),
                        ))],
                    ),
                    1 => ("unlock", vec!["399".into()], vec![Keys::Pin("1111")]),
                    _ => ("check", vec![ext.clone(), "0049301234567".into()], vec![]),
                };
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                w.write_all(&environment(
                    "e1-outbound-fast-deny.fastagi.log",
                    Some(script),
                    &args,
                ))
                .unwrap();
                let call = converse(
                    BufReader::new(stream.try_clone().unwrap()),
                    w,
                    keys.into_iter().collect(),
                    true,
                    || {},
                );
                (i, call.var("PINPROTECT_RESULT").to_string())
            })
        })
        .collect();
    let mut denied = 0;
    for h in handles {
        let (i, result) = h.join().unwrap();
        denied += usize::from(result == "denied");
        let ok = match i % 4 {
            0 => result == "granted",
            // One wrong PIN, then silence at the second prompt.
            1 => result == "timeout",
            _ => result == "permitted" || result == "denied",
        };
        assert!(ok, "call {i}: {result}");
    }
    // Exactly one wrong PIN per call on 399: 50 calls.
    let status = json(&env.stdout(&["log", "399", "--format", "json"]));
    let wrong = status
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "wrong_pin")
        .count();
    assert_eq!(wrong, 50);
    // Every denied call is in the log, once: the server writes the events
    // of calls denied at the same moment together, and counts those of
    // one extension within a minute into one event.
    let all = json(&env.stdout(&["log", "--format", "json"]));
    let logged: u64 = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "call_denied")
        .map(|e| e["count"].as_u64().unwrap())
        .sum();
    assert_eq!(logged, denied as u64);

    // SIGTERM while a call waits at its PIN prompt: the call finishes.
    let slow = {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut w = stream.try_clone().unwrap();
        w.write_all(&environment(
            "e2-pin-fast-correct.fastagi.log",
            Some("unlock"),
            &["300"],
        ))
        .unwrap();
        let mut r = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(line, "ANSWER\n");
        (w, r)
    };
    // SAFETY: a signal to our own child.
    unsafe {
        libc::kill(server.child.id() as i32, libc::SIGTERM);
    }
    std::thread::sleep(Duration::from_millis(300));
    // New calls are no longer taken.
    let refused = TcpStream::connect(("127.0.0.1", port));
    if let Ok(mut s) = refused {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(&environment(
            "e1-outbound-fast-deny.fastagi.log",
            Some("check"),
            &["300", "1"],
        ));
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut s, &mut buf);
        assert!(buf.is_empty(), "a call after SIGTERM was answered");
    }
    let (mut w, r) = slow;
    w.write_all(b"200 result=0\n").unwrap();
    let call = converse(r, w, [Keys::Pin("4800")].into_iter().collect(), true, || {});
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    let (code, lines) = server.stop();
    assert_eq!(code, 0);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("stopping: 1 calls in progress")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l == "serve: stopped"), "{lines:?}");
}

#[test]
fn serve_picks_up_a_database_restored_from_a_backup() {
    crate::sqlite_only!();
    let env = pbx();
    let backup = env.path("backup.sqlite3");
    // The backup: 201 not protected.
    env.ok(["disable", "201"]);
    env.cmd().arg("init").assert().success();
    std::fs::copy(&env.db, &backup).unwrap();
    env.ok(["enable", "201", "--duration", "60"]);
    let server = Server::start(&env, &[]);
    for _ in 0..3 {
        let call = server.call("check", &["201", "0049301234567"], &[]);
        assert_eq!(call.var("PINPROTECT_REASON"), "locked");
    }
    // Restored the way admins do it: a new file renamed over the old one.
    let _ = std::fs::remove_file(format!("{}-wal", env.db.display()));
    let _ = std::fs::remove_file(format!("{}-shm", env.db.display()));
    std::fs::rename(&backup, &env.db).unwrap();
    let call = server.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_REASON"), "not_protected");
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

/// Every `AGI(...)` of the docs whose arguments name dialplan variables:
/// the snippets an admin copies.
fn documented_agi_lines() -> Vec<Vec<String>> {
    let readme: String = crate::docs::ALL.map(crate::docs::text).concat();
    let mut found = Vec::new();
    let mut rest = readme.as_str();
    while let Some(at) = rest.find("AGI(") {
        let inner = &rest[at + 4..];
        let mut depth = 1;
        let end = inner
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map(|(i, _)| i)
            .unwrap();
        let args = &inner[..end];
        if args.contains("${") {
            found.push(args.split(',').map(String::from).collect());
        }
        rest = &inner[end..];
    }
    found
}

#[test]
fn the_documented_dialplans_work_as_written() {
    let env = pbx();
    let db = env.db.to_str().unwrap().to_owned();
    // The server as the documented unit runs it: the real clock.
    let server = Server::spawn(
        {
            let mut c = Command::new(bin());
            c.env_remove("PINPROTECT_NOW").arg("--db").arg(&db);
            c
        },
        &[],
    );
    let lines = documented_agi_lines();
    let local = lines
        .iter()
        .filter(|a| a[0].ends_with("pinprotect"))
        .count();
    let network = lines.iter().filter(|a| a[0].starts_with("agi://")).count();
    assert!(local >= 2 && network >= 3, "{lines:?}");
    // Extension 201 is protected and locked; its PIN is 4826.
    let run = |args: &[String]| -> (String, Call) {
        // As Asterisk expands them for extension 201 dialing out.
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("${CHANNEL(endpoint)}", "201")
                    .replace("${AMPUSER}", "201")
                    .replace("${EXTEN}", "0049301234567")
                    .replace("${OUTNUM}", "0049301234567")
                    .replace("/var/lib/pinprotect/pbx.sqlite3", &db)
            })
            .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Some(url) = args[0].strip_prefix("agi://") {
            let (host, script) = url.split_once('/').unwrap();
            assert_eq!(host, "127.0.0.1", "the default port");
            let keys: &[Keys] = if script == "unlock" {
                &[Keys::Pin("4826")]
            } else {
                &[]
            };
            (script.to_owned(), server.call(script, &refs[1..], keys))
        } else {
            assert!(args[0].ends_with("pinprotect"), "{args:?}");
            let request = args
                .iter()
                .skip_while(|a| *a != "agi")
                .nth(1)
                .unwrap()
                .clone();
            let keys: &[Keys] = if request == "unlock" {
                &[Keys::Pin("4826")]
            } else {
                &[]
            };
            let (call, stderr, code) =
                asterisk_runs("a1-outbound-local-deny.agi.log", &refs[1..], keys);
            assert_eq!(code, 0, "{stderr}");
            (request, call)
        }
    };
    let request_of = |args: &[String]| -> String {
        match args[0].strip_prefix("agi://") {
            Some(url) => url.split_once('/').unwrap().1.to_owned(),
            None => args
                .iter()
                .skip_while(|a| *a != "agi")
                .nth(1)
                .unwrap()
                .clone(),
        }
    };
    let (checks, unlocks): (Vec<_>, Vec<_>) = lines.iter().partition(|a| request_of(a) == "check");
    assert!(
        unlocks.iter().all(|a| request_of(a) == "unlock"),
        "{unlocks:?}"
    );
    // Locked: every check line refuses the call.
    for args in &checks {
        assert_eq!(run(args).1.var("PINPROTECT_RESULT"), "denied", "{args:?}");
    }
    // Each 7777 line opens the window, for every check line.
    for unlock in &unlocks {
        assert_eq!(
            run(unlock).1.var("PINPROTECT_RESULT"),
            "granted",
            "{unlock:?}"
        );
        for args in &checks {
            assert_eq!(
                run(args).1.var("PINPROTECT_RESULT"),
                "permitted",
                "{args:?}"
            );
        }
        let revoked = Command::new(bin())
            .env_remove("PINPROTECT_NOW")
            .args(["--db", &db, "-q", "revoke", "201"])
            .status()
            .unwrap();
        assert!(revoked.success());
    }
    server.stop();
}

/// The events of kind `kind`, as JSON.
fn logged(env: &Env, kind: &str) -> Vec<serde_json::Value> {
    json(&env.stdout(&["log", "--event", kind, "--format", "json"]))
        .as_array()
        .unwrap()
        .clone()
}

fn unix(t: &serde_json::Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t.as_str().unwrap())
        .unwrap()
        .timestamp()
}

#[test]
fn each_pin_is_decided_and_logged_when_it_arrives_not_when_the_call_began() {
    let env = pbx();
    env.add_protected("203", "7395", "60");
    env.ok(["settings", "set", "lockout_attempts", "2"]);
    let t = "b1-pin-local-correct.agi.log";
    // 203: a wrong PIN 1 s into the call, the right one 1 s later.
    let start = unix_now();
    let (call, stderr, _) = agi_call(
        &env,
        t,
        &["unlock", "203"],
        &[Keys::Late(1, "1111"), Keys::Late(1, "7395")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted", "{stderr}");
    let until = unix(&serde_json::Value::String(
        call.var("PINPROTECT_UNTIL").into(),
    ));
    assert!(
        until >= start + 2 + 60,
        "the grant runs 60 s from the entry"
    );
    let wrong = logged(&env, "wrong_pin");
    assert!(unix(&wrong[0]["time"]) > start, "{wrong:?}");
    let grant = logged(&env, "grant");
    assert!(unix(&grant[0]["time"]) >= start + 2, "{grant:?}");
    // 201: two wrong PINs 1 s apart lock it from the second one.
    let start = unix_now();
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Late(1, "1111"), Keys::Late(1, "2222")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "locked_out");
    let lockout = logged(&env, "lockout");
    assert!(unix(&lockout[0]["time"]) >= start + 2, "{lockout:?}");
    let lockout_until: i64 = {
        let detail = lockout[0]["detail"].as_str().unwrap();
        let t = detail
            .strip_prefix("until ")
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        unix(&serde_json::Value::String(t.into()))
    };
    assert!(lockout_until >= start + 2 + 900, "{lockout:?}");
}

#[test]
fn dial_grants_from_the_moment_the_pin_is_entered() {
    let env = pbx();
    let start = unix_now();
    let mut child = env
        .std_real_clock()
        .args(["dial", "201", "7777"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    child.stdin.take().unwrap().write_all(b"4826\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let grant = logged(&env, "grant");
    assert!(unix(&grant[0]["time"]) >= start + 2, "{grant:?}");
    let status = env
        .real_clock()
        .args(["status", "201", "--format", "json"])
        .output()
        .unwrap();
    let status = json(&String::from_utf8(status.stdout).unwrap());
    let until = unix(&status[0]["unlocked_until"]);
    assert!(until >= start + 2 + 60, "{status}");
}

#[test]
fn a_missing_prompt_sound_is_an_error_with_its_setting_not_a_hangup() {
    let env = pbx();
    // The settings warn, and take the value.
    env.ok(["settings", "set", "agi_pin_prompt", "custom/enter-pin"])
        .stderr(predicates::str::contains(
            "warning: agi_pin_prompt 'custom/enter-pin' is in a folder",
        ));
    env.ok(["settings", "set", "agi_granted_prompt", "thanks.wav"])
        .stderr(predicates::str::contains("ends in a file extension"));
    let t = "i1-getdata-missing-sound-local.agi.log";
    let (call, stderr, code) = agi_call(&env, t, &["unlock", "201"], &[]);
    assert_eq!(code, 0);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error", "{stderr}");
    // It asked whether the channel is up, then went on and hung up.
    let after: Vec<&str> = call
        .commands
        .iter()
        .skip_while(|c| !c.starts_with("GET DATA"))
        .map(String::as_str)
        .collect();
    assert_eq!(after[1], "CHANNEL STATUS", "{after:?}");
    assert_eq!(after.last(), Some(&"HANGUP"));
    assert!(
        stderr.contains(
            "the sound 'custom/enter-pin' of agi_pin_prompt could not be played (language 'en')"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("result=error"), "{stderr}");
    let errors = logged(&env, "agi_error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["extension"], "201");
    assert!(
        errors[0]["detail"]
            .as_str()
            .unwrap()
            .contains("agi_pin_prompt"),
        "{errors:?}"
    );
    // A missing confirmation: the grant stands, the error is logged.
    env.ok(["settings", "set", "agi_pin_prompt", "agent-pass"]);
    let (call, stderr, _) = agi_call(&env, t, &["unlock", "201"], &[Keys::Pin("4826")]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted", "{stderr}");
    assert!(stderr.contains("agi_granted_prompt"), "{stderr}");
    assert_eq!(logged(&env, "agi_error").len(), 2);
    // Over FastAGI the same.
    env.ok(["settings", "set", "agi_pin_prompt", "custom/enter-pin"]);
    let server = Server::start(&env, &[]);
    let call = server.call("unlock", &["201"], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error");
    let (_, lines) = server.stop();
    assert!(
        lines.iter().any(|l| l.contains("agi_pin_prompt")),
        "{lines:?}"
    );
}

#[test]
fn an_empty_extension_argument_is_denied_never_the_caller_id() {
    let env = pbx();
    // l1: AGI(pinprotect,...,check,${CHANNEL(endpoint)},${EXTEN}) on a
    // channel without an endpoint; its caller ID is the unprotected 202.
    let t = "l1-empty-endpoint-arg-local.agi.log";
    let block = String::from_utf8(environment(t, None, &[])).unwrap();
    assert!(block.contains("agi_callerid: 201\n"), "{block}");
    env.ok(["disable", "201"]);
    let (call, stderr, _) = agi_call(&env, t, &["check", "", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        ("denied".into(), "no_extension".into(), String::new()),
        "{stderr}"
    );
    let (call, _, _) = agi_call(&env, t, &["check", "", "911"], &[]);
    assert_eq!(check_vars(&call).1, "emergency");
    // Left out, the caller ID is the extension.
    let (call, _, _) = agi_call(&env, t, &["check"], &[]);
    assert_eq!(check_vars(&call).0, "permitted");
    // Over FastAGI (l2: `agi_arg_1: `).
    let server = Server::start(&env, &[]);
    let call = server.call("check", &["", "0049301234567"], &[]);
    assert_eq!(call.var("PINPROTECT_REASON"), "no_extension");
    let call = server.call("unlock", &[""], &[]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "no_extension");
    server.stop();
    let denied = logged(&env, "call_denied");
    assert!(
        denied.iter().any(|e| e["detail"]
            .as_str()
            .unwrap()
            .starts_with("(no extension) -> 0049301234567: no_extension")),
        "{denied:?}"
    );
    assert!(!logged(&env, "agi_error").is_empty());
}

#[test]
fn unknown_extensions_are_denied_unless_the_setting_permits_them() {
    let env = pbx();
    let t = "a1-outbound-local-deny.agi.log";
    env.cmd()
        .args(["check", "555", "0049301234567"])
        .assert()
        .code(3);
    let (call, _, _) = agi_call(&env, t, &["check", "555", "0049301234567"], &[]);
    assert_eq!(check_vars(&call).1, "unknown_extension");
    assert_eq!(check_vars(&call).0, "denied");
    env.ok(["settings", "set", "unknown_extensions", "permit"]);
    env.cmd()
        .args(["check", "555", "0049301234567"])
        .assert()
        .success()
        .stdout("permitted: extension 555 is not in pinprotect's database, and unknown_extensions is permit\n");
    let j = json(&env.stdout(&["check", "555", "0049301234567", "--format", "json"]));
    assert_eq!(
        (j["permitted"].as_bool(), j["reason"].as_str()),
        (Some(true), Some("unknown_extension"))
    );
    env.cmd()
        .args(["dial", "555", "0049301234567"])
        .assert()
        .success();
    let (call, _, _) = agi_call(&env, t, &["check", "555", "0049301234567"], &[]);
    assert_eq!(
        check_vars(&call),
        (
            "permitted".into(),
            "unknown_extension".into(),
            String::new()
        )
    );
    // Known extensions are not touched by it; audit reports it.
    let (call, _, _) = agi_call(&env, t, &["check", "201", "0049301234567"], &[]);
    assert_eq!(check_vars(&call).1, "locked");
    env.cmd()
        .args(["audit"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("unknown_extensions is permit"));
    let changed = logged(&env, "settings_changed");
    assert!(
        changed
            .iter()
            .any(|e| e["detail"] == "unknown_extensions: 'deny' -> 'permit'"),
        "{changed:?}"
    );
}

#[test]
fn pin_entries_over_agi_say_which_channel_and_call_they_came_from() {
    let env = pbx();
    let t = "b1-pin-local-correct.agi.log";
    let (call, _, _) = agi_call(
        &env,
        t,
        &["unlock", "201"],
        &[Keys::Pin("1111"), Keys::Pin("4826")],
    );
    assert_eq!(call.var("PINPROTECT_RESULT"), "granted");
    let from = "from Local/7777@phone201-00000002;2 (caller ID 201, call 1795712110.5)";
    let grant = logged(&env, "grant");
    assert_eq!(grant.len(), 1);
    assert!(
        grant[0]["detail"]
            .as_str()
            .unwrap()
            .ends_with(&format!("; {from}")),
        "{grant:?}"
    );
    let wrong = logged(&env, "wrong_pin");
    assert!(
        wrong[0]["detail"]
            .as_str()
            .unwrap()
            .ends_with(&format!("; {from}")),
        "{wrong:?}"
    );
    // --event filters, and takes several kinds.
    let both = json(&env.stdout(&[
        "log",
        "201",
        "--event",
        "grant",
        "--event",
        "wrong_pin",
        "--format",
        "json",
    ]));
    let kinds: Vec<&str> = both
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["wrong_pin", "grant"]);
    env.cmd()
        .args(["log", "--event", "granted"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
    // The command line's own entries name no channel.
    env.real_clock()
        .args(["dial", "201", "7777"])
        .write_stdin("4826\n")
        .assert()
        .success();
    let grant = logged(&env, "grant");
    assert!(
        !grant[1]["detail"].as_str().unwrap().contains("from"),
        "{grant:?}"
    );
}

#[test]
fn serve_ends_a_call_whose_peer_sends_hangup_and_then_no_reply() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut w = stream.try_clone().unwrap();
    w.write_all(&environment(
        "e1-outbound-fast-deny.fastagi.log",
        Some("unlock"),
        &["201"],
    ))
    .unwrap();
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "ANSWER\n");
    w.write_all(b"200 result=0\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("GET DATA"), "{line}");
    // The caller hangs up; the reply to GET DATA never comes.
    let sent = std::time::Instant::now();
    w.write_all(b"HANGUP\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "SET VARIABLE PINPROTECT_RESULT \"hangup\"\n");
    assert!(
        sent.elapsed() < Duration::from_secs(30),
        "{:?}",
        sent.elapsed()
    );
    // The server may already have closed (more than 3 s on a busy
    // machine): then the reply meets a reset.
    let _ = w.write_all(b"200 result=1\n");
    line.clear();
    match r.read_line(&mut line) {
        Ok(n) => assert_eq!(n, 0, "{line}"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
    }
    let (_, lines) = server.stop();
    assert!(
        lines.iter().any(|l| l.contains("result=hangup")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("os error")), "{lines:?}");
}

#[test]
fn serve_takes_the_request_from_the_url_when_no_script_line_comes() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    let block = String::from_utf8(environment(
        "e1-outbound-fast-deny.fastagi.log",
        None,
        &["201", "0049301234567"],
    ))
    .unwrap();
    let block: String = block
        .lines()
        .filter(|l| !l.starts_with("agi_network_script:"))
        .map(|l| {
            if l.starts_with("agi_request:") {
                "agi_request: agi://127.0.0.1:4573/check?x=1\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut w = stream.try_clone().unwrap();
    w.write_all(block.as_bytes()).unwrap();
    let call = converse(BufReader::new(stream), w, VecDeque::new(), true, || {});
    assert_eq!(check_vars(&call).0, "denied");
    assert_eq!(check_vars(&call).1, "locked");
    server.stop();
}

#[test]
fn serve_refuses_a_grace_it_cannot_count_and_listens_on_host_names() {
    let env = pbx();
    for grace in ["18446744073709551615", "3601"] {
        env.real_clock()
            .args(["serve", "--grace", grace])
            .timeout(Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--grace"));
    }
    let mut child = env
        .std_real_clock()
        .args(["serve", "--listen", "localhost:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0);
        if line.contains("listening on ") {
            break;
        }
    }
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .unwrap_or_else(|| panic!("{line}"))
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let call = call_port(port, "check", &["202", "0049301234567"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "permitted");
    // SAFETY: a signal to our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    assert!(child.wait().unwrap().success());
}
