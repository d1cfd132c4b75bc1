//! The docs' dialplans, run as Asterisk 22 runs them (the stand-in in
//! `dialplan.rs`), against the real `pinprotect agi` and `serve`: first
//! the stand-in is shown to replay the recorded FreePBX 17 hook calls
//! (transcripts k1-k9), then the docs' blocks are pasted into it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::common::{Env, bin};
use crate::dialplan::{Channel, Outcome, Pbx};
use crate::docs;
use crate::test_agi::{Keys, Server, pbx};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/asterisk-agi")
            .join(name),
    )
    .unwrap()
}

/// A port on 127.0.0.1 where nothing listens: connecting is refused.
fn dead_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The recording FastAGI server of the transcripts: `check` of 201 is
/// `permitted`, of 202 or an empty extension `denied`.
fn recorder() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut ext = String::new();
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\n" {
                    break;
                }
                if let Some(v) = line.strip_prefix("agi_arg_1: ") {
                    ext = v.trim_end().to_string();
                }
            }
            let result = if ext == "201" { "permitted" } else { "denied" };
            let mut w: &TcpStream = &stream;
            let _ = w.write_all(format!("SET VARIABLE PINPROTECT_RESULT {result}\n").as_bytes());
            line.clear();
            let _ = reader.read_line(&mut line);
        }
    });
    port
}

