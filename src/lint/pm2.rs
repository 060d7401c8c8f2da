//! What one pm2 command line does, read from its words: the action and what it acts on.
//!
//! The program is found past the prefixes `postmortem_parsers::command` knows (`sudo`, `env`,
//! `npx`, `ssh host`, …) and past `xargs [options]` (then the targets come from standard input).

use postmortem_parsers::command::program_words;

use super::shell::{Invocation, Position};

/// A pm2 action, normalised (`del` → delete, `startOrReload` → start, `updatePM2` → update).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `start`, `startOrRestart`, `startOrReload`, `startOrGracefulReload`.
    Start,
    /// `stop`.
    Stop,
    /// `restart`.
    Restart,
    /// `reload`, `gracefulReload`.
    Reload,
    /// `delete`, `del`.
    Delete,
    /// `scale`.
    Scale,
    /// `kill`: the daemon and every process.
    Kill,
    /// `update`, `updatePM2`: the daemon restarts in place.
    Update,
    /// `resurrect`: every process of the saved list.
    Resurrect,
    /// `save`: writes the process list that `resurrect` and boot restore.
    Save,
    /// Anything else (`list`, `logs`, `describe`, …).
    Other,
}

impl Action {
    fn of(verb: &str) -> Action {
        match verb.to_ascii_lowercase().as_str() {
            "start" | "startorrestart" | "startorreload" | "startorgracefulreload" => Action::Start,
            "stop" => Action::Stop,
            "restart" => Action::Restart,
            "reload" | "gracefulreload" => Action::Reload,
            "delete" | "del" => Action::Delete,
            "scale" => Action::Scale,
            "kill" => Action::Kill,
            "update" | "updatepm2" => Action::Update,
            "resurrect" => Action::Resurrect,
            "save" | "dump" => Action::Save,
            _ => Action::Other,
        }
    }

    /// Whether it acts on processes named by its targets.
    pub fn takes_targets(self) -> bool {
        matches!(
            self,
            Action::Start | Action::Stop | Action::Restart | Action::Reload | Action::Delete | Action::Scale
        )
    }
}

/// What a pm2 command acts on (one positional argument, or the `xargs` input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The word `all`.
    All,
    /// A process (or namespace) name.
    Name(String),
    /// A numeric pm_id.
    Id,
    /// An ecosystem file (`ecosystem.config.cjs`, `*.json`, `*.yml`): all of its apps, or
    /// those of `--only`.
    Config(String),
    /// A script to start (`server.js`, `dist/main.js`); its process name is `--name` or the
    /// file's.
    Script(String),
    /// A variable or expression (`$app`, `${{ env.APP }}`): unknown until run.
    Variable(String),
    /// A command substitution (`$(…)`), as written.
    Substitution(String),
    /// `xargs pm2 …`: the names or ids come from the pipeline before.
    Stdin,
}

/// One pm2 command.
#[derive(Clone, Debug)]
pub struct Pm2Call {
    /// The action.
    pub action: Action,
    /// The action word as written (`del`, `startOrReload`).
    pub verb: String,
    /// Its positional arguments.
    pub targets: Vec<Target>,
    /// `--only a,b`: the apps of a config file it is limited to.
    pub only: Option<Vec<String>>,
    /// `--name X` / `-n X`.
    pub name: Option<String>,
    /// Where its `pm2` word is.
    pub at: Position,
}

/// Options of pm2 that take a value (the next word), so it is not read as a target.
const VALUE_OPTIONS: &[&str] = &[
    "--only",
    "--name",
    "-n",
    "--env",
    "-i",
    "--instances",
    "--namespace",
    "--max-memory-restart",
    "-l",
    "--log",
    "-o",
    "--output",
    "-e",
    "--error",
    "--cwd",
    "--interpreter",
    "--node-args",
    "--interpreter-args",
    "--lines",
    "--listen-timeout",
    "--kill-timeout",
    "--cron",
    "--cron-restart",
    "--restart-delay",
    "--exp-backoff-restart-delay",
    "--max-restarts",
    "-u",
    "--user",
    "--uid",
    "--gid",
    "--log-date-format",
    "--log-type",
    "--ignore-watch",
    "--parallel",
    "-p",
    "--pid",
    "--shutdown-with",
];
/// Options of xargs that take a value.
const XARGS_VALUE_OPTIONS: &[&str] = &["-I", "-n", "-L", "-P", "-d", "-E", "-s", "-a"];
/// pm2 subcommands that list processes (the source of a bulk action).
const LISTINGS: &[&str] = &["jlist", "list", "ls", "l", "status", "prettylist", "id"];

