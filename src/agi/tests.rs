use super::*;

/// Transcripts of a real Asterisk 22 (copied from the reference data).
fn transcripts() -> String {
    format!("{}/tests/fixtures/asterisk-agi", env!("CARGO_MANIFEST_DIR"))
}

/// The `AST->AGI` lines of a transcript, as bytes.
fn from_asterisk(name: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/{name}", transcripts());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|l| l.split_once("AST->AGI b").map(|(_, b)| b))
        .map(unquote_python_bytes)
        .collect()
}

fn unquote_python_bytes(s: &str) -> Vec<u8> {
    let quote = s.as_bytes()[0];
    let inner = &s[1..s.len() - 1];
    let mut out = Vec::new();
    let mut chars = inner.bytes();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(b'x') => {
                let h: String = [chars.next().unwrap(), chars.next().unwrap()]
                    .iter()
                    .map(|&c| c as char)
                    .collect();
                out.push(u8::from_str_radix(&h, 16).unwrap());
            }
            Some(c) => out.push(c),
            None => {}
        }
    }
    let _ = quote;
    out
}

fn env_of(lines: &[Vec<u8>]) -> (Environment, usize) {
    let mut r = EnvironmentReader::default();
    for (i, l) in lines.iter().enumerate() {
        if let Some(env) = r.push(l).unwrap() {
            return (env, i + 1);
        }
    }
    panic!("no blank line");
}

#[test]
fn environment_of_a_local_agi_call() {
    let lines = from_asterisk("b1-pin-local-correct.agi.log");
    let (env, used) = env_of(&lines);
    assert_eq!(env.get("callerid"), Some("201"));
    assert_eq!(env.get("extension"), Some("7777"));
    assert_eq!(env.get("accountcode"), Some(""));
    assert!(!env.is_network());
    assert_eq!(env.request(), (Some("pin".into()), vec!["201".into()]));
    // The replies that follow, in order.
    let mut replies = Vec::new();
    let mut r = ReplyReader::default();
    for l in &lines[used..] {
        if let Some(reply) = r.push(l).unwrap() {
            replies.push(reply);
        }
    }
    assert_eq!(
        replies[2],
        Reply::Ok {
            result: "1234".into(),
            extra: String::new()
        }
    );
}

#[test]
fn environment_and_arguments_of_fastagi() {
    let lines = from_asterisk("g2-args-fast.fastagi.log");
    let (env, _) = env_of(&lines);
    assert!(env.is_network());
    // The path (`agi://127.0.0.1:4573/pinprotect?x=1&y=a%20b`) is the
    // request, without its query; the arguments come as agi_arg_N.
    let (request, args) = env.request();
    assert_eq!(request.as_deref(), Some("pinprotect"), "{env:?}");
    assert_eq!(args, ["args", "a b", "c,d", "", "last"]);
}

#[test]
fn fastagi_path_is_the_request() {
    let mut r = EnvironmentReader::default();
    for l in [
        "agi_network: yes\n",
        "agi_network_script: check?x=1\n",
        "agi_arg_1: 100\n",
        "agi_arg_2: 0049301234567\n",
        "\n",
    ] {
        if let Some(env) = r.push(l.as_bytes()).unwrap() {
            assert_eq!(
                env.request(),
                (
                    Some("check".into()),
                    vec!["100".into(), "0049301234567".into()]
                )
            );
            return;
        }
    }
    panic!("no environment");
}

#[test]
fn without_network_script_the_path_of_the_request_url_is_the_request() {
    let mut r = EnvironmentReader::default();
    for l in [
        "agi_network: yes\n",
        "agi_request: agi://127.0.0.1:4573/unlock?x=1\n",
        "agi_arg_1: 201\n",
        "\n",
    ] {
        if let Some(env) = r.push(l.as_bytes()).unwrap() {
            assert_eq!(env.request(), (Some("unlock".into()), vec!["201".into()]));
            return;
        }
    }
    panic!("no environment");
}

