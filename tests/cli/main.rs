//! Integration tests: the real binary on fresh temporary databases with a
//! fixed clock.

mod common;
mod dialplan;
mod docs;
mod generate;
mod test_agi;
mod test_audit;
mod test_backup;
mod test_call;
mod test_concurrency;
mod test_config;
mod test_database;
mod test_demo;
mod test_dialplan;
mod test_export;
mod test_ext;
mod test_faults;
mod test_generated;
mod test_global;
mod test_import;
mod test_lockout;
mod test_monitor;
mod test_newcomer;
mod test_output;
mod test_postgres;
mod test_protect;
mod test_readme;
mod test_scale;
mod test_serve;
mod test_settings;
mod test_sync;
mod test_terminal;
mod test_trust;
mod test_weak_pins;

/// Every file here is a module of this test binary: a file left out of
/// the list above would never run.
#[test]
fn no_forgotten_test_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            files += 1;
            assert!(
                main.lines().any(|l| l == format!("mod {stem};")),
                "tests/cli/{stem}.rs is not a module of tests/cli/main.rs"
            );
        }
    }
    assert!(files > 20, "{files}");
}
