//! PM2 command-line output (`pm2 start|stop|restart|reload|delete|kill|save|resurrect|update`),
//! as it shows up inside CI job logs or a terminal capture: a pure classifier of one line of
//! text, with ANSI colour codes already removed by the caller.
//!
//! PM2 writes these lines with the `PREFIX_MSG*` constants of its `constants.js`
//! (`[PM2] `, `[PM2][WARN] `, `[PM2][ERROR] `, `[PM2][INFO] `, `[PM2][Module] `); they never go
//! to `pm2.log`.
//!
//! ```text
//! line    = "[PM2]" [channel] SP body
//! channel = "[WARN]" / "[ERROR]" / "[INFO]" / "[Module]"
//! body    = "Applying action " action " on app [" target "](ids: [" ids "])"   ; pm2-cli-action
//!         / "[" name "](" pm-id ") ✓"                                         ; pm2-cli-done
//!         / text                                                              ; pm2-cli
//! ids     = *SP [id *("," *SP id)] *SP                                        ; `[ 0, 2, 3, 4 ]`
//! ```
//!
//! Examples (PM2 7.0.4, pm2-observed-run.md §A.4):
//!
//! ```text
//! [PM2] Applying action deleteProcessId on app [all](ids: [ 0, 2, 3, 4 ])
//! [PM2] [slowstop](3) ✓
//! [PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home
//! [PM2][WARN] PM2 is not managing any process, skipping save...
//! [PM2][ERROR] No processes saved; DUMP file doesn't exist
//! ```
//!
//! `target` and `name` are taken greedily up to the last `](` (an app name may hold brackets).
//! `[WARN]` and `[ERROR]` lines are `pm2-cli-warn` / `pm2-cli-error` whatever their body; the
//! other channels are `pm2-cli` with a `channel` field (`info`, `module`).

use std::borrow::Cow;

use nom::{
    branch::alt,
    bytes::complete::tag,
    character::complete::char,
    combinator::{opt, value},
    sequence::{delimited, preceded},
    IResult,
};

use crate::record::FieldValue;

/// `pm2-cli-action`: `Applying action <action> on app [<target>](ids: [ … ])`.
pub const PM2_CLI_ACTION: &str = "pm2-cli-action";
/// `pm2-cli-done`: `[<name>](<id>) ✓`, one process the action was applied to.
pub const PM2_CLI_DONE: &str = "pm2-cli-done";
/// `pm2-cli-warn`: a `[PM2][WARN]` line.
pub const PM2_CLI_WARN: &str = "pm2-cli-warn";
/// `pm2-cli-error`: a `[PM2][ERROR]` line.
pub const PM2_CLI_ERROR: &str = "pm2-cli-error";
/// `pm2-cli`: any other `[PM2]` line (daemon spawn, save, resurrect, start, …).
pub const PM2_CLI: &str = "pm2-cli";

/// Event kinds this classifier gives, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (
        PM2_CLI_ACTION,
        "pm2 CLI applies an action to apps (`[PM2] Applying action deleteProcessId on app [all](ids: [ 0, 1 ])`); \
         fields `action` (deleteProcessId, stopProcessId, restartProcessId, reloadProcessId, …), \
         `target` (`all`, an app name or id), `ids` (list of pm_ids)",
    ),
    (
        PM2_CLI_DONE,
        "pm2 CLI reports one process done (`[PM2] [api](0) ✓`); record `process` and `pm_id`",
    ),
    (PM2_CLI_WARN, "pm2 CLI warning (`[PM2][WARN] …`)"),
    (PM2_CLI_ERROR, "pm2 CLI error (`[PM2][ERROR] …`)"),
    (
        PM2_CLI,
        "other pm2 CLI message (`[PM2] Spawning PM2 daemon …`, `Saving current process list...`, \
         `Process … restored`, …); field `channel` for `[PM2][INFO]` / `[PM2][Module]`",
    ),
];

/// One classified PM2 CLI line. Field values borrow from the classified text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pm2Cli<'a> {
    /// One of the kinds of [`KINDS`].
    pub kind: &'static str,
    /// The text after the `[PM2]…` prefix.
    pub message: &'a str,
    /// The app name of a `pm2-cli-done` line.
    pub process: Option<&'a str>,
    /// The pm_id of a `pm2-cli-done` line.
    pub pm_id: Option<&'a str>,
    /// Kind-specific fields, in a stable order (`action`, `target`, `ids`; or `channel`).
    pub fields: Vec<(&'static str, FieldValue<'a>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    Plain,
    Warn,
    Error,
    Info,
    Module,
}

