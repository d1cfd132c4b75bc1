//! A small Asterisk: reads extensions.conf text and runs a call through it
//! the way Asterisk 22 does, for the applications and functions the
//! docs' dialplans use. Every behaviour here is one the transcripts in
//! tests/fixtures/asterisk-agi show (and `the_stand_in_replays_*` checks):
//!
//! - the first definition of an extension's priority wins (Asterisk warns
//!   about and drops a later one, such as FreePBX's own `s,1,Return()`
//!   after the same hook in extensions_custom.conf);
//! - an application Asterisk does not have (`MacroExit` in 22) ends the
//!   call there; so does running past the last priority, and `Return()`
//!   without a `Gosub`;
//! - `AGI(agi://...)` to a port where nothing listens fails at once with
//!   `AGISTATUS=FAILURE` and sets nothing; a missing local program is
//!   `NOTFOUND`; a program's non-zero exit is `FAILURE`;
//! - `${CHANNEL(endpoint)}` is empty on a channel without an endpoint
//!   (a Local channel), and the empty argument is passed on as it is;
//! - a channel the AGI program hung up runs nothing more.
//!
//! Anything it does not model panics, so that a dialplan the docs show
//! can never pass here by being misread.

use std::collections::{HashMap, VecDeque};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::test_agi::{Call, Keys, converse, run_local_agi};

/// One priority of an extension.
#[derive(Debug, Clone)]
struct Step {
    priority: u32,
    label: Option<String>,
    app: String,
    args: String,
}

#[derive(Debug, Default, Clone)]
struct Context {
    /// Extensions (pattern or literal) and their priorities, in the order
    /// first defined.
    extensions: Vec<(String, Vec<Step>)>,
}

/// How a call ended, and what happened on the way.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// The messages of `Verbose()`, in order.
    pub verbose: Vec<String>,
    /// What `Dial()` called, if the call got that far.
    pub dialed: Option<String>,
    /// Sounds `Playback()` played.
    pub played: Vec<String>,
    /// The channel's variables at the end.
    pub vars: HashMap<String, String>,
    /// Why the call ended: `dial`, `hangup`, or what stopped it.
    pub ended: String,
    /// Each AGI call's conversation.
    pub agi: Vec<Call>,
    /// Each AGI program's standard error.
    pub agi_stderr: Vec<String>,
}

impl Outcome {
    pub(crate) fn var(&self, name: &str) -> &str {
        self.vars.get(name).map(String::as_str).unwrap_or("")
    }
}

/// A channel as the dialplan sees it.
pub(crate) struct Channel {
    pub name: String,
    pub callerid: String,
    /// The PJSIP endpoint; `None` on a Local channel.
    pub endpoint: Option<String>,
    pub vars: HashMap<String, String>,
}

impl Channel {
    /// A call from a PJSIP phone whose endpoint is named after `ext`.
    pub(crate) fn pjsip(ext: &str) -> Channel {
        Channel {
            name: format!("PJSIP/{ext}-00000001"),
            callerid: ext.into(),
            endpoint: Some(ext.into()),
            vars: HashMap::new(),
        }
    }

    /// A Local channel (no endpoint) with caller ID `callerid`.
    pub(crate) fn local(callerid: &str) -> Channel {
        Channel {
            name: "Local/s@phones-00000001;2".into(),
            callerid: callerid.into(),
            endpoint: None,
            vars: HashMap::new(),
        }
    }
}

/// The PBX: its dialplan, where its AGI requests go, and the caller.
#[derive(Default)]
pub(crate) struct Pbx {
    contexts: HashMap<String, Context>,
    /// `host:port` of an `agi://` URL → the port it reaches here (a
    /// server, or a port where nothing listens).
    pub fastagi: HashMap<String, u16>,
    /// A local AGI program (as named in `AGI()`) → the file run.
    pub programs: HashMap<String, PathBuf>,
    /// What the caller keys at each GET DATA.
    pub keys: VecDeque<Keys>,
}

/// Finds the `)` or `]` that closes the bracket opened just before
/// `text` starts.
fn closing(text: &str, open: char, close: char) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        }
    }
    panic!("no closing {close} in {text:?}");
}

