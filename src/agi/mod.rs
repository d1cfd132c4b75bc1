//! The Asterisk Gateway Interface (AGI and FastAGI) as bytes: the
//! environment block Asterisk sends first, the commands pinprotect sends,
//! and the replies and events Asterisk answers with. Pure: no I/O here;
//! [`session`] moves the bytes over any streams, and `commands::answer`
//! answers the calls.
//!
//! Built against transcripts of a real Asterisk 22: every reply is one line
//! `CODE text`, except `520-` usage replies that run over several lines up
//! to a `520 ` line; FastAGI may send a line `HANGUP` (an event, not a
//! reply) before any reply; `511` means the caller is gone. `200
//! result=-1` is what a hangup during a command answers, but also what
//! `GET DATA` and `STREAM FILE` answer for a sound that does not exist,
//! on a channel that is still up (no signal, no `HANGUP` line follows):
//! `CHANNEL STATUS` tells the two apart (`200 result=6` up, `511` gone).

use std::fmt;

pub mod session;

/// The longest line pinprotect accepts from Asterisk.
pub const MAX_LINE_BYTES: usize = 8 * 1024;
/// The most environment lines pinprotect accepts before the blank line.
pub const MAX_ENV_LINES: usize = 200;

/// Why bytes from Asterisk could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// A line without its `\n` (and a `\r` before it).
fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The environment block: `agi_name: value` lines up to a blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// Every name (without `agi_`) and value, one after the other.
    text: String,
    /// Where each name ends and its value ends in `text`.
    vars: Vec<(usize, usize)>,
}

impl Environment {
    fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.vars.iter().map(move |&(name_end, value_end)| {
            let entry = (&self.text[start..name_end], &self.text[name_end..value_end]);
            start = value_end;
            entry
        })
    }

    fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        let name_end = self.text.len();
        self.text.push_str(value);
        self.vars.push((name_end, self.text.len()));
    }

    /// The value of `agi_NAME` (give the name without `agi_`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// `agi_arg_1`, `agi_arg_2`, ... in order, up to the first missing one.
    pub fn args(&self) -> Vec<&str> {
        (1..).map_while(|i| self.get(&format!("arg_{i}"))).collect()
    }

    /// Whether this came over FastAGI.
    pub fn is_network(&self) -> bool {
        self.get("network") == Some("yes")
    }

    /// The path of the FastAGI URL, without its query: Asterisk sends it
    /// as `agi_network_script`; without that line, it is read from the
    /// URL in `agi_request` (`agi://host:port/check?x=1`).
    fn network_path(&self) -> &str {
        let script = match self.get("network_script") {
            Some(script) => script,
            None => {
                let url = self.get("request").unwrap_or("");
                let Some((_, rest)) = url.split_once("://") else {
                    return "";
                };
                rest.split_once('/').map(|(_, path)| path).unwrap_or("")
            }
        };
        script.split('?').next().unwrap_or("").trim_matches('/')
    }

    /// The request and its arguments. For FastAGI the request is the path
    /// of the URL (`agi://host/check?x=1` gives `check`), or, when the path
    /// is empty, the first argument; for AGI it is the first argument.
    pub fn request(&self) -> (Option<String>, Vec<String>) {
        let mut args: Vec<String> = self.args().into_iter().map(String::from).collect();
        if self.is_network() {
            let path = self.network_path();
            if !path.is_empty() {
                // `agi://host/check,100,0049...` is not how Asterisk passes
                // arguments (they come as agi_arg_N), but a path with commas
                // is split the same way for convenience.
                let mut parts = path.split(',').map(String::from);
                let request = parts.next();
                let mut rest: Vec<String> = parts.collect();
                rest.append(&mut args);
                return (request, rest);
            }
        }
        if args.is_empty() {
            (None, args)
        } else {
            let request = args.remove(0);
            (Some(request), args)
        }
    }
}

/// Collects the environment block a line at a time.
#[derive(Debug, Default)]
pub struct EnvironmentReader {
    env: Environment,
    lines: usize,
}

