use super::*;
use proptest::prelude::*;

fn ext(s: &str) -> Extension {
    s.parse().unwrap()
}

fn num(s: &str) -> DialedNumber {
    s.parse().unwrap()
}

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(s)
}

fn secs(s: &str) -> u32 {
    s.parse::<PinDuration>().unwrap().as_secs()
}

#[test]
fn built_in_emergency_numbers_with_and_without_a_prefix() {
    for n in [
        "911", "112", "999", "000", "9911", "0112", "1234999", "+ 9 1 1",
    ] {
        let n = num(n.trim_start_matches("+ "));
        assert!(DialPlan::is_built_in_emergency(&n), "{n}");
    }
    for n in ["91", "12345911", "9113", "+911", "*911", "4911x"] {
        let Ok(n) = n.parse::<DialedNumber>() else {
            continue;
        };
        assert!(!DialPlan::is_built_in_emergency(&n), "{n}");
    }
    let plan = DialPlan::default();
    assert!(plan.emergency_decision(&num("112")).unwrap().permitted);
    assert_eq!(plan.emergency_decision(&num("0112")), None);
}

#[test]
fn times_outside_1970_to_9999_are_refused() {
    assert!("0001-01-01T00:00:00Z".parse::<Timestamp>().is_err());
    assert!("1969-12-31T23:59:59Z".parse::<Timestamp>().is_err());
    assert!("+10000-01-01T00:00:00Z".parse::<Timestamp>().is_err());
    assert_eq!(
        "1970-01-01T00:00:00Z".parse::<Timestamp>().unwrap(),
        Timestamp::EARLIEST
    );
    let last = "9999-12-31T23:59:59Z".parse::<Timestamp>().unwrap();
    assert_eq!(last, Timestamp::LATEST);
    assert_eq!(last.to_rfc3339(), "9999-12-31T23:59:59Z");
}

#[test]
fn names_and_emails() {
    assert_eq!(
        "Zoë O'Brien, \"Jr\"".parse::<Name>().unwrap().as_str(),
        "Zoë O'Brien, \"Jr\""
    );
    for bad in ["", "a\nb", "tab\there", "bell\u{7}", &"x".repeat(101)] {
        assert!(bad.parse::<Name>().is_err(), "{bad:?}");
    }
    assert!("a@b.example".parse::<Email>().is_ok());
    for bad in ["", "ab", "@b", "a@", "a b@c", "a@b@c", "a@b\n"] {
        assert!(bad.parse::<Email>().is_err(), "{bad:?}");
    }
}

#[test]
fn extension_keeps_leading_zeros_and_orders_numerically() {
    assert_eq!(ext("0100").as_str(), "0100");
    assert_ne!(ext("0100"), ext("100"));
    let mut v = [ext("1000"), ext("0100"), ext("99"), ext("100"), ext("0099")];
    v.sort();
    let got: Vec<_> = v.iter().map(Extension::as_str).collect();
    assert_eq!(got, ["0099", "99", "0100", "100", "1000"]);
}

#[test]
fn extension_rejects_bad_shapes() {
    for bad in ["", "1", "12345678901", "12a", " 12", "١٢٣", "+12", "-12"] {
        assert!(bad.parse::<Extension>().is_err(), "{bad:?}");
    }
    assert!("12".parse::<Extension>().is_ok());
    assert!("1234567890".parse::<Extension>().is_ok());
}

#[test]
fn pin_rules() {
    assert_eq!("0042".parse::<Pin>().unwrap().expose(), "0042");
    for bad in ["", "123", "12345678901", "12a4", "12 34", "１２３４"] {
        assert!(bad.parse::<Pin>().is_err(), "{bad:?}");
    }
    let p: Pin = "0042".parse().unwrap();
    assert!(p.matches("0042"));
    assert!(!p.matches("042"));
    assert!(!p.matches("00420"));
    assert!(!p.matches("0043"));
    assert!(!p.matches(""));
    assert_eq!(format!("{p:?}"), "Pin(<redacted>)");
}

#[test]
fn parse_errors_never_repeat_a_pin() {
    for bad in ["98765432109876", "98a7", "987"] {
        let e = bad.parse::<Pin>().unwrap_err();
        assert!(!e.0.contains(bad), "{}", e.0);
    }
}

#[test]
fn durations() {
    assert_eq!(secs("300"), 300);
    assert_eq!(secs("90s"), 90);
    assert_eq!(secs("15m"), 900);
    assert_eq!(secs("2h"), 7200);
    assert_eq!(secs("1h30m"), 5400);
    assert_eq!(secs("1h0m15s"), 3615);
    assert_eq!(secs("24h"), 86400);
    assert_eq!(secs("1s"), 1);
    for bad in [
        "",
        "0",
        "0s",
        "86401",
        "24h1s",
        "1.5h",
        "1H",
        "h",
        "1h1h",
        "30m1h",
        "5 m",
        "-5",
        "+5",
        "5x",
        "1m30",
        "99999999999999999999",
        "9999999999h",
    ] {
        assert!(bad.parse::<PinDuration>().is_err(), "{bad:?}");
    }
}

