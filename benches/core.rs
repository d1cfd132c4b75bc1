//! `cargo bench`: the pure decision and parsing code, timed with a plain
//! loop (no harness): nanoseconds per call, best of several rounds.
//! `cargo bench -- --quick` runs a short round for a smoke test.

use std::hint::black_box;
use std::time::Instant;

use pinprotect::lockout::{LockoutPolicy, PinEntryState, attempt};
use pinprotect::policy::{
    DialPlan, DialedNumber, Extension, Grant, Pin, PinDuration, Protection, Timestamp, decide,
};
use pinprotect::weakpin::weakness;

fn bench(name: &str, iterations: u32, mut f: impl FnMut()) {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        best = best.min(start.elapsed().as_nanos() as f64 / f64::from(iterations));
    }
    println!("{name:<40} {best:>9.1} ns/call");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 1_000 } else { 1_000_000 };

    bench("parse extension \"0100\"", n, || {
        black_box(black_box("0100").parse::<Extension>().unwrap());
    });
    bench("parse PIN \"004213\"", n, || {
        black_box(black_box("004213").parse::<Pin>().unwrap());
    });
    bench("parse duration \"1h30m\"", n, || {
        black_box(black_box("1h30m").parse::<PinDuration>().unwrap());
    });
    bench("parse number \"+49 (30) 123-45.67\"", n, || {
        black_box(
            black_box("+49 (30) 123-45.67")
                .parse::<DialedNumber>()
                .unwrap(),
        );
    });
    bench("parse time \"2026-11-26T09:00:00Z\"", n, || {
        black_box(
            black_box("2026-11-26T09:00:00Z")
                .parse::<Timestamp>()
                .unwrap(),
        );
    });

    let plan = DialPlan {
        outbound_prefix: "9".into(),
        ..DialPlan::default()
    };
    let now = Timestamp::from_unix(1_795_000_000);
    let duration = PinDuration::from_secs(300).unwrap();
    let unlocked = Protection {
        enabled: true,
        duration: Some(duration),
        grant: Some(Grant::start(now.plus_secs(-60), duration)),
    };
    let locked = Protection {
        grant: None,
        ..unlocked
    };
    let outside: DialedNumber = "0049301234567".parse().unwrap();
    let emergency: DialedNumber = "9911".parse().unwrap();
    bench("decide: locked, outside number", n, || {
        black_box(decide(
            &plan,
            black_box(&locked),
            black_box(&outside),
            now,
            |_| false,
        ));
    });
    bench("decide: unlocked, outside number", n, || {
        black_box(decide(
            &plan,
            black_box(&unlocked),
            black_box(&outside),
            now,
            |_| false,
        ));
    });
    bench("decide: prefix + emergency number", n, || {
        black_box(decide(
            &plan,
            black_box(&locked),
            black_box(&emergency),
            now,
            |_| false,
        ));
    });

    let pin: Pin = "004213".parse().unwrap();
    let ext: Extension = "100".parse().unwrap();
    bench("weak-PIN policy", n, || {
        black_box(weakness(black_box(&pin), black_box(&ext), 4));
    });
    bench("PIN comparison", n, || {
        black_box(pin.matches(black_box("004214")));
    });
    let policy = LockoutPolicy::default();
    bench("lockout: one wrong PIN", n, || {
        black_box(attempt(
            policy,
            black_box(PinEntryState::default()),
            now,
            || false,
        ));
    });
    let mut seed = 1u32;
    bench("generate a PIN", n / 10, || {
        black_box(
            pinprotect::weakpin::generate(&ext, 6, || {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                Ok::<_, ()>(seed >> 4)
            })
            .unwrap(),
        );
    });
}