impl EnvironmentReader {
    /// Takes one line (with or without its `\n`). Returns the environment
    /// when the line is the blank line that ends it.
    pub fn push(&mut self, line: &[u8]) -> Result<Option<Environment>, ProtocolError> {
        let line = trim_line(line);
        if line.is_empty() {
            return Ok(Some(std::mem::take(&mut self.env)));
        }
        self.lines += 1;
        if self.lines > MAX_ENV_LINES {
            return Err(ProtocolError(format!(
                "the environment block has more than {MAX_ENV_LINES} lines"
            )));
        }
        let text = std::str::from_utf8(line)
            .map_err(|_| ProtocolError("an environment line is not UTF-8".into()))?;
        let Some((name, value)) = text.split_once(": ").or_else(|| {
            // `agi_accountcode: ` arrives with its space; a bare colon too.
            text.strip_suffix(':').map(|n| (n, ""))
        }) else {
            return Err(ProtocolError(format!(
                "not an environment line: '{}'",
                crate::text::shown(text)
            )));
        };
        let Some(name) = name.strip_prefix("agi_") else {
            return Err(ProtocolError(format!(
                "not an environment line: '{}'",
                crate::text::shown(text)
            )));
        };
        self.env.push(name, value);
        Ok(None)
    }
}

/// What one line from Asterisk is, after the environment block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// `200 result=N [extra]`.
    Ok { result: String, extra: String },
    /// `511 ...`: the channel is dead (the caller hung up).
    DeadChannel,
    /// `510 ...`: Asterisk does not know the command.
    Unknown,
    /// `520-...`: the first line of a usage reply that runs on; read lines
    /// up to [`Line::UsageEnd`].
    UsageStart,
    /// `520 ...`: a usage reply, or the end of one.
    UsageEnd,
    /// `HANGUP`: the FastAGI event that the caller hung up; not a reply.
    Hangup,
    /// Another three-digit code.
    Other { code: u16, text: String },
    /// A line inside a `520-` usage reply.
    Text,
}

impl Line {
    /// Parses one line; `in_usage` is true inside a `520-` reply.
    pub fn parse(line: &[u8], in_usage: bool) -> Result<Line, ProtocolError> {
        let line = trim_line(line);
        if line.len() > MAX_LINE_BYTES {
            return Err(ProtocolError("a reply line is too long".into()));
        }
        let text = String::from_utf8_lossy(line);
        if text == "HANGUP" {
            return Ok(Line::Hangup);
        }
        let code = text
            .get(..3)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|c| c.parse::<u16>().ok());
        let sep = text.as_bytes().get(3).copied();
        let Some(code) = code.filter(|_| matches!(sep, None | Some(b' ') | Some(b'-'))) else {
            if in_usage {
                return Ok(Line::Text);
            }
            return Err(ProtocolError(format!(
                "not an AGI reply: '{}'",
                crate::text::shown(&text)
            )));
        };
        let rest = text.get(4..).unwrap_or("");
        Ok(match (code, sep) {
            (520, Some(b'-')) => Line::UsageStart,
            (520, _) => Line::UsageEnd,
            (_, _) if in_usage => Line::Text,
            (200, _) => {
                let rest = rest.strip_prefix("result=").ok_or_else(|| {
                    ProtocolError(format!(
                        "a 200 reply without result=: '{}'",
                        crate::text::shown(&text)
                    ))
                })?;
                let (result, extra) = rest.split_once(' ').unwrap_or((rest, ""));
                Line::Ok {
                    result: result.to_owned(),
                    extra: extra.to_owned(),
                }
            }
            (511, _) => Line::DeadChannel,
            (510, _) => Line::Unknown,
            (code, _) => Line::Other {
                code,
                text: rest.to_owned(),
            },
        })
    }
}