/// The recording local AGI program of the transcripts, as a shell script.
fn local_recorder(dir: &Path) -> PathBuf {
    let path = dir.join("record.py");
    std::fs::write(
        &path,
        "#!/bin/sh\nwhile read -r l && [ -n \"$l\" ]; do :; done\n\
         if [ \"$2\" = 201 ]; then r=permitted; else r=denied; fi\n\
         echo \"SET VARIABLE PINPROTECT_RESULT $r\"\nread -r reply\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// The hook variants at the end of extensions-addendum.conf, by the
/// cases they were loaded for.
fn hook(case: &str) -> String {
    let conf = fixture("extensions-addendum.conf");
    let header = match case {
        "k1" | "k2" => "; ----- k1",
        "k3" => "; ----- k3",
        "k4" | "k5" | "k6" | "k7" => "; ----- k4",
        "k8" | "k9" => "; ----- k8",
        _ => unreachable!(),
    };
    let block: String = conf[conf.find(header).unwrap()..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with(";\n") && *l != ";" && !l.starts_with("; -----"))
        .map(|l| format!("{}\n", l.strip_prefix(';').unwrap()))
        .collect();
    if case == "k2" {
        block.replace("AGI(agi://127.0.0.1/check,", "AGI(record.py,check,")
    } else {
        block
    }
}

/// What the transcript's Asterisk log shows `Verbose()` saying, without
/// the `h` extension's lines (they name the channel).
fn recorded_verbose(case: &str) -> (String, String, Vec<String>) {
    let name = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asterisk-agi"),
    )
    .unwrap()
    .map(|e| e.unwrap().file_name().into_string().unwrap())
    .find(|n| n.starts_with(&format!("{case}-")) && n.ends_with(".asterisk.log"))
    .unwrap();
    let log = fixture(&name);
    let called = log
        .split("dial.c: Called ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let (exten, context) = called.split_once('@').unwrap();
    let verbose = log
        .lines()
        .filter_map(|l| l.split("app_verbose.c: ").nth(1))
        .filter(|m| !m.starts_with("H-EXT"))
        .map(String::from)
        .collect();
    (context.to_string(), exten.to_string(), verbose)
}

#[test]
fn the_stand_in_replays_the_recorded_freepbx_17_hook_calls() {
    let dir = tempfile::tempdir().unwrap();
    let script = local_recorder(dir.path());
    let up = recorder();
    let down = dead_port();
    // The addendum's dialplan without its commented hooks.
    let conf = fixture("extensions-addendum.conf");
    for case in ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"] {
        let mut pbx = Pbx::default();
        pbx.load(&hook(case));
        pbx.load(&conf);
        let port = if matches!(case, "k6" | "k7" | "k8") {
            down
        } else {
            up
        };
        pbx.fastagi.insert("127.0.0.1:4573".into(), port);
        pbx.programs.insert("record.py".into(), script.clone());
        let (context, exten, expected) = recorded_verbose(case);
        let out = pbx.call(Channel::local("s"), &context, &exten);
        assert_eq!(out.verbose, expected, "{case}: {out:?}");
        // k1, k2: MacroExit ends the call in the hook: no trunk, no bypass.
        if matches!(case, "k1" | "k2") {
            assert_eq!(out.ended, "No application 'macroexit'", "{case}");
            assert!(out.dialed.is_none());
        }
    }
}

/// The empty `${CHANNEL(endpoint)}` argument arrives as the transcripts
/// show it: argv `check '' NUMBER` (l1) and `agi_arg_1: ` (l2).
#[test]
fn the_stand_in_passes_an_empty_endpoint_as_asterisk_does() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    let script = dir.path().join("dump.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done > {d}\necho >> {d}\n\
             while read -r l && [ -n \"$l\" ]; do echo \"$l\" >> {d}; done\n",
            d = dump.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut pbx = Pbx::default();
    pbx.load(&fixture("extensions-addendum.conf"));
    pbx.programs.insert("record.py".into(), script);
    pbx.call(Channel::local("201"), "internal", "0049301234567");
    let dumped = std::fs::read_to_string(&dump).unwrap();
    let l1 = fixture("l1-empty-endpoint-arg-local.agi.log");
    assert!(
        l1.contains("'check', '', '0049301234567']"),
        "the transcript"
    );
    assert!(dumped.starts_with("[check][][0049301234567]\n"), "{dumped}");
    assert!(l1.contains("b'agi_arg_2: \\n'"));
    assert!(
        dumped.contains("\nagi_arg_2:\n") || dumped.contains("\nagi_arg_2: \n"),
        "{dumped}"
    );
}

/// A dialplan of pinprotect-serve(1) with its paths made this test's.
fn documented_dialplan(needle: &str, env: &Env) -> String {
    docs::block("pinprotect-serve", "", needle)
        .replace("/var/lib/pinprotect/pbx.sqlite3", env.db.to_str().unwrap())
}

/// FreePBX 17 as the stand-in models it: extensions_custom.conf (the
/// hook of pinprotect-serve(1)) read before what FreePBX generates: its empty hook and
/// the trunk subroutine that calls the hook with Gosub, sets AMPUSER,
/// OUTNUM and, on emergency routes, EMERGENCYROUTE=YES.
fn freepbx17(env: &Env, fastagi_port: u16, binary: Option<&str>) -> Pbx {
    let mut pbx = Pbx::default();
    pbx.load(&documented_dialplan(
        "[macro-dialout-trunk-predial-hook]",
        env,
    ));
    pbx.load("[macro-dialout-trunk-predial-hook]\nexten => s,1,Return()\n");
    pbx.load(&fixture("extensions-addendum.conf"));
    pbx.fastagi.insert("127.0.0.1:4573".into(), fastagi_port);
    pbx.programs.insert(
        "/usr/bin/pinprotect".into(),
        PathBuf::from(binary.unwrap_or("/nonexistent/pinprotect")),
    );
    pbx
}

/// A call from extension `ext` (a phone of the stand-in) through the
/// FreePBX trunk subroutine.
fn dial_out(pbx: &mut Pbx, ext: &str, number: &str) -> Outcome {
    // The stand-in's phones: 201 and 202 (extensions-addendum.conf).
    pbx.call(Channel::local("s"), &format!("phone{ext}-out"), number)
}

fn reached_trunk(out: &Outcome, number: &str) -> bool {
    out.dialed.as_deref() == Some(&format!("Local/{number}@trunk"))
        && out.verbose.iter().any(|v| v.starts_with("TRUNK answered"))
}

fn unlock_201(env: &Env) {
    env.real_clock()
        .args(["dial", "201", "7777"])
        .write_stdin("4826\n")
        .assert()
        .success();
}

#[test]
fn the_documented_freepbx_hook_permits_refuses_and_never_blocks_an_emergency_route() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    let mut freepbx = freepbx17(&env, server.port, Some(bin()));
    // 201 is pin protected and locked: refused, no trunk.
    let out = dial_out(&mut freepbx, "201", "0049301234567");
    assert_eq!(out.var("PREDIAL_HOOK_RET"), "BYPASS", "{out:?}");
    assert_eq!(out.var("PINPROTECT_RESULT"), "denied");
    assert!(out.dialed.is_none() && out.verbose.iter().any(|v| v.starts_with("TRUNK BYPASSING")));
    // 202 is not protected: the trunk.
    let out = dial_out(&mut freepbx, "202", "0049301234567");
    assert!(reached_trunk(&out, "0049301234567"), "{out:?}");
    assert_eq!(out.var("PREDIAL_HOOK_RET"), "");
    // Every emergency route goes out, without asking.
    for number in ["911", "112"] {
        let out = dial_out(&mut freepbx, "201", number);
        assert!(reached_trunk(&out, number), "{number}: {out:?}");
        assert!(out.agi.is_empty(), "{number} asked pinprotect");
    }
    // After the PIN, 201 goes out.
    unlock_201(&env);
    let out = dial_out(&mut freepbx, "201", "0049301234567");
    assert!(reached_trunk(&out, "0049301234567"), "{out:?}");
    assert_eq!(out.var("PINPROTECT_RESULT"), "permitted");
    env.real_clock().args(["revoke", "201"]).assert().success();

    // serve stopped: the hook asks the database through `pinprotect agi`.
    server.stop();
    let mut freepbx = freepbx17(&env, dead_port(), Some(bin()));
    let out = dial_out(&mut freepbx, "201", "0049301234567");
    assert_eq!(out.var("PREDIAL_HOOK_RET"), "BYPASS", "{out:?}");
    assert_eq!(out.var("PINPROTECT_RESULT"), "denied");
    let out = dial_out(&mut freepbx, "202", "0049301234567");
    assert!(reached_trunk(&out, "0049301234567"), "{out:?}");
    for number in ["911", "112"] {
        assert!(reached_trunk(
            &dial_out(&mut freepbx, "201", number),
            number
        ));
    }
    // Neither serve nor the program: refused, but emergency routes go out.
    let mut freepbx = freepbx17(&env, dead_port(), None);
    let out = dial_out(&mut freepbx, "202", "0049301234567");
    assert_eq!(out.var("PREDIAL_HOOK_RET"), "BYPASS", "{out:?}");
    assert_eq!(out.var("AGISTATUS"), "NOTFOUND");
    for number in ["911", "112"] {
        let out = dial_out(&mut freepbx, "201", number);
        assert!(reached_trunk(&out, number), "{number}: {out:?}");
    }
}