fn prefix(input: &str) -> IResult<&str, Channel> {
    let (rest, ch) = preceded(
        tag("[PM2]"),
        opt(delimited(
            char('['),
            alt((
                value(Channel::Warn, tag("WARN")),
                value(Channel::Error, tag("ERROR")),
                value(Channel::Info, tag("INFO")),
                value(Channel::Module, tag("Module")),
            )),
            char(']'),
        )),
    )(input)?;
    Ok((rest, ch.unwrap_or(Channel::Plain)))
}

/// Classifies one line of PM2 CLI output (ANSI codes already removed; leading and trailing
/// spaces are ignored). `None` when the line is not PM2 CLI output.
pub fn classify(text: &str) -> Option<Pm2Cli<'_>> {
    let (rest, channel) = prefix(text.trim()).ok()?;
    // `[PM2]` must be followed by a space (or end the line): `[PM2]x` is not CLI output.
    let body = match rest.strip_prefix(' ') {
        Some(b) => b.trim_start(),
        None if rest.is_empty() => rest,
        None => return None,
    };
    let mut out = Pm2Cli { kind: PM2_CLI, message: body, process: None, pm_id: None, fields: Vec::new() };
    match channel {
        Channel::Warn => out.kind = PM2_CLI_WARN,
        Channel::Error => out.kind = PM2_CLI_ERROR,
        Channel::Info => out.fields.push(("channel", FieldValue::from("info"))),
        Channel::Module => out.fields.push(("channel", FieldValue::from("module"))),
        Channel::Plain => {
            if let Some((action, target, ids)) = action_line(body) {
                out.kind = PM2_CLI_ACTION;
                out.fields.push(("action", FieldValue::from(action)));
                out.fields.push(("target", FieldValue::from(target)));
                out.fields.push(("ids", FieldValue::List(ids.into_iter().map(Cow::Borrowed).collect())));
            } else if let Some((name, id)) = done_line(body) {
                out.kind = PM2_CLI_DONE;
                out.process = Some(name);
                out.pm_id = Some(id);
            }
        }
    }
    Some(out)
}

/// `Applying action <action> on app [<target>](ids: [ <ids> ])`.
fn action_line(body: &str) -> Option<(&str, &str, Vec<&str>)> {
    let (rest, _) = tag::<_, _, nom::error::Error<&str>>("Applying action ")(body).ok()?;
    let (action, rest) = rest.split_once(' ')?;
    if action.is_empty() {
        return None;
    }
    let rest = rest.strip_prefix("on app [")?;
    let cut = rest.rfind("](ids: [")?;
    let target = &rest[..cut];
    let ids = rest[cut + "](ids: [".len()..].strip_suffix("])")?;
    let ids: Vec<&str> = ids.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    Some((action, target, ids))
}

/// `[<name>](<id>) ✓`.
fn done_line(body: &str) -> Option<(&str, &str)> {
    let inner = body.strip_prefix('[')?.strip_suffix('✓')?.trim_end().strip_suffix(')')?;
    let cut = inner.rfind("](")?;
    let (name, id) = (&inner[..cut], &inner[cut + 2..]);
    if name.is_empty() || id.is_empty() || id.contains([' ', '(', ')']) {
        return None;
    }
    Some((name, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_and_done() {
        let c = classify("[PM2] Applying action deleteProcessId on app [all](ids: [ 0, 2, 3, 4 ])").unwrap();
        assert_eq!(c.kind, PM2_CLI_ACTION);
        assert_eq!(c.fields[2].1, FieldValue::List(vec!["0".into(), "2".into(), "3".into(), "4".into()]));
        let c = classify("[PM2] [my[app]](_old_3) ✓").unwrap();
        assert_eq!((c.kind, c.process, c.pm_id), (PM2_CLI_DONE, Some("my[app]"), Some("_old_3")));
        assert!(classify("[PM2]x").is_none());
        assert!(classify("PM2 x").is_none());
        assert_eq!(classify("[PM2]").unwrap().kind, PM2_CLI);
    }
}