#[test]
fn duration_display() {
    assert_eq!(PinDuration::from_secs(5400).unwrap().to_string(), "1h30m");
    assert_eq!(PinDuration::from_secs(90).unwrap().to_string(), "1m30s");
    assert_eq!(PinDuration::from_secs(86400).unwrap().to_string(), "24h");
    assert_eq!(PinDuration::from_secs(3601).unwrap().to_string(), "1h1s");
}

#[test]
fn dialed_numbers() {
    assert_eq!(num("+49 (30) 123-45.67").as_str(), "+49301234567");
    assert_eq!(num("*72#").as_str(), "*72#");
    for bad in [
        "",
        "   ",
        "()",
        "+",
        "12a",
        "1+2",
        "911\n",
        "0x12",
        &"1".repeat(33),
    ] {
        assert!(bad.parse::<DialedNumber>().is_err(), "{bad:?}");
    }
    assert_eq!(num("0100").as_extension(), Some(ext("0100")));
    assert_eq!(num("+100").as_extension(), None);
}

#[test]
fn timestamps() {
    let ts: Timestamp = "2026-11-26T10:00:00+01:00".parse().unwrap();
    assert_eq!(ts.to_rfc3339(), "2026-11-26T09:00:00Z");
    let frac: Timestamp = "2026-11-26T09:00:00.999Z".parse().unwrap();
    assert_eq!(frac, ts);
    assert!("yesterday".parse::<Timestamp>().is_err());
    assert!("2026-11-26".parse::<Timestamp>().is_err());
}

fn protected(grant: Option<Grant>) -> Protection {
    Protection {
        enabled: true,
        duration: Some(PinDuration::from_secs(300).unwrap()),
        grant,
    }
}

#[test]
fn decision_order() {
    let plan = DialPlan::default();
    let locked = protected(None);
    let now = t(1000);
    let d = |p: &Protection, n: &str, exists: bool| decide(&plan, p, &num(n), now, |_| exists);
    assert_eq!(d(&locked, "911", false).reason, Reason::Emergency);
    assert_eq!(d(&locked, "000", false).reason, Reason::Emergency);
    assert_eq!(d(&locked, "7777", true).reason, Reason::FeatureCode);
    assert_eq!(d(&locked, "101", true).reason, Reason::Internal);
    assert_eq!(d(&locked, "101", false).reason, Reason::Locked);
    assert!(!d(&locked, "101", false).permitted);
    assert_eq!(
        d(&Protection::default(), "0049301234", false).reason,
        Reason::NotProtected
    );
    let open = protected(Some(Grant::start(
        t(900),
        PinDuration::from_secs(300).unwrap(),
    )));
    let dec = d(&open, "0049301234", false);
    assert_eq!(
        (dec.permitted, dec.reason, dec.unlocked_until),
        (true, Reason::Unlocked, Some(t(1200)))
    );
    // The existence lookup is not asked for numbers that cannot be extensions.
    let dec = decide(&plan, &locked, &num("+100"), now, |_| panic!("asked"));
    assert_eq!(dec.reason, Reason::Locked);
    // With an outbound prefix, prefix + emergency number is an emergency call.
    let prefixed = DialPlan {
        outbound_prefix: "9".into(),
        ..DialPlan::default()
    };
    let d9 = |n: &str| decide(&prefixed, &locked, &num(n), now, |_| false).reason;
    assert_eq!(d9("9911"), Reason::Emergency);
    assert_eq!(d9("9112"), Reason::Emergency);
    assert_eq!(d9("911"), Reason::Emergency);
    assert_eq!(d9("99112"), Reason::Locked);
    assert_eq!(d(&locked, "9911", false).reason, Reason::Locked);
}

#[test]
fn an_unknown_caller_gets_emergency_numbers_and_what_the_setting_says() {
    let deny = DialPlan::default();
    let permit = DialPlan {
        unknown_extensions: UnknownExtensions::Permit,
        ..DialPlan::default()
    };
    for plan in [&deny, &permit] {
        let d = plan.unknown_caller_decision(&num("112"));
        assert_eq!((d.permitted, d.reason), (true, Reason::Emergency));
    }
    let d = deny.unknown_caller_decision(&num("0049301234567"));
    assert_eq!((d.permitted, d.reason), (false, Reason::UnknownExtension));
    let d = permit.unknown_caller_decision(&num("0049301234567"));
    assert_eq!((d.permitted, d.reason), (true, Reason::UnknownExtension));
    assert_eq!(
        "Permit".parse::<UnknownExtensions>(),
        Ok(UnknownExtensions::Permit)
    );
    assert!("allow".parse::<UnknownExtensions>().is_err());
}

