use super::csv_formats::THREECX_PREFIX;
use super::*;
use crate::records::{Column, EXPORT_COLUMNS};

fn read(format: InputFormat, text: &str) -> Vec<std::result::Result<Incoming, RowError>> {
    let mut out = Vec::new();
    read_records(format, text.as_bytes(), &mut |r| {
        out.push(r);
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn v20_positions_name_their_columns() {
    let h = THREECX_V20_HEADER;
    assert_eq!(
        [
            h[v20::NUMBER],
            h[v20::FIRST_NAME],
            h[v20::LAST_NAME],
            h[v20::EMAIL]
        ],
        ["Number", "FirstName", "LastName", "EmailAddress"]
    );
    assert_eq!(
        [h[v20::VMPIN], h[v20::PIN_PROTECTED], h[v20::PIN_TIMEOUT]],
        ["VMPIN", "PinProtected", "PinTimeout"]
    );
    // The published header, as in the 3CX documentation.
    assert!(h.join(",").starts_with(THREECX_PREFIX));
    assert!(
        h.join(",")
            .ends_with("GoogleContactsDisabled,GoogleCalendarDisabled,BLF")
    );
}

#[test]
fn crlf_becomes_lf_across_chunk_boundaries() {
    /// Hands out one byte at a time.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((b, rest)) if !buf.is_empty() => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    for input in [
        &b"a\r\nb\rc\r\n\r\r\n"[..],
        b"\r",
        b"x\r\r",
        b"\r\n\r\n",
        b"plain",
    ] {
        let expected: Vec<u8> = String::from_utf8_lossy(input)
            .replace("\r\n", "\n")
            .into_bytes();
        for capacity in [1, 2, 3, 64] {
            let mut out = Vec::new();
            let inner = io::BufReader::with_capacity(capacity, Trickle(input));
            CrlfToLf { inner }.read_to_end(&mut out).unwrap();
            assert_eq!(out, expected, "{input:?} {capacity}");
            // Reads into a one-byte buffer.
            let mut out = Vec::new();
            let mut r = CrlfToLf {
                inner: io::BufReader::with_capacity(capacity, input),
            };
            let mut one = [0u8; 1];
            while r.read(&mut one).unwrap() == 1 {
                out.push(one[0]);
            }
            assert_eq!(out, expected, "{input:?} {capacity} one byte at a time");
        }
    }
}

#[test]
fn csv_line_numbers_with_crlf() {
    let rows = read(
        InputFormat::Csv,
        "extension\r\n100\r\n\"1\r\n01\"\r\n102\r\n",
    );
    let lines: Vec<u64> = rows.iter().map(|r| r.as_ref().unwrap().line).collect();
    assert_eq!(lines, [2, 3, 5]);
}

#[test]
fn detection() {
    let d = |name: Option<&str>, head: &str| {
        detect(name.map(Path::new), head.as_bytes(), Delimiter::COMMA)
    };
    assert_eq!(d(Some("x.json"), ""), InputFormat::Json);
    assert_eq!(d(Some("x.JSONL"), ""), InputFormat::Jsonl);
    assert_eq!(d(Some("voicemail.conf"), ""), InputFormat::VoicemailConf);
    assert_eq!(
        d(
            Some("x.csv"),
            "Number,FirstName,LastName,EmailAddress,MobileNumber"
        ),
        InputFormat::ThreeCx
    );
    assert_eq!(d(Some("x.csv"), "extension,first_name"), InputFormat::Csv);
    assert_eq!(d(None, "\n[\n  {\"extension\":\"100\"}"), InputFormat::Json);
    assert_eq!(d(None, "[{\"extension\":\"100\"}]"), InputFormat::Json);
    assert_eq!(d(None, "{\"extension\":\"100\"}\n"), InputFormat::Jsonl);
    assert_eq!(
        d(None, "[general]\nformat=wav\n"),
        InputFormat::VoicemailConf
    );
    assert_eq!(d(None, "; comment\n"), InputFormat::VoicemailConf);
    assert_eq!(d(None, "1234 => 4242,A B\n"), InputFormat::VoicemailConf);
    assert_eq!(d(None, "extension\n100\n"), InputFormat::Csv);
    // FreePBX: `extension` with a column of its own, in any order.
    assert_eq!(
        d(Some("x.csv"), "extension,password,name,voicemail,ringtimer"),
        InputFormat::FreePbx
    );
    assert_eq!(
        d(None, "\"voicemail_vmpwd\",\"Extension\"\n"),
        InputFormat::FreePbx
    );
    assert_eq!(d(None, "name,voicemail_vmpwd\n"), InputFormat::Csv);
    // Semicolons, when the file is said to use them.
    let semi = |head: &str| detect(None, head.as_bytes(), ";".parse().unwrap());
    assert_eq!(
        semi("Number;FirstName;LastName;EmailAddress;MobileNumber"),
        InputFormat::ThreeCx
    );
    assert_eq!(
        semi("extension;password;name;voicemail"),
        InputFormat::FreePbx
    );
    assert_eq!(semi("extension;first_name"), InputFormat::Csv);
    assert_eq!(semi("; a comment\n[default]\n"), InputFormat::VoicemailConf);
}

/// The own CSV reads every exported column: a header of all of them,
/// derived from the column definition, sets every field it names.
#[test]
fn own_csv_reads_every_exported_column() {
    use crate::records::EXPORTED;
    let values: Vec<&str> = EXPORTED
        .iter()
        .map(|c| match c {
            Column::Number => "0100",
            Column::FirstName => "Zoë",
            Column::LastName => "Martin",
            Column::Email => "z@example.com",
            Column::VoicemailPin => "0042",
            Column::PinProtect => "true",
            Column::Duration => "90",
            Column::UnlockedUntil => "2026-11-26T09:10:00Z",
            Column::VoicemailOptions => "attach=yes|saycid=no",
            Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => {
                unreachable!("not exported")
            }
        })
        .collect();
    let text = format!("{}\n{}\n", EXPORT_COLUMNS.join(","), values.join(","));
    let rows = read(InputFormat::Csv, &text);
    let inc = rows[0].clone().unwrap();
    for c in EXPORTED {
        let read = match c {
            Column::Number => inc.extension == "0100",
            Column::FirstName => inc.first_name == FieldEdit::Set("Zoë".into()),
            Column::LastName => inc.last_name == FieldEdit::Set("Martin".into()),
            Column::Email => inc.email == FieldEdit::Set("z@example.com".into()),
            Column::VoicemailPin => inc.voicemail_pin == FieldEdit::Set("0042".into()),
            Column::PinProtect => inc.pin_protect == Some(true),
            Column::Duration => inc.duration_s == FieldEdit::Set(90),
            // A grant is runtime state: read and ignored.
            Column::UnlockedUntil => true,
            Column::VoicemailOptions => {
                inc.voicemail_options == FieldEdit::Set("attach=yes|saycid=no".into())
            }
            Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => false,
        };
        assert!(read, "{c:?}");
    }
}

#[test]
fn full_names_split_at_the_last_space() {
    let set = |s: &str| FieldEdit::Set(s.to_owned());
    assert_eq!(
        split_full_name(" Anna van der  Berg "),
        (set("Anna van der"), set("Berg"))
    );
    assert_eq!(split_full_name("Bob"), (set("Bob"), FieldEdit::Clear));
    assert_eq!(split_full_name("  "), (FieldEdit::Clear, FieldEdit::Clear));
}

#[test]
fn freepbx_voicemail_decides_the_pin() {
    let rows = read(
        InputFormat::FreePbx,
        "extension,voicemail,voicemail_enable,voicemail_vmpwd\n\
             100,default,yes,0042\n\
             101,default,,1234\n\
             102,default,YES,\n\
             103,novm,no,5678\n",
    );
    let pins: Vec<_> = rows.into_iter().map(|r| r.unwrap().voicemail_pin).collect();
    assert_eq!(
        pins,
        [
            FieldEdit::Set("0042".into()),
            FieldEdit::Keep,
            FieldEdit::Keep,
            FieldEdit::Keep
        ]
    );
    // Without voicemail_enable, `novm` in `voicemail` is the switch.
    let rows = read(
        InputFormat::FreePbx,
        "voicemail,extension,voicemail_vmpwd\nnovm,100,1234\ndefault,101,2345\n",
    );
    let pins: Vec<_> = rows.into_iter().map(|r| r.unwrap().voicemail_pin).collect();
    assert_eq!(pins, [FieldEdit::Keep, FieldEdit::Set("2345".into())]);
}

#[test]
fn own_csv_in_any_column_order() {
    let rows = read(
        InputFormat::Csv,
        "voicemail_pin,extension,first_name,pin_protect,pin_protect_duration_s\n0042,0100,\"Zoë, \"\"Z\"\"\",true,90\n,101,,,\n",
    );
    let a = rows[0].clone().unwrap();
    assert_eq!(a.line, 2);
    assert_eq!(a.extension, "0100");
    assert_eq!(a.voicemail_pin, FieldEdit::Set("0042".into()));
    assert_eq!(a.first_name, FieldEdit::Set("Zoë, \"Z\"".into()));
    assert_eq!(a.last_name, FieldEdit::Keep);
    assert_eq!(a.pin_protect, Some(true));
    assert_eq!(a.duration_s, FieldEdit::Set(90));
    let b = rows[1].clone().unwrap();
    assert_eq!(
        (b.line, b.voicemail_pin, b.pin_protect, b.duration_s),
        (3, FieldEdit::Clear, None, FieldEdit::Clear)
    );
}

#[test]
fn own_csv_unknown_column_is_named() {
    let err = read_records(
        InputFormat::Csv,
        "extension,pin\n100,1\n".as_bytes(),
        &mut |_| Ok(()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown column 'pin'"), "{err}");
    let err = read_records(InputFormat::Csv, "first_name\nA\n".as_bytes(), &mut |_| {
        Ok(())
    })
    .unwrap_err();
    assert!(err.to_string().contains("'extension' is missing"), "{err}");
}

#[test]
fn json_array_with_line_numbers() {
    let rows = read(
        InputFormat::Json,
        "[\n  {\"extension\":\"100\",\"voicemail_pin\":\"0042\",\"pin_protect\":false,\"pin_protect_duration_s\":null},\n  {\"extension\":101}\n]\n",
    );
    let a = rows[0].clone().unwrap();
    assert_eq!(
        (a.line, a.extension.as_str(), a.duration_s),
        (2, "100", FieldEdit::Clear)
    );
    let b = rows[1].clone().unwrap_err();
    assert_eq!(b.line, 3);
    assert!(
        b.message.contains("\"extension\" must be a string"),
        "{}",
        b.message
    );
    let rows = read(
        InputFormat::Json,
        "[\n {\"extension\":\"100\"},\n {\"extension\": }\n]",
    );
    assert!(
        rows[1]
            .clone()
            .unwrap_err()
            .message
            .contains("invalid JSON")
    );
    assert_eq!(rows[1].clone().unwrap_err().line, 3);
    let rows = read(InputFormat::Json, "[{\"extension\":\"100\",\"pin\":\"1\"}]");
    assert!(
        rows[0]
            .clone()
            .unwrap_err()
            .message
            .contains("unknown key \"pin\"")
    );
}

#[test]
fn jsonl_lines() {
    let rows = read(
        InputFormat::Jsonl,
        "{\"extension\":\"100\"}\n\n{\"extension\":\"101\",\"pin_protect\":\"yes\"}\nnot json\n",
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].clone().unwrap().line, 1);
    assert_eq!(rows[1].clone().unwrap_err().line, 3);
    assert_eq!(rows[2].clone().unwrap_err().line, 4);
}

#[test]
fn voicemail_conf_mailboxes() {
    let text = "[general]\nformat=wav49\n\n[zonemessages]\neastern=America/New_York|'vm-received' Q 'digits/at' IMp\n\n\
                    [default]\n1234 => 4242,Example Mailbox,root@localhost ; a comment\n; 9999 => 1111,Commented Out\n\
                    0100 => -0042,Mary Ann Smith,,pager@x,attach=yes\n\n[other]\n200=>5555,Solo\n";
    let rows = read(InputFormat::VoicemailConf, text);
    assert_eq!(rows.len(), 3);
    let a = rows[0].clone().unwrap();
    assert_eq!((a.line, a.extension.as_str()), (8, "1234"));
    assert_eq!(a.voicemail_pin, FieldEdit::Set("4242".into()));
    assert_eq!(a.first_name, FieldEdit::Set("Example".into()));
    assert_eq!(a.last_name, FieldEdit::Set("Mailbox".into()));
    assert_eq!(a.email, FieldEdit::Set("root@localhost".into()));
    let b = rows[1].clone().unwrap();
    assert_eq!(b.voicemail_pin, FieldEdit::Set("0042".into()));
    assert_eq!(b.first_name, FieldEdit::Set("Mary Ann".into()));
    assert_eq!(b.last_name, FieldEdit::Set("Smith".into()));
    assert_eq!(b.email, FieldEdit::Clear);
    let c = rows[2].clone().unwrap();
    assert_eq!(
        (c.extension.as_str(), c.first_name, c.last_name),
        ("200", FieldEdit::Set("Solo".into()), FieldEdit::Clear)
    );
}

#[test]
fn validation_reports_every_problem_of_a_record() {
    let mut inc = Incoming::new(7, "10a".into());
    inc.voicemail_pin = FieldEdit::Set("42".into());
    inc.email = FieldEdit::Set("nope".into());
    let e = inc.validate(&DialPlan::default()).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.message.contains("only digits"), "{}", e.message);
    assert!(e.message.contains("leading zeros"), "{}", e.message);
    assert!(e.message.contains("e-mail"), "{}", e.message);
    assert!(
        !e.message.contains(" 42"),
        "never repeats a PIN: {}",
        e.message
    );
    let fc = Incoming::new(1, "7777".into())
        .validate(&DialPlan::default())
        .unwrap_err();
    assert!(fc.message.contains("feature code"));
}