/// Splits application arguments at top-level commas (not inside
/// parentheses or quotes), as Asterisk's argument parser does.
fn split_args(args: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    let mut quoted = false;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.last_mut().unwrap().push(n);
                }
                continue;
            }
            '"' => {
                quoted = !quoted;
                continue;
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().unwrap().push(c);
    }
    out
}

/// Whether the extension `pattern` (`_0X.`, `_911`, `7777`, `s`) matches
/// `exten`.
fn matches(pattern: &str, exten: &str) -> bool {
    let Some(p) = pattern.strip_prefix('_') else {
        return pattern == exten;
    };
    let p: Vec<char> = p.chars().collect();
    let e: Vec<char> = exten.chars().collect();
    let mut i = 0;
    for (k, &c) in p.iter().enumerate() {
        match c {
            '.' => return e.len() > i,
            '!' => return true,
            _ => {}
        }
        let Some(&x) = e.get(i) else { return false };
        let ok = match c {
            'X' => x.is_ascii_digit(),
            'Z' => ('1'..='9').contains(&x),
            'N' => ('2'..='9').contains(&x),
            '[' => panic!("character sets in {pattern} are not modelled"),
            c => c == x,
        };
        if !ok {
            return false;
        }
        i += 1;
        let _ = k;
    }
    i == e.len()
}

/// How specific a pattern is, position by position (Asterisk tries the
/// most specific match): a literal is more specific than N, Z, X, and
/// those than `.` or `!`.
fn specificity(pattern: &str) -> Vec<u8> {
    match pattern.strip_prefix('_') {
        None => vec![0],
        Some(p) => p
            .chars()
            .map(|c| match c {
                'N' => 8,
                'Z' => 9,
                'X' => 10,
                '.' | '!' => 20,
                _ => 1,
            })
            .collect(),
    }
}

/// Asterisk's truth: empty and `0` are false.
fn truthy(v: &str) -> bool {
    let v = v.trim();
    !(v.is_empty() || v == "0")
}

/// Evaluates what is inside `$[...]` (already expanded): quoted strings,
/// words, `=`, `!=`, `&`, `|` and parentheses.
fn expression(text: &str) -> String {
    #[derive(Debug, Clone, PartialEq)]
    enum T {
        S(String),
        Op(&'static str),
    }
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    s.push(c);
                }
                tokens.push(T::S(s));
            }
            '=' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                }
                tokens.push(T::Op("="));
            }
            '!' => {
                chars.next();
                assert_eq!(chars.next(), Some('='), "only != is modelled: {text}");
                tokens.push(T::Op("!="));
            }
            '&' => {
                chars.next();
                tokens.push(T::Op("&"));
            }
            '|' => {
                chars.next();
                tokens.push(T::Op("|"));
            }
            '(' => {
                chars.next();
                tokens.push(T::Op("("));
            }
            ')' => {
                chars.next();
                tokens.push(T::Op(")"));
            }
            '<' | '>' | '+' | '-' | '*' | '/' | '%' | '?' | ':' | '~' => {
                panic!("operator {c} is not modelled: {text}")
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if " \t=!&|()\"".contains(c) {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                tokens.push(T::S(s));
            }
        }
    }
    fn or(t: &[T], i: &mut usize) -> String {
        let mut left = and(t, i);
        while t.get(*i) == Some(&T::Op("|")) {
            *i += 1;
            let right = and(t, i);
            left = if truthy(&left) || truthy(&right) {
                "1"
            } else {
                "0"
            }
            .into();
        }
        left
    }
    fn and(t: &[T], i: &mut usize) -> String {
        let mut left = cmp(t, i);
        while t.get(*i) == Some(&T::Op("&")) {
            *i += 1;
            let right = cmp(t, i);
            left = if truthy(&left) && truthy(&right) {
                "1"
            } else {
                "0"
            }
            .into();
        }
        left
    }
    fn cmp(t: &[T], i: &mut usize) -> String {
        let left = atom(t, i);
        match t.get(*i) {
            Some(T::Op(op @ ("=" | "!="))) => {
                *i += 1;
                let right = atom(t, i);
                let equal = match (left.parse::<f64>(), right.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => left == right,
                };
                if equal == (*op == "=") { "1" } else { "0" }.into()
            }
            _ => left,
        }
    }
    fn atom(t: &[T], i: &mut usize) -> String {
        match t.get(*i) {
            Some(T::S(s)) => {
                *i += 1;
                s.clone()
            }
            Some(T::Op("(")) => {
                *i += 1;
                let v = or(t, i);
                assert_eq!(t.get(*i), Some(&T::Op(")")));
                *i += 1;
                v
            }
            // An empty operand: `$[ = "x"]` after an unquoted empty value.
            _ => String::new(),
        }
    }
    let mut i = 0;
    let v = or(&tokens, &mut i);
    assert_eq!(i, tokens.len(), "not modelled: $[{text}]");
    v
}

