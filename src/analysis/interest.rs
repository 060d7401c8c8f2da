//! What the analysis looks at, and so what `analyze` keeps in memory.
//!
//! Most lines of a big bundle are background: sshd brute-force noise, access-log lines, plain
//! application output, generic kernel and journal messages. No matcher, outage rule or report
//! reads them one by one, so the loader counts them and folds their times into the input's
//! digest instead of keeping them as events (see `evidence::retain`). A rule that names one
//! of these kinds (or a source without naming kinds) brings it back: rules stay data, and a
//! user's rule about, say, `ssh-failed` sees every such line.
//!
//! Architecture invariant: code under `analysis/` and `report/` never reads a kind listed in
//! [`BACKGROUND`]; `tests/retention.rs` checks that every sample's reports are byte-identical
//! with and without it.

use std::sync::Arc;

use crate::analysis::rules::{Finder, Rule};
use crate::evidence::Retention;

/// The (source, kind) pairs nothing in the built-in analysis reads one by one.
pub const BACKGROUND: &[(&str, &str)] = &[
    ("app", "app-log"),
    ("nginx", "http-request"),
    ("auth", "ssh-failed"),
    ("auth", "ssh-invalid-user"),
    ("auth", "ssh-disconnect"),
    ("auth", "session-open"),
    ("auth", "session-close"),
    ("auth", "cron"),
    ("pm2", "daemon-message"),
    ("kernel", "message"),
    ("journal", "message"),
    ("journal", "unit-starting"),
    ("journal", "unit-deactivated"),
    ("syslog", "message"),
];

/// The retention for analyzing with `rules`: every background pair no rule could match.
pub fn retention(rules: &[Rule]) -> Retention {
    let wanted = |source: &str, kind: &str| {
        rules.iter().flat_map(|r| &r.evidence).any(|spec| match &spec.finder {
            Finder::Pattern(p) => {
                (p.sources.is_empty() || p.sources.iter().any(|s| s == source))
                    && (p.kinds.is_empty() || p.kinds.iter().any(|k| k == kind))
            }
            Finder::Matcher { .. } => false,
        })
    };
    let background: Vec<(&'static str, &'static str)> =
        BACKGROUND.iter().copied().filter(|&(s, k)| !wanted(s, k)).collect();
    Retention::Except(Arc::from(background))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules;

    fn dropped(retention: &Retention) -> Vec<(&'static str, &'static str)> {
        BACKGROUND.iter().copied().filter(|&(s, k)| !retention.keeps(s, k)).collect()
    }

    #[test]
    fn the_embedded_rules_read_no_background_kind() {
        let embedded = rules::load(&[]).unwrap();
        assert_eq!(dropped(&retention(&embedded)), BACKGROUND.to_vec());
    }

    #[test]
    fn a_rule_naming_a_background_kind_or_only_a_source_keeps_it() {
        let mut all = rules::load(&[]).unwrap();
        all.extend(
            rules::parse(
                r#"
[[rule]]
id = "brute-force"
title = "SSH brute force"
[[rule.evidence]]
what = "failed logins"
pattern = { kind = "ssh-failed" }
weight = 1.0
[[rule]]
id = "nginx-anything"
title = "Anything nginx says"
[[rule.evidence]]
what = "nginx lines"
pattern = { source = "nginx" }
weight = 1.0
"#,
                "test",
            )
            .unwrap(),
        );
        let kept = retention(&all);
        assert!(kept.keeps("auth", "ssh-failed"));
        assert!(kept.keeps("nginx", "http-request"));
        assert!(!kept.keeps("auth", "ssh-invalid-user"));
        assert!(kept.keeps("pm2", "app-exit"));
    }
}