#[test]
fn hangup_events_usage_replies_and_dead_channels() {
    // d8: GET DATA gets -1, then a HANGUP line arrives before the reply
    // to the next command, then 511 on a dead channel.
    let mut r = ReplyReader::default();
    assert_eq!(r.push(b"200 result=-1\n").unwrap(), Some(Reply::Ended));
    // i3: a STREAM FILE of a sound that does not exist, channel still up.
    let mut r = ReplyReader::default();
    assert_eq!(
        r.push(b"200 result=-1 endpos=0\n").unwrap(),
        Some(Reply::Ended)
    );
    assert!(!r.hangup);
    let mut r = ReplyReader::default();
    assert_eq!(r.push(b"HANGUP\n").unwrap(), None);
    assert!(r.hangup);
    assert_eq!(
        r.push(b"200 result=1\n").unwrap(),
        Some(Reply::Ok {
            result: "1".into(),
            extra: String::new()
        })
    );
    let mut r = ReplyReader::default();
    assert_eq!(
        r.push(b"511 Command Not Permitted on a dead channel or intercept routine\n")
            .unwrap(),
        Some(Reply::Gone)
    );
    // A multi-line usage reply.
    let mut r = ReplyReader::default();
    assert_eq!(
        r.push(b"520-Invalid command syntax.  Proper usage follows:\n")
            .unwrap(),
        None
    );
    assert_eq!(
        r.push(b" Usage: GET DATA <file to be streamed> [timeout] [maxdigits]\n")
            .unwrap(),
        None
    );
    assert_eq!(r.push(b"200 text that looks like a reply\n").unwrap(), None);
    assert!(matches!(
        r.push(b"520 End of proper usage.\n").unwrap(),
        Some(Reply::Failed(_))
    ));
    let mut r = ReplyReader::default();
    assert!(matches!(
        r.push(b"510 Invalid or unknown command\n").unwrap(),
        Some(Reply::Failed(_))
    ));
    assert!(Line::parse(b"garbage", false).is_err());
    assert_eq!(
        Line::parse(b"200 result=1234 (timeout)\r\n", false).unwrap(),
        Line::Ok {
            result: "1234".into(),
            extra: "(timeout)".into()
        }
    );
}

#[test]
fn every_reply_line_of_every_transcript_parses() {
    let entries = std::fs::read_dir(transcripts()).unwrap();
    let mut seen = 0;
    for entry in entries {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !(name.ends_with(".agi.log") || name.ends_with(".fastagi.log")) {
            continue;
        }
        let lines = from_asterisk(&name);
        let mut env = EnvironmentReader::default();
        let mut rest = None;
        for (i, l) in lines.iter().enumerate() {
            if env
                .push(l)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .is_some()
            {
                rest = Some(i + 1);
                break;
            }
        }
        let Some(start) = rest else { continue };
        let mut r = ReplyReader::default();
        for l in &lines[start..] {
            r.push(l).unwrap_or_else(|e| panic!("{name}: {e}"));
            seen += 1;
        }
    }
    assert!(seen > 50, "{seen}");
}

#[test]
fn get_data_results() {
    assert_eq!(Entered::from_result(""), Entered::Nothing);
    assert_eq!(Entered::from_result("1234"), Entered::Digits("1234".into()));
    assert_eq!(Entered::from_result("*"), Entered::Digits("*".into()));
}

#[test]
fn commands_quote_their_arguments() {
    assert_eq!(Command::Answer.to_line().unwrap(), "ANSWER\n");
    assert_eq!(
        Command::ChannelStatus.to_line().unwrap(),
        "CHANNEL STATUS\n"
    );
    assert_eq!(
        Command::StreamFile("beep").to_line().unwrap(),
        "STREAM FILE beep \"\"\n"
    );
    assert_eq!(
        Command::GetData {
            prompt: "agent-pass",
            timeout_ms: 10000,
            max_digits: 10
        }
        .to_line()
        .unwrap(),
        "GET DATA agent-pass 10000 10\n"
    );
    assert_eq!(
        Command::SetVariable {
            name: "PINPROTECT_UNTIL",
            value: "2026-11-26T09:05:00Z"
        }
        .to_line()
        .unwrap(),
        "SET VARIABLE PINPROTECT_UNTIL \"2026-11-26T09:05:00Z\"\n"
    );
    assert_eq!(
        Command::SetVariable {
            name: "X",
            value: "a \"b\" \\ c\nd"
        }
        .to_line()
        .unwrap(),
        "SET VARIABLE X \"a \\\"b\\\" \\\\ cd\"\n"
    );
    assert!(Command::StreamFile("beep\nHANGUP").to_line().is_err());
    assert!(
        Command::SetVariable {
            name: "A B",
            value: ""
        }
        .to_line()
        .is_err()
    );
}
