use std::process::{Command, Stdio};

use crate::common::{Env, bin};

#[test]
fn twenty_parallel_processes_all_succeed() {
    let env = Env::new();
    for i in 0..10 {
        env.add_protected(&format!("1{i:02}"), &format!("48{i:02}"), "5m");
    }
    let now = "2026-11-26T09:00:00Z";
    let mut children = Vec::new();
    for i in 0..20 {
        let ext = format!("1{:02}", i % 10);
        let mut c = Command::new(bin());
        c.env_remove("PINPROTECT_NOW")
            .arg("--db")
            .arg(&env.db)
            .args(["--now", now, "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let stdin = match i % 4 {
            0 => {
                c.args(["dial", &ext, "7777"]).stdin(Stdio::piped());
                Some(format!("48{:02}\n", i % 10))
            }
            1 => {
                c.args(["check", &ext, "911"]).stdin(Stdio::null());
                None
            }
            2 => {
                c.args(["enable", &ext, "--duration", "10m"])
                    .stdin(Stdio::null());
                None
            }
            _ => {
                c.args(["export", "--format", "json", "--output"])
                    .arg(env.path(&format!("export-{i}.json")))
                    .stdin(Stdio::null());
                None
            }
        };
        let mut child = c.spawn().unwrap();
        if let Some(pin) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(pin.as_bytes())
                .unwrap();
        }
        children.push((i, child));
    }
    for (i, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "process {i}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every dial was granted and every export is complete JSON.
    for i in (0..20).filter(|i| i % 4 == 0) {
        let ext = format!("1{:02}", i % 10);
        env.cmd()
            .args(["check", &ext, "0049301234567"])
            .assert()
            .code(0);
    }
    for i in (0..20).filter(|i| i % 4 == 3) {
        let text = std::fs::read_to_string(env.path(&format!("export-{i}.json"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 10);
    }
}

/// Readers, and writers whose connections close one after the other (each
/// close by the last connection checkpoints and deletes the `-wal` and
/// `-shm` files, which the next open makes again): no reader ever fails,
/// whatever moment of that it meets.
#[test]
fn readers_never_fail_while_writers_come_and_go() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    let run = |args: &[&str]| {
        env.std_real_clock()
            .arg("-q")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    std::thread::scope(|s| {
        for t in 0..2 {
            let run = &run;
            s.spawn(move || {
                for i in 0..150 {
                    let args: &[&str] = if (i + t) % 2 == 0 {
                        &["enable", "100", "--duration", "10m"]
                    } else {
                        &["enable", "100", "--duration", "5m"]
                    };
                    let out = run(args);
                    assert!(
                        out.status.success(),
                        "writer {t}/{i}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
        for t in 0..3 {
            let run = &run;
            s.spawn(move || {
                for i in 0..300 {
                    let out = run(&["check", "100", "0049301234567"]);
                    assert_eq!(
                        out.status.code(),
                        Some(1),
                        "reader {t}/{i}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
}