#[test]
fn the_documented_freepbx_feature_code_unlocks() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    let mut freepbx = freepbx17(&env, server.port, Some(bin()));
    freepbx.load(&documented_dialplan("[from-internal-custom]", &env));
    freepbx.keys.push_back(Keys::Pin("4826"));
    let mut channel = Channel::pjsip("201");
    channel.vars.insert("AMPUSER".into(), "201".into());
    let out = freepbx.call(channel, "from-internal-custom", "7777");
    assert_eq!(out.var("PINPROTECT_RESULT"), "granted", "{out:?}");
    let out = dial_out(&mut freepbx, "201", "0049301234567");
    assert!(reached_trunk(&out, "0049301234567"), "{out:?}");
    server.stop();
}

/// The plain-Asterisk block as pinprotect-serve(1) shows it, with
/// `pinprotect agi` (local); or, with `serve`, as the README shows it,
/// which is that block with each AGI line in its `serve` form.
fn plain(env: &Env, fastagi: Option<u16>, binary: Option<&str>) -> Pbx {
    let mut text = documented_dialplan("[pinprotect-phones]", env);
    if fastagi.is_some() {
        let db = env.db.to_str().unwrap();
        text = text.replace(
            &format!("AGI(pinprotect,--db,{db},agi,"),
            "AGI(agi://127.0.0.1/",
        );
        assert!(!text.contains("AGI(pinprotect"), "{text}");
        let readme = docs::block("README", "", "[pinprotect-phones]");
        assert_eq!(
            readme, text,
            "the README's block is the man page's in serve form"
        );
        text = readme;
    }
    let mut pbx = Pbx::default();
    pbx.load(&text);
    pbx.load("[outbound-emergency]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@emergency-trunk)\n");
    pbx.fastagi
        .insert("127.0.0.1:4573".into(), fastagi.unwrap_or_else(dead_port));
    pbx.programs.insert(
        "pinprotect".into(),
        PathBuf::from(binary.unwrap_or("/nonexistent/pinprotect")),
    );
    pbx
}