/// Where a call is in the dialplan.
#[derive(Debug, Clone)]
struct Place {
    context: String,
    exten: String,
    priority: u32,
}

enum Flow {
    Next,
    Jump(Place),
    End(String),
}

impl Pbx {
    /// Reads extensions.conf text. A priority an earlier text (or line)
    /// already defined is dropped, as Asterisk does.
    pub(crate) fn load(&mut self, text: &str) {
        let mut context = String::new();
        let mut last: Option<(String, u32)> = None;
        for raw in text.lines() {
            // A `;` starts a comment unless escaped.
            let mut line = String::new();
            let mut prev = ' ';
            for c in raw.chars() {
                if c == ';' && prev != '\\' {
                    break;
                }
                line.push(c);
                prev = c;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[') {
                context = name.split(']').next().unwrap().to_string();
                self.contexts.entry(context.clone()).or_default();
                last = None;
                continue;
            }
            if context == "general" {
                // static=yes, writeprotect=yes: nothing for a call.
                continue;
            }
            let (kind, rest) = line
                .split_once("=>")
                .unwrap_or_else(|| panic!("not modelled: {line}"));
            let (kind, rest) = (kind.trim(), rest.trim());
            let (pattern, rest) = match kind {
                "exten" => {
                    let (p, r) = rest.split_once(',').unwrap();
                    (p.trim().to_string(), r)
                }
                "same" => (last.clone().expect("same => without exten").0, rest),
                "include" | "switch" | "ignorepat" => {
                    panic!("{kind} is not modelled: {line}")
                }
                other => panic!("not modelled: {other} in {line}"),
            };
            let (prio, app) = rest.split_once(',').unwrap();
            let prio = prio.trim();
            let (number, label) = match prio.split_once('(') {
                Some((n, l)) => (n, Some(l.trim_end_matches(')').to_string())),
                None => (prio, None),
            };
            let priority = match number {
                "n" => last.as_ref().filter(|(p, _)| *p == pattern).unwrap().1 + 1,
                "hint" => continue,
                n => n.parse().unwrap(),
            };
            last = Some((pattern.clone(), priority));
            let (app, args) = match app.find('(') {
                Some(at) => {
                    let inner = &app[at + 1..];
                    let end = inner.rfind(')').expect("an application's )");
                    (app[..at].trim().to_string(), inner[..end].to_string())
                }
                None => (app.trim().to_string(), String::new()),
            };
            let ctx = self.contexts.get_mut(&context).expect("a context");
            let steps = match ctx.extensions.iter_mut().find(|(p, _)| *p == pattern) {
                Some((_, steps)) => steps,
                None => {
                    ctx.extensions.push((pattern.clone(), Vec::new()));
                    &mut ctx.extensions.last_mut().unwrap().1
                }
            };
            if steps.iter().any(|s| s.priority == priority) {
                // "Unable to register extension ... already in use".
                continue;
            }
            steps.push(Step {
                priority,
                label,
                app,
                args,
            });
        }
    }

    /// The extension of `context` that takes `exten`: a literal one, else
    /// the most specific pattern.
    fn extension(&self, context: &str, exten: &str) -> Option<&(String, Vec<Step>)> {
        let ctx = self.contexts.get(context)?;
        ctx.extensions
            .iter()
            .filter(|(p, _)| matches(p, exten))
            .min_by_key(|(p, _)| specificity(p))
    }

    fn step(&self, place: &Place) -> Option<&Step> {
        let (_, steps) = self.extension(&place.context, &place.exten)?;
        steps.iter().find(|s| s.priority == place.priority)
    }

    /// Runs a call from `channel` dialing `exten` in `context`.
    pub(crate) fn call(&mut self, mut channel: Channel, context: &str, exten: &str) -> Outcome {
        let mut out = Outcome::default();
        let mut place = Place {
            context: context.into(),
            exten: exten.into(),
            priority: 1,
        };
        let mut stack: Vec<Place> = Vec::new();
        let mut alive = true;
        for _ in 0..1000 {
            let Some(step) = self.step(&place).cloned() else {
                out.ended = "no more priorities".into();
                break;
            };
            let args = self.expand(&channel, &place, &step.args);
            let flow = self.run(
                &mut channel,
                &mut out,
                &mut stack,
                &place,
                &step.app,
                &args,
                &mut alive,
            );
            match flow {
                Flow::Next => place.priority += 1,
                Flow::Jump(to) => place = to,
                Flow::End(why) => {
                    out.ended = why;
                    break;
                }
            }
        }
        assert!(!out.ended.is_empty(), "a call that never ends");
        out.vars = channel.vars;
        out
    }

    /// Runs one application; `args` are expanded.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        channel: &mut Channel,
        out: &mut Outcome,
        stack: &mut Vec<Place>,
        place: &Place,
        app: &str,
        args: &str,
        alive: &mut bool,
    ) -> Flow {
        match app.to_ascii_lowercase().as_str() {
            "noop" | "answer" | "wait" => Flow::Next,
            "verbose" => {
                let message = args.split_once(',').map_or(args, |(_, m)| m);
                out.verbose.push(message.to_string());
                Flow::Next
            }
            "set" => {
                let (name, value) = args.split_once('=').expect("Set(NAME=value)");
                match name {
                    "CALLERID(all)" => {
                        let num = value.rsplit('<').next().unwrap().trim_end_matches('>');
                        channel.callerid = num.to_string();
                    }
                    "CALLERID(num)" => channel.callerid = value.to_string(),
                    n if n.contains('(') => panic!("Set({n}) is not modelled"),
                    n => {
                        channel.vars.insert(n.to_string(), value.to_string());
                    }
                }
                Flow::Next
            }
            "gotoif" => {
                let (cond, targets) = args.split_once('?').expect("GotoIf(cond?...)");
                let (yes, no) = targets.split_once(':').unwrap_or((targets, ""));
                let target = if truthy(cond) { yes } else { no };
                if target.is_empty() {
                    Flow::Next
                } else {
                    Flow::Jump(self.target(place, target))
                }
            }
            "goto" => Flow::Jump(self.target(place, args)),
            "execif" => {
                let (cond, rest) = args.split_once('?').expect("ExecIf(cond?app(args))");
                assert!(!rest.contains(':') || rest.contains('('), "{args}");
                if !truthy(cond) {
                    return Flow::Next;
                }
                let at = rest.find('(').expect("ExecIf's application(args)");
                let inner = &rest[at + 1..rest.rfind(')').unwrap()];
                match self.run(channel, out, stack, place, &rest[..at], inner, alive) {
                    Flow::Next => Flow::Next,
                    other => other,
                }
            }
            "gosub" => {
                let target = args.split('(').next().unwrap();
                stack.push(Place {
                    priority: place.priority + 1,
                    ..place.clone()
                });
                Flow::Jump(self.target(place, target))
            }
            "return" => match stack.pop() {
                Some(back) => Flow::Jump(back),
                None => Flow::End("Return without Gosub".into()),
            },
            "playback" => {
                out.played.push(args.to_string());
                Flow::Next
            }
            "hangup" => Flow::End("hangup".into()),
            "dial" => {
                let target = split_args(args)[0].clone();
                // A Local channel into a context of this dialplan (the
                // stand-in's trunk) runs there.
                if let Some((exten, context)) = target
                    .strip_prefix("Local/")
                    .and_then(|t| t.split_once('@'))
                {
                    if self.contexts.contains_key(context) {
                        let far = Channel {
                            name: format!("Local/{exten}@{context}-00000002;2"),
                            callerid: channel.callerid.clone(),
                            endpoint: None,
                            vars: HashMap::new(),
                        };
                        let inner = self.call(far, context, exten);
                        out.verbose.extend(inner.verbose);
                    }
                }
                out.dialed = Some(target);
                Flow::End("dial".into())
            }
            "agi" => {
                let status = self.agi(channel, out, place, args, alive);
                channel.vars.insert("AGISTATUS".into(), status.clone());
                if *alive {
                    Flow::Next
                } else {
                    Flow::End("hung up by the AGI program".into())
                }
            }
            // Asterisk 22: "No application 'MacroExit' for extension ...".
            other => Flow::End(format!("No application '{other}'")),
        }
    }

