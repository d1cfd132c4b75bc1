//! The docs as the tests read them: the README and the long-form sources
//! in doc/, from which the man pages pinprotect(7), pinprotect-import(1)
//! and pinprotect-serve(1) are generated (and checked for drift), so a
//! block read here is the block the man page shows.

use std::path::Path;

/// Every doc with blocks an admin copies: `README` and the sources in doc/.
pub const ALL: [&str; 4] = [
    "README",
    "pinprotect.7",
    "pinprotect-import",
    "pinprotect-serve",
];

/// The text of `name`: `README`, or a source in doc/ by its page name.
pub fn text(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = if name == "README" {
        root.join("README.md")
    } else {
        root.join("doc").join(format!("{name}.md"))
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced blocks of `name` whose language is `lang` (`""` for none,
/// as the dialplans have).
pub fn blocks(name: &str, lang: &str) -> Vec<String> {
    let text = text(name);
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (line.strip_prefix("```"), open.take()) {
            (Some(_), Some((l, body))) => {
                if l == lang {
                    blocks.push(body);
                }
            }
            (Some(l), None) => open = Some((l.trim().to_string(), String::new())),
            (None, Some((l, mut body))) => {
                body.push_str(line);
                body.push('\n');
                open = Some((l, body));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The first block of `lang` in `name` that contains `needle`.
pub fn block(name: &str, lang: &str, needle: &str) -> String {
    blocks(name, lang)
        .into_iter()
        .find(|b| b.contains(needle))
        .unwrap_or_else(|| panic!("no {lang} block with {needle} in {name}"))
}

/// The blocks of `lang` in every doc.
pub fn all_blocks(lang: &str) -> Vec<(&'static str, String)> {
    ALL.iter()
        .flat_map(|name| blocks(name, lang).into_iter().map(move |b| (*name, b)))
        .collect()
}
