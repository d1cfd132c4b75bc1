//! `pinprotect config show`: each key in effect and where it comes from,
//! as `git config --show-origin` shows it.

use std::io::Write;

use super::Ctx;
use super::serve::ServeOptions;
use crate::config::{KEYS, Origin};
use crate::error::{ExitCode, IoContext, Result};

pub fn show(ctx: &mut Ctx<'_>) -> Result<ExitCode> {
    let config = &ctx.config;
    let join = |v: Vec<String>| v.join(", ");
    let rows: Vec<(&str, String, Origin)> = KEYS
        .iter()
        .map(|key| {
            let (value, origin) = match *key {
                "db" => (ctx.db.to_string(), ctx.db_origin.clone()),
                "serve.listen" => match &config.listen {
                    Some(s) => (
                        join(s.value.iter().map(|a| a.to_string()).collect()),
                        s.origin.clone(),
                    ),
                    None => (ServeOptions::DEFAULT_LISTEN.to_string(), Origin::Default),
                },
                "serve.allow" => match &config.allow {
                    Some(s) => (
                        join(s.value.iter().map(|a| a.to_string()).collect()),
                        s.origin.clone(),
                    ),
                    None => (
                        join(
                            crate::net::Cidr::loopback()
                                .iter()
                                .map(|a| a.to_string())
                                .collect(),
                        ),
                        Origin::Default,
                    ),
                },
                "serve.max_calls" => match &config.max_calls {
                    Some(s) => (s.value.to_string(), s.origin.clone()),
                    None => (ServeOptions::DEFAULT_MAX_CALLS.to_string(), Origin::Default),
                },
                "serve.metrics" => match &config.metrics {
                    Some(s) => (s.value.to_string(), s.origin.clone()),
                    None => ("none".to_string(), Origin::Default),
                },
                other => unreachable!("a key without a value: {other}"),
            };
            (*key, value, origin)
        })
        .collect();
    let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let out = ctx.console.out();
    for (key, value, origin) in rows {
        writeln!(out, "{key:width$}  {value}  ({origin})").writing_output()?;
    }
    if config.files.is_empty() {
        ctx.console.info(format_args!(
            "no config file read ({} or the user's config.toml; {} names another)",
            crate::config::SYSTEM_FILE,
            crate::config::ENV_FILE
        ));
    }
    Ok(ExitCode::Success)
}