proptest! {
    /// No number the plan treats as an emergency number, dialed as it
    /// is, can be an extension; and every number it lists as such is
    /// one it refuses.
    #[test]
    fn no_extension_is_an_emergency_number(
        number in "[0-9]{2,6}",
        prefix in "[0-9]{0,2}",
        list in proptest::collection::vec("[0-9]{2,4}", 1..4),
    ) {
        let plan = DialPlan {
            feature_code: FeatureCode::default(),
            emergency_numbers: list,
            outbound_prefix: prefix,
            ..DialPlan::default()
        };
        let ext: Extension = number.parse().unwrap();
        let dialed: DialedNumber = number.parse().unwrap();
        if plan.is_emergency(&dialed) {
            prop_assert!(plan.check_extension(&ext).is_err());
        }
        for e in plan.emergency_extensions() {
            prop_assert!(plan.check_extension(&e).is_err());
        }
    }

    #[test]
    fn window_rule(start in -1_000_000_000i64..4_000_000_000, dur in 1u32..=86400, offset in -200_000i64..200_000) {
        let d = PinDuration::from_secs(i64::from(dur)).unwrap();
        let g = Grant::start(t(start), d);
        let now = t(start + offset);
        let p = protected(Some(g));
        let expected = offset >= 0 && offset < i64::from(dur);
        prop_assert_eq!(g.is_active(now), expected);
        prop_assert_eq!(p.state(now) == State::Locked, !expected);
        let dec = decide(&DialPlan::default(), &p, &num("0049301234"), now, |_| false);
        prop_assert_eq!(dec.permitted, expected);
        prop_assert_eq!(dec.reason, if expected { Reason::Unlocked } else { Reason::Locked });
        // Emergency numbers are permitted whatever the window.
        prop_assert!(decide(&DialPlan::default(), &p, &num("112"), now, |_| false).permitted);
    }

    #[test]
    fn boundary_is_exclusive(start in 0i64..4_000_000_000, dur in 1u32..=86400) {
        let g = Grant::start(t(start), PinDuration::from_secs(i64::from(dur)).unwrap());
        prop_assert!(g.is_active(t(start + i64::from(dur) - 1)));
        prop_assert!(!g.is_active(t(start + i64::from(dur))));
    }

    #[test]
    fn duration_seconds_roundtrip(n in 0i64..200_000) {
        let parsed = n.to_string().parse::<PinDuration>();
        prop_assert_eq!(parsed.is_ok(), (1..=86400).contains(&n));
        if let Ok(d) = parsed {
            prop_assert_eq!(i64::from(d.as_secs()), n);
            // The compact display parses back to the same duration.
            prop_assert_eq!(d.to_string().parse::<PinDuration>().unwrap(), d);
        }
    }

    #[test]
    fn duration_units(h in 0i64..30, m in 0i64..100, s in 0i64..100) {
        let text = format!("{h}h{m}m{s}s");
        let total = h * 3600 + m * 60 + s;
        let parsed = text.parse::<PinDuration>();
        prop_assert_eq!(parsed.is_ok(), (1..=86400).contains(&total));
        if let Ok(d) = parsed {
            prop_assert_eq!(i64::from(d.as_secs()), total);
        }
    }

    #[test]
    fn duration_parser_never_panics(s in "\\PC{0,12}") {
        let _ = s.parse::<PinDuration>();
    }

    #[test]
    fn extension_accepts_exactly_digit_strings(s in "[0-9]{0,12}") {
        let parsed = s.parse::<Extension>();
        prop_assert_eq!(parsed.is_ok(), (2..=10).contains(&s.len()));
        if let Ok(e) = parsed {
            prop_assert_eq!(e.as_str(), s.as_str());
        }
    }

    #[test]
    fn extension_rejects_non_digits(s in "[0-9]{1,5}[^0-9][0-9]{0,4}") {
        prop_assert!(s.parse::<Extension>().is_err());
    }

    #[test]
    fn pin_accepts_exactly_digit_strings(s in "[0-9]{0,12}") {
        let parsed = s.parse::<Pin>();
        prop_assert_eq!(parsed.is_ok(), (4..=10).contains(&s.len()));
        if let Ok(p) = parsed {
            prop_assert_eq!(p.expose(), s.as_str());
            prop_assert!(p.matches(&s));
        }
    }

    #[test]
    fn pin_matches_only_itself(a in "[0-9]{4,10}", b in "[0-9]{0,10}") {
        let p: Pin = a.parse().unwrap();
        prop_assert_eq!(p.matches(&b), a == b);
    }

    #[test]
    fn dialed_number_drops_separators(core in "\\+?[0-9*#]{1,20}", seps in proptest::collection::vec("[ .()-]", 0..6)) {
        let mut text = core.clone();
        for (i, s) in seps.iter().enumerate() {
            let at = ((i * 7) % (text.len() + 1)).max(usize::from(core.starts_with('+')));
            text.insert_str(at.min(text.len()), s);
        }
        let parsed = text.parse::<DialedNumber>().unwrap();
        prop_assert_eq!(parsed.as_str(), core.as_str());
    }

    #[test]
    fn dialed_number_rejects_letters(prefix in "[0-9]{0,5}", bad in "[a-zA-Z_,;:/]", suffix in "[0-9]{0,5}") {
        let text = format!("{prefix}{bad}{suffix}");
        prop_assert!(text.parse::<DialedNumber>().is_err());
    }
}