#[test]
fn the_documented_plain_asterisk_dialplan_works_as_written() {
    let env = pbx();
    let server = Server::start(&env, &[]);
    for port in [None, Some(server.port)] {
        let mut pbx = plain(&env, port, Some(bin()));
        let phone = || Channel::pjsip("201");
        // Locked: refused with the prompt.
        let out = pbx.call(phone(), "pinprotect-phones", "0049301234567");
        assert!(out.dialed.is_none(), "{out:?}");
        assert_eq!(out.played, ["cannot-complete-as-dialed"]);
        // 7777, the PIN: then out.
        pbx.keys.push_back(Keys::Pin("4826"));
        let out = pbx.call(phone(), "pinprotect-phones", "7777");
        assert_eq!(out.var("PINPROTECT_RESULT"), "granted", "{out:?}");
        let out = pbx.call(phone(), "pinprotect-phones", "0049301234567");
        assert_eq!(
            out.dialed.as_deref(),
            Some("PJSIP/0049301234567@trunk"),
            "{out:?}"
        );
        env.real_clock().args(["revoke", "201"]).assert().success();
        // An empty endpoint (a Local channel whose caller ID is the
        // unprotected 202) is refused, not taken for 202.
        let out = pbx.call(Channel::local("202"), "pinprotect-phones", "0049301234567");
        assert!(out.dialed.is_none(), "{out:?}");
        assert_eq!(out.var("PINPROTECT_REASON"), "no_extension");
    }
    server.stop();
    // Emergency numbers go out whatever pinprotect's state: here with no
    // program and no server.
    let mut pbx = plain(&env, None, None);
    for number in ["911", "112", "999", "000"] {
        let out = pbx.call(Channel::pjsip("201"), "pinprotect-phones", number);
        assert_eq!(
            out.dialed.as_deref(),
            Some(format!("PJSIP/{number}@emergency-trunk").as_str()),
            "{out:?}"
        );
    }
    // ... and anything else fails closed.
    let out = pbx.call(Channel::pjsip("202"), "pinprotect-phones", "0049301234567");
    assert!(out.dialed.is_none(), "{out:?}");
    assert_eq!(out.var("AGISTATUS"), "NOTFOUND");
}

#[test]
fn every_dialplan_block_of_the_docs_is_run_here() {
    let blocks: Vec<(&str, String)> = docs::all_blocks("")
        .into_iter()
        .filter(|(_, b)| b.contains("exten =>"))
        .collect();
    let run = [
        ("README", "[pinprotect-phones]"),
        ("pinprotect-serve", "[pinprotect-phones]"),
        ("pinprotect-serve", "[macro-dialout-trunk-predial-hook]"),
        ("pinprotect-serve", "[from-internal-custom]"),
    ];
    assert_eq!(blocks.len(), run.len(), "{blocks:?}");
    for (doc, b) in &blocks {
        assert!(
            run.iter().any(|(d, r)| d == doc && b.starts_with(r)),
            "a dialplan no test runs, in {doc}:\n{b}"
        );
    }
}