    /// A Goto target: `label`, `priority`, `exten,priority` or
    /// `context,exten,priority` (the priority may be a label).
    fn target(&self, place: &Place, target: &str) -> Place {
        let parts: Vec<&str> = target.split(',').map(str::trim).collect();
        let (context, exten, prio) = match parts.as_slice() {
            [p] => (place.context.as_str(), place.exten.as_str(), *p),
            [e, p] => (place.context.as_str(), *e, *p),
            [c, e, p] => (*c, *e, *p),
            _ => panic!("not modelled: Goto({target})"),
        };
        let priority = match prio.parse() {
            Ok(n) => n,
            Err(_) => {
                let (_, steps) = self
                    .extension(context, exten)
                    .unwrap_or_else(|| panic!("no {exten} in {context}"));
                steps
                    .iter()
                    .find(|s| s.label.as_deref() == Some(prio))
                    .unwrap_or_else(|| panic!("no label {prio} in {exten}@{context}"))
                    .priority
            }
        };
        Place {
            context: context.into(),
            exten: exten.into(),
            priority,
        }
    }

    /// Expands `${...}` and `$[...]` in `text`.
    fn expand(&self, channel: &Channel, place: &Place, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            if let Some(inner) = after.strip_prefix('{') {
                let end = closing(inner, '{', '}');
                let name = self.expand(channel, place, &inner[..end]);
                out.push_str(&self.value(channel, place, &name));
                rest = &inner[end + 1..];
            } else if let Some(inner) = after.strip_prefix('[') {
                let end = closing(inner, '[', ']');
                let expr = self.expand(channel, place, &inner[..end]);
                out.push_str(&expression(&expr));
                rest = &inner[end + 1..];
            } else {
                out.push('$');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// The value of a variable or function.
    fn value(&self, channel: &Channel, place: &Place, name: &str) -> String {
        if let Some((function, args)) = name.split_once('(') {
            let args = args.strip_suffix(')').expect("a function's )");
            return match (function, args) {
                // Asterisk warns "Unknown or unavailable item requested:
                // 'endpoint'" and the value is empty (l1-l4).
                ("CHANNEL", "endpoint") => channel.endpoint.clone().unwrap_or_default(),
                ("CHANNEL", "name") => channel.name.clone(),
                ("CALLERID", "num") => channel.callerid.clone(),
                ("IF", cond) => {
                    let (c, branches) = cond.split_once('?').unwrap();
                    let (yes, no) = branches.split_once(':').unwrap_or((branches, ""));
                    if truthy(c) { yes } else { no }.to_string()
                }
                _ => panic!("not modelled: ${{{name}}}"),
            };
        }
        match name {
            "EXTEN" => place.exten.clone(),
            "CONTEXT" => place.context.clone(),
            "CHANNEL" => channel.name.clone(),
            n => channel.vars.get(n).cloned().unwrap_or_default(),
        }
    }

    /// The environment block Asterisk sends, in its order (transcripts
    /// k3, k4): FastAGI's two lines first.
    fn block(
        &self,
        channel: &Channel,
        place: &Place,
        request: &str,
        script: Option<&str>,
        args: &[String],
    ) -> Vec<u8> {
        let mut lines: Vec<(String, String)> = Vec::new();
        if let Some(script) = script {
            lines.push(("network".into(), "yes".into()));
            lines.push(("network_script".into(), script.into()));
        }
        for (name, value) in [
            ("request", request.to_string()),
            ("channel", channel.name.clone()),
            ("language", "en".into()),
            (
                "type",
                channel.name.split('/').next().unwrap_or("").to_string(),
            ),
            ("uniqueid", "1795941038.17".into()),
            ("version", "22.10.1".into()),
            ("callerid", channel.callerid.clone()),
            ("calleridname", format!("Phone {}", channel.callerid)),
            ("callingpres", "0".into()),
            ("callingani2", "0".into()),
            ("callington", "0".into()),
            ("callingtns", "0".into()),
            ("dnid", "unknown".into()),
            ("rdnis", "unknown".into()),
            ("context", place.context.clone()),
            ("extension", place.exten.clone()),
            ("priority", place.priority.to_string()),
            ("enhanced", "0.0".into()),
            ("accountcode", String::new()),
            ("threadid", "140264836585152".into()),
        ] {
            lines.push((name.into(), value));
        }
        for (i, a) in args.iter().enumerate() {
            lines.push((format!("arg_{}", i + 1), a.clone()));
        }
        let mut out = Vec::new();
        for (name, value) in lines {
            out.extend_from_slice(format!("agi_{name}: {value}\n").as_bytes());
        }
        out.push(b'\n');
        out
    }

    /// `AGI(program or URL, args...)`: returns AGISTATUS.
    fn agi(
        &mut self,
        channel: &mut Channel,
        out: &mut Outcome,
        place: &Place,
        args: &str,
        alive: &mut bool,
    ) -> String {
        let mut parts = split_args(args);
        let program = parts.remove(0);
        let keys = std::mem::take(&mut self.keys);
        let (call, status) = if let Some(url) = program.strip_prefix("agi://") {
            let (hostport, script) = url.split_once('/').unwrap_or((url, ""));
            let hostport = if hostport.contains(':') {
                hostport.to_string()
            } else {
                format!("{hostport}:4573")
            };
            let port = *self
                .fastagi
                .get(&hostport)
                .unwrap_or_else(|| panic!("where does {hostport} go?"));
            // "Connecting to '127.0.0.1:4573' failed ...: Connection
            // refused", "FastAGI failed" (k6, k7).
            let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else {
                return "FAILURE".into();
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            let mut w = stream.try_clone().unwrap();
            w.write_all(&self.block(channel, place, &program, Some(script), &parts))
                .unwrap();
            let call = converse(BufReader::new(stream), w, keys, true, || {});
            (call, "SUCCESS".to_string())
        } else {
            let Some(path) = self.programs.get(&program).cloned() else {
                return "NOTFOUND".into();
            };
            if !path.exists() {
                return "NOTFOUND".into();
            }
            let mut command = Command::new(&path);
            command
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .args(&parts);
            let request = program.rsplit('/').next().unwrap().to_string();
            let block = self.block(channel, place, &request, None, &parts);
            let (call, output) = run_local_agi(command, &block, keys);
            out.agi_stderr
                .push(String::from_utf8_lossy(&output.stderr).into_owned());
            let status = if output.status.success() {
                "SUCCESS"
            } else {
                "FAILURE"
            };
            (call, status.to_string())
        };
        for (name, value) in &call.variables {
            channel.vars.insert(name.clone(), value.clone());
        }
        let hung_up = call
            .commands
            .iter()
            .any(|c| c.eq_ignore_ascii_case("HANGUP"));
        out.agi.push(call);
        if hung_up {
            *alive = false;
            return "HANGUP".into();
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expressions_and_expansion() {
        assert!(matches("_0X.", "0049301234567"));
        assert!(!matches("_0X.", "00"));
        assert!(matches("_911", "911"));
        assert!(!matches("_911", "9110"));
        assert!(matches("s", "s"));
        assert!(specificity("_911") < specificity("_0X."));
        assert_eq!(expression(r#""a" = "a""#), "1");
        assert_eq!(expression(r#""" != "permitted""#), "1");
        assert_eq!(
            expression(r#""SUCCESS" = "SUCCESS" & "denied" = "permitted""#),
            "0"
        );
        assert_eq!(expression(r#""911" = "911" | "911" = "112""#), "1");
        assert_eq!(
            split_args("agi://127.0.0.1/check,,0049"),
            ["agi://127.0.0.1/check", "", "0049"]
        );
    }
}
