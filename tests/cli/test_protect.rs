use predicates::prelude::*;

use crate::common::{Env, json};

fn status(env: &Env, now: &str) -> String {
    let out = env
        .at(now)
        .args(["status", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

const HEADER: &str =
    "extension,pin_protect,pin_protect_duration_s,state,unlocked_until,locked_out_until\n";

#[test]
fn durations_in_every_accepted_form() {
    let env = Env::new();
    env.add("100", "4826");
    for (text, secs) in [
        ("300", 300),
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1h30m", 5400),
        ("24h", 86400),
        ("1s", 1),
    ] {
        env.ok(["enable", "100", "--duration", text]);
        let v = json(&env.stdout(&["status", "100", "--format", "json"]));
        assert_eq!(v[0]["pin_protect_duration_s"], secs, "{text}");
    }
    for bad in [
        "0", "0s", "86401", "24h1s", "1.5h", "5 m", "-5m", "1d", "", "m",
    ] {
        env.cmd()
            .args(["enable", "100", "--duration", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("duration"));
    }
    assert_eq!(
        status(&env, "2026-11-26T09:00:00Z"),
        format!("{HEADER}100,true,1,locked,,\n")
    );
}

#[test]
fn enable_without_a_duration_uses_the_stored_one_or_default_duration() {
    let env = Env::new();
    env.add("100", "4826");
    env.add("101", "5937");
    // None stored: default_duration (5 minutes), and it says so.
    env.ok(["enable", "100"]).stderr(
        "pin protect on for extension 100; no duration was stored, so it got default_duration 5m\n",
    );
    env.ok(["enable", "100", "--duration", "15m"])
        .stderr("pin protect on for extension 100, duration 15m\n");
    env.ok(["disable", "100"]);
    // The duration was kept: nothing defaulted.
    env.ok(["enable", "100"])
        .stderr("pin protect on for extension 100\n");
    env.ok(["disable", "100"]);
    env.ok(["settings", "set", "default_duration", "2h"]);
    env.ok(["enable", "--all"])
        .stderr(
            "pin protect on for all 2 extensions; 1 had no duration stored and got default_duration 2h\n",
        );
    assert_eq!(
        status(&env, "2026-11-26T09:00:00Z"),
        format!("{HEADER}100,true,900,locked,,\n101,true,7200,locked,,\n")
    );
    env.ok(["enable", "--all", "--duration", "1h"])
        .stderr("pin protect on for all 2 extensions, duration 1h\n");
    assert_eq!(
        status(&env, "2026-11-26T09:00:00Z"),
        format!("{HEADER}100,true,3600,locked,,\n101,true,3600,locked,,\n")
    );
    env.cmd().args(["enable"]).assert().code(2);
    env.cmd().args(["enable", "100", "--all"]).assert().code(2);
}

#[test]
fn enable_all_counts_every_extension_that_took_default_duration() {
    let env = Env::new();
    // 5,000 extensions; every third has a duration stored.
    crate::common::fill(&env, 5000);
    env.ok(["enable", "--all"])
        .stderr(
            "pin protect on for all 5000 extensions; 3333 had no duration stored and got default_duration 5m\n",
        );
    let log = crate::common::json(&env.stdout(&["log", "--format", "json", "--limit", "1"]));
    assert_eq!(
        log[0]["detail"],
        "all 5000 extensions, default_duration 5m for 3333 without a duration"
    );
}

#[test]
fn changing_the_duration_keeps_the_running_grant() {
    let env = Env::new();
    env.add_protected("100", "4826", "10m");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .success();
    env.at("2026-11-26T09:01:00Z")
        .args(["enable", "100", "--duration", "1m"])
        .assert()
        .success();
    assert_eq!(
        status(&env, "2026-11-26T09:05:00Z"),
        format!("{HEADER}100,true,60,unlocked,2026-11-26T09:10:00Z,\n")
    );
    // The next PIN entry uses the new duration.
    env.dial_pin("100", "4826", "2026-11-26T09:06:00Z")
        .success();
    assert_eq!(
        status(&env, "2026-11-26T09:06:30Z"),
        format!("{HEADER}100,true,60,unlocked,2026-11-26T09:07:00Z,\n")
    );
}

#[test]
fn disable_clears_the_grant_and_re_enable_starts_locked() {
    let env = Env::new();
    env.add_protected("100", "4826", "10m");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .success();
    env.at("2026-11-26T09:01:00Z")
        .args(["disable", "100"])
        .assert()
        .success()
        .stderr("pin protect off for extension 100\n");
    assert_eq!(
        status(&env, "2026-11-26T09:02:00Z"),
        format!("{HEADER}100,false,600,unrestricted,,\n")
    );
    env.at("2026-11-26T09:02:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("not pin protected"));
    env.at("2026-11-26T09:03:00Z")
        .args(["enable", "100"])
        .assert()
        .success();
    assert_eq!(
        status(&env, "2026-11-26T09:03:00Z"),
        format!("{HEADER}100,true,600,locked,,\n")
    );
    env.at("2026-11-26T09:03:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}

#[test]
fn revoke_ends_grants_now() {
    let env = Env::new();
    env.add_protected("100", "4826", "10m");
    env.add_protected("101", "5937", "10m");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .success();
    env.dial_pin("101", "5937", "2026-11-26T09:00:00Z")
        .success();
    env.at("2026-11-26T09:01:00Z")
        .args(["revoke", "100"])
        .assert()
        .success()
        .stderr("grant ended for extension 100\n");
    assert_eq!(
        status(&env, "2026-11-26T09:01:00Z"),
        format!("{HEADER}100,true,600,locked,,\n101,true,600,unlocked,2026-11-26T09:10:00Z,\n")
    );
    // Only what ended is counted: 101's grant, not the other extensions.
    for n in 102..108 {
        env.add(&n.to_string(), &format!("{}", 5000 + n * 7));
    }
    env.at("2026-11-26T09:01:00Z")
        .args(["revoke", "--all"])
        .assert()
        .success()
        .stderr("1 running grant ended (all 8 extensions checked)\n");
    assert!(status(&env, "2026-11-26T09:01:00Z").starts_with(&format!(
        "{HEADER}100,true,600,locked,,\n101,true,600,locked,,\n"
    )));
    let log = json(&env.stdout(&["log", "--event", "revoke", "--format", "json"]));
    assert_eq!(
        log.as_array().unwrap().last().unwrap()["detail"],
        "all 8 extensions, 1 running grant ended"
    );
    env.at("2026-11-26T09:01:00Z")
        .args(["revoke", "--all"])
        .assert()
        .success()
        .stderr("no grant was running, so none ended (all 8 extensions checked)\n");
    env.dial_pin("100", "4826", "2026-11-26T09:02:00Z")
        .success();
    env.at("2026-11-26T09:03:00Z")
        .args(["revoke", "100", "101", "102"])
        .assert()
        .success()
        .stderr("grant ended for extension 100; 2 others had none\n");
    env.at("2026-11-26T09:03:00Z")
        .args(["revoke", "101"])
        .assert()
        .success()
        .stderr("no grant was running for extension 101, so none ended\n");
}

#[test]
fn several_extensions_are_all_or_nothing() {
    let env = Env::new();
    env.add("100", "4826");
    env.add_protected("101", "5937", "10m");
    env.dial_pin("101", "5937", "2026-11-26T09:00:00Z")
        .success();
    let before = status(&env, "2026-11-26T09:00:00Z");
    for args in [
        &["enable", "100", "999", "--duration", "5m"][..],
        &["enable", "100", "0999", "998", "--duration", "5m"],
        &["disable", "101", "999"],
        &["revoke", "101", "999"],
    ] {
        env.cmd()
            .args(args)
            .assert()
            .code(3)
            .stderr(predicate::str::contains("unknown extension"));
        assert_eq!(status(&env, "2026-11-26T09:00:00Z"), before, "{args:?}");
    }
    env.cmd()
        .args(["enable", "100", "0999", "998", "--duration", "5m"])
        .assert()
        .stderr(predicate::str::contains("unknown extensions 0999 and 998"));
    env.cmd()
        .args(["status", "100", "999"])
        .assert()
        .code(3)
        .stdout("");
    env.cmd()
        .args(["status", "100", "999", "--format", "csv"])
        .assert()
        .code(3)
        .stdout("");
}

#[test]
fn status_in_every_format() {
    let env = Env::new();
    env.add("0100", "0042");
    env.add_protected("101", "5937", "90s");
    env.add_protected("102", "2468", "1h");
    env.dial_pin("102", "2468", "2026-11-26T08:30:00Z")
        .success();
    let v = json(&env.stdout(&["status", "--format", "json"]));
    assert_eq!(
        v,
        serde_json::json!([
            {"extension": "0100", "pin_protect": false, "pin_protect_duration_s": null, "state": "unrestricted", "unlocked_until": null, "locked_out_until": null},
            {"extension": "101", "pin_protect": true, "pin_protect_duration_s": 90, "state": "locked", "unlocked_until": null, "locked_out_until": null},
            {"extension": "102", "pin_protect": true, "pin_protect_duration_s": 3600, "state": "unlocked", "unlocked_until": "2026-11-26T09:30:00Z", "locked_out_until": null},
        ])
    );
    // Named extensions come in the order given.
    let v = json(&env.stdout(&["status", "102", "0100", "--format", "json"]));
    assert_eq!(v[0]["extension"], "102");
    assert_eq!(v[1]["extension"], "0100");
    // Local time, the date left out on today's date; a column no row
    // fills is left out.
    let table = env.stdout(&["status"]);
    assert_eq!(
        table,
        "EXTENSION  PIN PROTECT  DURATION  STATE         UNLOCKED UNTIL\n\
         0100       off          -         unrestricted\n\
         101        on           1m30s     locked\n\
         102        on           1h        unlocked      09:30:00 +00:00\n"
    );
    let in_zone = |tz: &str, args: &[&str]| {
        let out = env.cmd().env("TZ", tz).args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let cet = "CET-1CEST,M3.5.0,M10.5.0/3";
    let local = in_zone(cet, &["status", "102"]);
    assert!(local.ends_with("unlocked  10:30:00 +01:00\n"), "{local}");
    let utc = in_zone(cet, &["status", "102", "--utc"]);
    assert!(utc.ends_with("unlocked  09:30:00 +00:00\n"), "{utc}");
    // Past midnight there (while it is still the 26th at `now`): the date.
    let far = in_zone("<+1440>-14:40", &["status", "102"]);
    assert!(
        far.ends_with("unlocked  2026-11-27 00:10:00 +14:40\n"),
        "{far}"
    );
    // Machine formats stay UTC in any zone.
    assert_eq!(
        in_zone(cet, &["status", "102", "--format", "csv"]),
        format!("{HEADER}102,true,3600,unlocked,2026-11-26T09:30:00Z,\n")
    );
}