/// The pm2 command `inv` runs, if it runs pm2.
pub fn parse(inv: &Invocation) -> Option<Pm2Call> {
    let texts = inv.texts();
    let mut program = program_words(&texts);
    let mut stdin = false;
    if program.first().is_some_and(|p| basename(p) == "xargs") {
        let mut i = 1;
        while let Some(opt) = program.get(i).filter(|o| o.starts_with('-')) {
            i += 1 + usize::from(XARGS_VALUE_OPTIONS.contains(&opt.as_str()));
        }
        program = program_words(&program[i.min(program.len())..]);
        stdin = true;
    }
    if program.first().is_none_or(|p| basename(p) != "pm2") {
        return None;
    }
    let pm2_index = texts.len() - program.len();
    let args = &inv.words[pm2_index + 1..];
    let verb_at = args.iter().position(|w| !w.text.starts_with('-'))?;
    let verb = args[verb_at].text.clone();
    let mut call = Pm2Call {
        action: Action::of(&verb),
        verb,
        targets: Vec::new(),
        only: None,
        name: None,
        at: inv.positions[pm2_index],
    };
    let mut rest = args[verb_at + 1..].iter();
    while let Some(w) = rest.next() {
        let text = w.text.as_str();
        if text == "--" {
            break;
        }
        if let Some((opt, value)) = text.split_once('=').filter(|(o, _)| o.starts_with("--")) {
            call.set_option(opt, value);
        } else if VALUE_OPTIONS.contains(&text) {
            let value = rest.next().map_or("", |v| v.text.as_str());
            call.set_option(text, value);
        } else if !text.starts_with('-') {
            call.targets.push(target(&w.raw, text));
        }
    }
    if call.action == Action::Start && call.name.is_some() {
        // `pm2 start npm --name web -- start`: with --name, what start runs is a program.
        for t in &mut call.targets {
            if let Target::Name(program) = t {
                *t = Target::Script(std::mem::take(program));
            }
        }
    }
    if stdin {
        call.targets.push(Target::Stdin);
    }
    Some(call)
}

impl Pm2Call {
    fn set_option(&mut self, option: &str, value: &str) {
        match option {
            "--only" => {
                self.only = Some(
                    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
                )
            }
            "--name" | "-n" => self.name = Some(value.to_string()),
            _ => {}
        }
    }

    /// The process names it names explicitly: name targets, `--only` entries, `--name`.
    pub fn named(&self) -> Vec<&str> {
        let names = self.targets.iter().filter_map(|t| match t {
            Target::Name(n) => Some(n.as_str()),
            _ => None,
        });
        names.chain(self.only.iter().flatten().map(String::as_str)).chain(self.name.as_deref()).collect()
    }

