//! The config files: where the database is and how serve listens, with
//! flag > environment > user file > system file > default, and errors that
//! name the file, the line and the key.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{Env, bin};

/// `pinprotect ARGS` with `/etc/pinprotect/pinprotect.toml` holding
/// `system` (none when `None`), seen through an overlay in a mount
/// namespace of its own so that the real /etc is never touched, and
/// `vars` in the environment (nothing else inherited that matters).
fn with_system_file(
    dir: &Path,
    system: Option<&str>,
    vars: &[(&str, &str)],
    args: &[&str],
) -> Output {
    with_system_file_and_input(dir, system, vars, args, b"")
}

/// [`with_system_file`] with `input` on standard input.
fn with_system_file_and_input(
    dir: &Path,
    system: Option<&str>,
    vars: &[(&str, &str)],
    args: &[&str],
    input: &[u8],
) -> Output {
    // A fresh overlay each time: nothing of an earlier run shows through.
    let layers = tempfile::tempdir_in(dir).unwrap();
    let up = layers.path().join("up");
    let work = layers.path().join("work");
    std::fs::create_dir_all(&up).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let write = match system {
        Some(text) => {
            std::fs::write(dir.join("system.toml"), text).unwrap();
            format!(
                "mkdir -p /etc/pinprotect && cp \"{}\" /etc/pinprotect/pinprotect.toml && ",
                dir.join("system.toml").display()
            )
        }
        None => String::new(),
    };
    let script = format!(
        "mount -t overlay overlay -o lowerdir=/etc,upperdir={},workdir={} /etc && {write}exec \"$@\"",
        up.display(),
        work.display()
    );
    let mut child = Command::new("unshare")
        .args(["--mount", "sh", "-c", &script, "sh", bin()])
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir)
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.starts_with("unshare: ") && !stderr.contains("mount:"),
        "this test needs a mount namespace and overlayfs: {stderr}"
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The `config show` line of `key`, with its spaces collapsed.
fn line(shown: &str, key: &str) -> String {
    let l = shown
        .lines()
        .find(|l| l.split_whitespace().next() == Some(key))
        .unwrap_or_else(|| panic!("no {key} in {shown}"));
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn flag_beats_environment_beats_user_file_beats_system_file_beats_default() {
    let env = Env::empty();
    let dir = env.dir.path();
    let xdg = dir.join("xdg");
    std::fs::create_dir_all(xdg.join("pinprotect")).unwrap();
    let system = "# the host's\ndb = \"/srv/system.sqlite3\"\n\n[serve]\nmax_calls = 12\nallow = [\"192.0.2.0/24\"]\n";
    let show = |user: Option<&str>, vars: &[(&str, &str)], args: &[&str]| {
        match user {
            Some(text) => std::fs::write(xdg.join("pinprotect/config.toml"), text).unwrap(),
            None => {
                let _ = std::fs::remove_file(xdg.join("pinprotect/config.toml"));
            }
        }
        let mut all = vec![("XDG_CONFIG_HOME", xdg.to_str().unwrap())];
        all.extend_from_slice(vars);
        let mut a = args.to_vec();
        a.extend(["config", "show"]);
        let out = with_system_file(dir, Some(system), &all, &a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    // The system file alone.
    let shown = show(None, &[], &[]);
    assert_eq!(
        line(&shown, "db"),
        "db /srv/system.sqlite3 (file /etc/pinprotect/pinprotect.toml:2)"
    );
    assert_eq!(
        line(&shown, "serve.max_calls"),
        "serve.max_calls 12 (file /etc/pinprotect/pinprotect.toml:5)"
    );
    assert_eq!(
        line(&shown, "serve.allow"),
        "serve.allow 192.0.2.0/24 (file /etc/pinprotect/pinprotect.toml:6)"
    );
    assert_eq!(
        line(&shown, "serve.listen"),
        "serve.listen 127.0.0.1:4573 (default)"
    );
    // The user file wins key by key.
    let user_file = xdg.join("pinprotect/config.toml");
    let shown = show(Some("db = \"/home/me/pbx.sqlite3\"\n"), &[], &[]);
    assert_eq!(
        line(&shown, "db"),
        format!("db /home/me/pbx.sqlite3 (file {}:1)", user_file.display())
    );
    assert!(line(&shown, "serve.max_calls").ends_with("(file /etc/pinprotect/pinprotect.toml:5)"));
    // The environment, then the flag.
    let shown = show(
        Some("db = \"/home/me/pbx.sqlite3\"\n"),
        &[("PINPROTECT_DB", "/env.sqlite3")],
        &[],
    );
    assert_eq!(
        line(&shown, "db"),
        "db /env.sqlite3 (environment PINPROTECT_DB)"
    );
    let shown = show(
        Some("db = \"/home/me/pbx.sqlite3\"\n"),
        &[("PINPROTECT_DB", "/env.sqlite3")],
        &["--db", "/flag.sqlite3"],
    );
    assert_eq!(line(&shown, "db"), "db /flag.sqlite3 (flag --db)");
    // PINPROTECT_CONFIG: that file only.
    let only = dir.join("only.toml");
    std::fs::write(&only, "[serve]\nlisten = [\"127.0.0.1:5000\"]\n").unwrap();
    let shown = show(None, &[("PINPROTECT_CONFIG", only.to_str().unwrap())], &[]);
    assert!(line(&shown, "db").ends_with("(default)"), "{shown}");
    assert_eq!(
        line(&shown, "serve.listen"),
        format!("serve.listen 127.0.0.1:5000 (file {}:2)", only.display())
    );
    // No file at all: the defaults.
    let out = with_system_file(dir, None, &[], &["config", "show"]);
    assert!(line(&stdout(&out), "serve.max_calls").ends_with("256 (default)"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no config file read"));
}

#[test]
fn a_bad_config_file_is_exit_2_naming_file_line_and_key_but_never_stops_an_emergency_call() {
    let env = Env::empty();
    let dir = env.dir.path();
    for (text, message) in [
        (
            "db = \"/x\"\n\n[serve]\nmax_call = 3\n",
            ":4: unknown field `max_call`",
        ),
        (
            "[serve]\nmax_calls = 0\n",
            ":2: serve.max_calls must be 1 to 10000, not 0",
        ),
        ("[serve]\nallow = [\"10.0.0.0/33\"]\n", ":2: serve.allow"),
        ("db = [\n", ":1:"),
    ] {
        let out = with_system_file(dir, Some(text), &[], &["status"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: /etc/pinprotect/pinprotect.toml{message}")),
            "{text:?}: {stderr}"
        );
        // serve does not start on it.
        let out = with_system_file(dir, Some(text), &[], &["serve", "--listen", "127.0.0.1:0"]);
        assert_eq!(out.status.code(), Some(2));
        // An emergency number is permitted all the same.
        let out = with_system_file(dir, Some(text), &[], &["check", "100", "911"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("the config file is ignored"));
        // Nor does it stop what uses no database of the host's.
        let out = with_system_file(dir, Some(text), &[], &["completions", "bash"]);
        assert_eq!(out.status.code(), Some(0));
    }
    // PINPROTECT_CONFIG must name a readable file.
    let out = with_system_file(
        dir,
        None,
        &[("PINPROTECT_CONFIG", "/nonexistent.toml")],
        &["status"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PINPROTECT_CONFIG"));
}

#[test]
fn with_db_in_the_system_file_agi_and_status_need_no_db_flag() {
    let env = Env::new();
    env.add_protected("201", "4826", "60");
    let dir = env.dir.path();
    let system = format!("db = \"{}\"\n", env.db.display());
    let out = with_system_file(
        dir,
        Some(&system),
        &[],
        &["status", "201", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("\"extension\":\"201\""));
    // agi as Asterisk starts it: AGI(pinprotect,agi,check,201,NUMBER),
    // the arguments on the command line and in the environment block,
    // and Asterisk's replies to its three SET VARIABLE commands.
    let input = "agi_request: pinprotect\nagi_callerid: 201\nagi_arg_1: agi\n\
                 agi_arg_2: check\nagi_arg_3: 201\nagi_arg_4: 0049301234567\n\n\
                 200 result=1\n200 result=1\n200 result=1\n";
    let out = with_system_file_and_input(
        dir,
        Some(&system),
        &[],
        &["agi", "check", "201", "0049301234567"],
        input.as_bytes(),
    );
    let said = stdout(&out);
    assert!(
        said.contains("SET VARIABLE PINPROTECT_RESULT \"denied\""),
        "{said}"
    );
    assert!(
        said.contains("SET VARIABLE PINPROTECT_REASON \"locked\""),
        "{said}"
    );
}

#[test]
fn serve_listens_and_allows_as_the_config_file_says_unless_flags_say_otherwise() {
    use std::io::BufRead;
    let env = Env::new();
    let file = env.path("serve.toml");
    std::fs::write(
        &file,
        "[serve]\nlisten = [\"127.0.0.1:0\"]\nallow = [\"192.0.2.7\", \"127.0.0.1\"]\nmax_calls = 3\n",
    )
    .unwrap();
    let first_line = |extra: &[&str]| {
        let mut child = env
            .std_real_clock()
            .env("PINPROTECT_CONFIG", &file)
            .arg("serve")
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let _ = child.kill();
        let _ = child.wait();
        line
    };
    let line = first_line(&[]);
    assert!(line.contains("listening on 127.0.0.1:"), "{line}");
    assert!(
        line.contains("(allowed: 192.0.2.7/32, 127.0.0.1/32)"),
        "{line}"
    );
    let line = first_line(&["--allow", "10.0.0.0/8"]);
    assert!(line.contains("(allowed: 10.0.0.0/8)"), "{line}");
}