/// The reply to one command, once the whole of it has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `200 result=N [extra]`, N not -1.
    Ok { result: String, extra: String },
    /// `200 result=-1 [extra]`: the caller hung up, or the command could
    /// not run on a channel that is still up (a sound that does not
    /// exist); `CHANNEL STATUS` tells which.
    Ended,
    /// The caller is gone: `511`.
    Gone,
    /// `510`, `520` or another code: the command failed.
    Failed(String),
}

/// Collects the lines of one reply, noting `HANGUP` events on the way.
#[derive(Debug, Default)]
pub struct ReplyReader {
    in_usage: bool,
    /// A `HANGUP` event arrived.
    pub hangup: bool,
}

impl ReplyReader {
    /// Takes one line; returns the reply when it is complete.
    pub fn push(&mut self, line: &[u8]) -> Result<Option<Reply>, ProtocolError> {
        match Line::parse(line, self.in_usage)? {
            Line::Hangup => {
                self.hangup = true;
                Ok(None)
            }
            Line::UsageStart => {
                self.in_usage = true;
                Ok(None)
            }
            Line::Text => Ok(None),
            Line::UsageEnd => {
                self.in_usage = false;
                Ok(Some(Reply::Failed("520 invalid command syntax".into())))
            }
            Line::Ok { result, .. } if result == "-1" => Ok(Some(Reply::Ended)),
            Line::Ok { result, extra } => Ok(Some(Reply::Ok { result, extra })),
            Line::DeadChannel => Ok(Some(Reply::Gone)),
            Line::Unknown => Ok(Some(Reply::Failed("510 invalid or unknown command".into()))),
            Line::Other { code, text } => Ok(Some(Reply::Failed(format!(
                "{code} {}",
                crate::text::shown(&text)
            )))),
        }
    }
}

/// What `GET DATA` collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// Digits (and `*`), ended by `#`, by the maximum or by the timeout.
    Digits(String),
    /// Nothing: a bare `#`, or silence until the timeout.
    Nothing,
}

impl Entered {
    /// Reads a `GET DATA` result: `1234`, `1234 (timeout)`, empty,
    /// ` (timeout)`.
    pub fn from_result(result: &str) -> Entered {
        if result.is_empty() {
            Entered::Nothing
        } else {
            Entered::Digits(result.to_owned())
        }
    }
}

/// A command pinprotect sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    Answer,
    StreamFile(&'a str),
    GetData {
        prompt: &'a str,
        timeout_ms: u32,
        max_digits: u32,
    },
    SetVariable {
        name: &'a str,
        value: &'a str,
    },
    Verbose(&'a str),
    /// `CHANNEL STATUS`: `200 result=6` while the channel is up, `511`
    /// once it is gone.
    ChannelStatus,
    Hangup,
}

/// An argument as Asterisk's parser reads it: in double quotes, with `"`
/// and `\` escaped by a backslash; control characters are dropped.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A sound or variable name: letters, digits and `_-/.`; anything else
/// would change the command.
fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'/' | b'.'))
}

impl Command<'_> {
    /// The command line, with its `\n`.
    pub fn to_line(&self) -> Result<String, ProtocolError> {
        let check = |name: &str| {
            if plain(name) {
                Ok(())
            } else {
                Err(ProtocolError(format!(
                    "'{}' is not a plain sound or variable name",
                    crate::text::shown(name)
                )))
            }
        };
        Ok(match self {
            Command::Answer => "ANSWER\n".into(),
            Command::StreamFile(sound) => {
                check(sound)?;
                format!("STREAM FILE {sound} \"\"\n")
            }
            Command::GetData {
                prompt,
                timeout_ms,
                max_digits,
            } => {
                check(prompt)?;
                format!("GET DATA {prompt} {timeout_ms} {max_digits}\n")
            }
            Command::SetVariable { name, value } => {
                check(name)?;
                format!("SET VARIABLE {name} {}\n", quoted(value))
            }
            Command::Verbose(message) => format!("VERBOSE {} 1\n", quoted(message)),
            Command::ChannelStatus => "CHANNEL STATUS\n".into(),
            Command::Hangup => "HANGUP\n".into(),
        })
    }
}

#[cfg(test)]
mod tests;