    /// The command as it would be written, for messages: `pm2 delete all`.
    pub fn display(&self) -> String {
        let mut out = format!("pm2 {}", self.verb);
        for t in &self.targets {
            out.push(' ');
            out.push_str(match t {
                Target::All => "all",
                Target::Name(s) | Target::Config(s) | Target::Script(s) | Target::Variable(s) => s,
                Target::Substitution(s) => s,
                Target::Id => "<id>",
                Target::Stdin => "<ids from the pipe>",
            });
        }
        if let Some(only) = &self.only {
            out.push_str(" --only ");
            out.push_str(&only.join(","));
        }
        out
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn target(raw: &str, text: &str) -> Target {
    if raw.contains("$(") || raw.contains('`') {
        return Target::Substitution(raw.to_string());
    }
    if text.contains('$') {
        return Target::Variable(text.to_string());
    }
    if text == "all" {
        return Target::All;
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Target::Id;
    }
    let file = basename(text).to_ascii_lowercase();
    let config_ext = [".json", ".yml", ".yaml"].iter().any(|e| file.ends_with(e));
    if file.starts_with("ecosystem") || file.contains(".config.") || config_ext {
        return Target::Config(text.to_string());
    }
    let script_ext = [".js", ".cjs", ".mjs", ".ts", ".sh", ".py"].iter().any(|e| file.ends_with(e));
    if script_ext || text.contains('/') {
        return Target::Script(text.to_string());
    }
    Target::Name(text.to_string())
}

/// Whether `text` (a substitution, a pipeline, a loop's source) lists PM2's processes.
pub fn lists_processes(text: &str) -> bool {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || "$()|;&`<>'\"".contains(c)).collect();
    words.windows(2).any(|w| basename(w[0]) == "pm2" && LISTINGS.contains(&w[1]))
}

/// Whether `text` filters the processes it lists by name: a jq `select(…)` that mentions
/// `name`, or a `grep` / `egrep` / `awk '/…/'` stage. A status-only filter (the runbook's
/// `select(.pm2_env.status == "errored")`) is not a name filter.
pub fn filters_by_name(text: &str) -> bool {
    let stages = text.split('|').map(str::trim);
    let grep = stages.clone().any(|s| {
        let prog = s.split_whitespace().next().unwrap_or("");
        matches!(basename(prog), "grep" | "egrep" | "rg") || (basename(prog) == "awk" && s.contains('/'))
    });
    grep || selects(text).any(|inside| inside.contains("name"))
}

/// The contents of each `select(…)` of a jq program.
fn selects(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("select(").map(move |(at, m)| {
        let body = &text[at + m.len()..];
        let mut depth = 1usize;
        let end = body
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(i, _)| i);
        &body[..end]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::shell::{walk, Line, Script};

    fn calls(text: &str) -> Vec<Pm2Call> {
        let mut s = Script::default();
        walk(&[Line::new(text, (1, 1))], &[text], false, &mut s);
        s.invocations.iter().filter_map(parse).collect()
    }

    fn one(text: &str) -> Pm2Call {
        let mut c = calls(text);
        assert_eq!(c.len(), 1, "{text}");
        c.remove(0)
    }

    #[test]
    fn actions_and_targets() {
        let c = one("sudo -u deploy npx pm2 del all --silent");
        assert_eq!((c.action, c.targets.clone(), c.at), (Action::Delete, vec![Target::All], (1, 20)));
        let c = one("pm2 startOrReload ecosystem.config.cjs --env production --only api,worker");
        assert_eq!(c.action, Action::Start);
        assert_eq!(c.targets, vec![Target::Config("ecosystem.config.cjs".into())]);
        assert_eq!(c.named(), vec!["api", "worker"]);
        let c = one("pm2 start dist/server.js --name=api-test -i 2 -- --port 3000");
        assert_eq!(c.targets, vec![Target::Script("dist/server.js".into())]);
        assert_eq!(c.named(), vec!["api-test"]);
        let c = one("pm2 restart api 3 \"$APP\" ${{ env.WORKER }}");
        assert_eq!(
            c.targets,
            vec![
                Target::Name("api".into()),
                Target::Id,
                Target::Variable("$APP".into()),
                Target::Variable("${{ env.WORKER }}".into())
            ]
        );
        let c = one("pm2 start npm --name web -- start");
        assert_eq!((c.targets.clone(), c.named()), (vec![Target::Script("npm".into())], vec!["web"]));
        assert_eq!(one("pm2 kill").action, Action::Kill);
        assert_eq!(one("pm2 updatePM2").action, Action::Update);
        assert!(calls("echo pm2 delete all; pm2; npm ci").is_empty());
    }

    #[test]
    fn xargs_and_substitutions() {
        let all = calls("pm2 jlist | jq -r '.[].pm_id' | xargs -r -n 1 pm2 delete");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].action, Action::Other);
        assert_eq!(all[1].targets, vec![Target::Stdin]);
        let c =
            one("pm2 delete $(pm2 jlist | jq -r '.[] | select(.pm2_env.status == \"errored\") | .pm_id')");
        let Target::Substitution(s) = &c.targets[0] else { panic!("{:?}", c.targets) };
        assert!(lists_processes(s));
        assert!(!filters_by_name(s), "a status filter is not a name filter");
        assert!(filters_by_name("pm2 jlist | jq -r '.[] | select(.name | endswith(\"-test\")) | .pm_id'"));
        assert!(!filters_by_name("pm2 jlist | jq -r '.[] | select(.pm2_env.status==\"stopped\") | .name'"));
        assert!(filters_by_name("pm2 jlist | jq -r '.[].name' | grep -- '-test$'"));
        assert!(!lists_processes("cat apps.txt"));
        assert!(lists_processes("<(pm2 jlist | jq -r '.[].pm_id')"));
    }

    /// The parsers' `is_pm2_all` and this model agree on the `pm2 <action> all` forms.
    #[test]
    fn agrees_with_the_parsers_on_all() {
        for text in [
            "pm2 stop all",
            "pm2 delete all || true",
            "sudo pm2 restart all",
            "pm2 reload all --update-env",
            "npx pm2 del all",
            "PM2_HOME=/x /usr/bin/pm2 stop all",
            "pm2 stop api",
            "pm2 list all",
            "pm2 start all",
        ] {
            let ours = calls(text).iter().any(|c| {
                c.targets.contains(&Target::All)
                    && matches!(c.action, Action::Stop | Action::Restart | Action::Reload | Action::Delete)
            });
            assert_eq!(ours, postmortem_parsers::command::is_pm2_all(text), "{text}");
        }
    }
}
