//! What a shell command line does, as far as an incident review cares: does it act on every
//! PM2 app at once, does it run as root. Shared by shell history, workflow files and CI logs.
//!
//! Quotes are not interpreted, only removed from words: this recognises commands, it does
//! not run them. A command line is split into simple commands at `;`, `&&`, `||`, `|`, `&`,
//! `(`, `)`, backticks and newlines; in each, the program is found past `sudo` (and its
//! options), `npx`, `env`, `VAR=value`, `command`, `exec`, `nohup`, `time`, and
//! `ssh [options] host` (the remote command is what runs on the server).

/// Whether `command` acts on every PM2 app at once: `pm2 stop|restart|reload|delete|del all`
/// or `pm2 kill` (the daemon and all its apps), in any simple command of the line.
pub fn is_pm2_all(command: &str) -> bool {
    pm2_all_action(command).is_some()
}

/// Which all-apps PM2 action `command` runs: `stop`, `restart`, `reload`, `delete` (also for
/// `del`) or `kill` — the first one in the line.
pub fn pm2_all_action(command: &str) -> Option<&'static str> {
    if unfiltered_jlist_delete(command) {
        return Some("delete");
    }
    simple_commands(command).find_map(|words| {
        let (prog, _) = program(&words);
        let (first, args) = prog.split_first()?;
        if first.rsplit('/').next() != Some("pm2") {
            return None;
        }
        let mut args = args.iter().filter(|a| !a.starts_with('-'));
        let verb = match args.next().map(String::as_str) {
            Some("kill") => return Some("kill"),
            Some("stop") => "stop",
            Some("restart") => "restart",
            Some("reload") => "reload",
            Some("delete" | "del") => "delete",
            _ => return None,
        };
        args.any(|a| a == "all").then_some(verb)
    })
}

/// `pm2 delete $(pm2 jlist | jq -r '.[].pm_id')`: every id from the list, unfiltered (no
/// `select(…)`), is a `delete all` by another name.
fn unfiltered_jlist_delete(command: &str) -> bool {
    let c = command.replace(['"', '\''], "");
    ["pm2 delete $(", "pm2 del $(", "pm2 delete `", "pm2 del `"].iter().any(|p| c.contains(p))
        && c.contains("jlist")
        && !c.contains("select(")
}

/// Whether `command` runs a pm2 subcommand that changes what runs (`start`, `stop`, `restart`,
/// `reload`, `delete`, `kill`, `update`, `resurrect`, `scale`, `reset`, …), not one that only
/// looks (`list`, `logs`, `show`, `status`, `jlist`, `monit`, …).
pub fn pm2_changes_processes(command: &str) -> bool {
    const CHANGING: [&str; 15] = [
        "start",
        "stop",
        "restart",
        "reload",
        "delete",
        "del",
        "kill",
        "update",
        "resurrect",
        "scale",
        "reset",
        "startOrReload",
        "startOrRestart",
        "startOrGracefulReload",
        "gracefulReload",
    ];
    simple_commands(command).any(|words| {
        let (prog, _) = program(&words);
        let Some((first, args)) = prog.split_first() else { return false };
        first.rsplit('/').next() == Some("pm2")
            && args
                .iter()
                .find(|a| !a.starts_with('-'))
                .is_some_and(|verb| CHANGING.iter().any(|c| c.eq_ignore_ascii_case(verb)))
    })
}

/// Whether `command` runs the `pm2` program at all (any subcommand), past prefixes.
pub fn runs_pm2(command: &str) -> bool {
    simple_commands(command).any(|words| {
        let (prog, _) = program(&words);
        prog.first().is_some_and(|p| p.rsplit('/').next() == Some("pm2"))
    })
}

/// Whether `command` runs something through `sudo` (in any simple command of the line).
pub fn is_privileged(command: &str) -> bool {
    simple_commands(command).any(|words| program(&words).1)
}

/// The words of one simple command (quotes already removed) from the real program on: past
/// `sudo`, `env`, `VAR=value`, `npx`, `command`, `exec`, `nohup`, `time` and `ssh [options]
/// host`, as every check of this module reads them (used by `postmortem lint`).
pub fn program_words(words: &[String]) -> &[String] {
    program(words).0
}

/// The simple commands of a line, as words without quote characters.
fn simple_commands(command: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    command.split([';', '|', '&', '\n', '(', ')', '`']).map(|seg| {
        seg.split_whitespace()
            .map(|w| w.chars().filter(|c| !matches!(c, '"' | '\'' | '\\')).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect()
    })
}

/// The words from the real program on, and whether `sudo` came before it.
fn program(words: &[String]) -> (&[String], bool) {
    let mut i = 0;
    let mut sudo = false;
    while let Some(w) = words.get(i) {
        match w.rsplit('/').next().unwrap_or(w) {
            "sudo" => {
                sudo = true;
                i = skip_options(words, i + 1, &["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D", "-R"]);
            }
            "ssh" => {
                let host = skip_options(
                    words,
                    i + 1,
                    &[
                        "-i", "-p", "-o", "-l", "-F", "-J", "-b", "-c", "-E", "-L", "-R", "-D", "-W", "-S",
                        "-m", "-e",
                    ],
                );
                i = host + 1;
            }
            "npx" | "env" | "command" | "exec" | "nohup" | "time" => i = skip_options(words, i + 1, &[]),
            _ if is_assignment(w) => i += 1,
            _ => break,
        }
    }
    (words.get(i..).unwrap_or(&[]), sudo)
}

/// The index of the first word at or after `i` that is not an option (`--` ends options);
/// options in `with_value` take the next word too, also as the last of a cluster of short
/// options (`sudo -iu deploy pm2 …`: `-i -u deploy`).
fn skip_options(words: &[String], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(opt) = words.get(i).filter(|o| o.starts_with('-')) {
        i += 1;
        if opt == "--" {
            break;
        }
        if with_value.contains(&opt.as_str()) || cluster_ends_with_value(opt, with_value) {
            i += 1;
        }
    }
    i
}

/// Whether `-abc` is a cluster of short options whose value is the next word: its first
/// letter that takes a value is its last letter (an earlier one takes the rest as its value).
fn cluster_ends_with_value(opt: &str, with_value: &[&str]) -> bool {
    let Some(letters) = opt.strip_prefix('-').filter(|l| l.len() > 1 && !l.starts_with('-')) else {
        return false;
    };
    let takes_value =
        |c: char| with_value.iter().any(|v| v.strip_prefix('-') == Some(c.encode_utf8(&mut [0; 4])));
    match letters.char_indices().find(|&(_, c)| takes_value(c)) {
        Some((at, c)) => at + c.len_utf8() == letters.len(),
        None => false,
    }
}

/// `NAME=value` (a shell variable assignment before a command).
fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pm2_all_commands() {
        for c in [
            "pm2 stop all",
            "pm2 kill",
            "sudo -u deploy pm2 stop all",
            "npx pm2 delete all",
            "cd /srv/app && pm2 reload all --update-env",
            "PM2_HOME=/root/.pm2 /usr/local/bin/pm2 kill",
            "sudo env PATH=$PATH:/usr/bin pm2 stop all",
            "ssh -i ~/.ssh/deploy -p 2222 deploy@web-01 \"pm2 delete all\"",
            "ssh deploy@web-01 'sudo pm2 stop all'",
            "pm2 delete 'all'",
            "x=`pm2 kill`",
        ] {
            assert!(is_pm2_all(c), "{c}");
        }
        for c in ["pm2 delete all", "sudo pm2 restart all", "/usr/bin/pm2 restart all"] {
            assert!(is_pm2_all(c), "{c}");
        }
        for c in [
            "pm2 stop api",
            "pm2 list all",
            "pm2 logs",
            "echo pm2 kill",
            "pm2",
            "",
            "pm2 restart 0",
            "ssh web-01 pm2 logs",
        ] {
            assert!(!is_pm2_all(c), "{c}");
        }
    }

    #[test]
    fn all_actions() {
        assert_eq!(pm2_all_action("sudo -u x pm2 del all || true"), Some("delete"));
        // Clustered short options: the value of the last one is the next word.
        assert_eq!(pm2_all_action("sudo -iu deploy pm2 stop all"), Some("stop"));
        assert_eq!(pm2_all_action("sudo -Hu deploy -- pm2 delete all"), Some("delete"));
        // `-udeploy`: the value is attached, the next word is the program.
        assert_eq!(pm2_all_action("sudo -udeploy pm2 restart all"), Some("restart"));
        assert!(runs_pm2("sudo -iu deploy pm2 list"));
        assert_eq!(pm2_all_action("npm ci && pm2 kill"), Some("kill"));
        assert_eq!(pm2_all_action("pm2 restart api"), None);
        // The runbook's filtered form is not an all-apps delete; the unfiltered one is.
        let filtered =
            "pm2 delete $(pm2 jlist | jq -r '.[] | select(.pm2_env.status == \"errored\") | .pm_id')";
        assert_eq!(pm2_all_action(filtered), None);
        assert_eq!(pm2_all_action("pm2 delete $(pm2 jlist | jq -r '.[].pm_id')"), Some("delete"));
        assert!(runs_pm2("cd /srv && npx pm2 restart api"));
        assert!(pm2_changes_processes("sudo -u runner /usr/bin/pm2 delete api"));
        assert!(!pm2_changes_processes("sudo -u runner pm2 logs api --lines 30"));
        assert!(!pm2_changes_processes("pm2 list"));
        assert!(!runs_pm2("echo pm2"));
    }

    #[test]
    fn privileged_commands() {
        assert!(is_privileged("cd / && sudo -i"));
        assert!(is_privileged("/usr/bin/sudo ls"));
        assert!(!is_privileged("ls"));
        assert!(is_privileged("ssh web-01 sudo systemctl restart nginx"));
        assert!(!is_privileged("echo sudo"));
    }
}
