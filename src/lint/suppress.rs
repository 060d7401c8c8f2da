//! Waivers written in the linted file: a comment `# postmortem-lint: ignore RULE[,RULE…]` (a
//! reason may follow after ` -- `) at the end of the finding's line or alone on the line above
//! it silences those rules there. Only named rules are silenced, never everything, so a waiver
//! is visible in review and cannot hide a new kind of problem.

use super::Finding;

/// The marker of a waiver comment.
const MARKER: &str = "postmortem-lint: ignore";

/// The rule ids a source line waives.
fn waived(line: &str) -> Vec<&str> {
    let Some(hash) = line.find('#') else { return Vec::new() };
    let comment = &line[hash..];
    let Some(at) = comment.find(MARKER) else { return Vec::new() };
    let rest = &comment[at + MARKER.len()..];
    let ids = rest.split(" -- ").next().unwrap_or("");
    ids.split([',', ' ', '\t']).map(str::trim).filter(|id| !id.is_empty()).collect()
}

/// Drops the findings of `file` (its `text`) that a waiver covers; returns how many it dropped.
pub fn apply(text: &str, findings: &mut Vec<Finding>) -> usize {
    let lines: Vec<&str> = postmortem_parsers::split_lines(text).collect();
    let line = |n: u64| (n as usize).checked_sub(1).and_then(|i| lines.get(i)).copied().unwrap_or("");
    let before = findings.len();
    findings.retain(|f| {
        let above = line(f.line.saturating_sub(1));
        let above_is_comment = above.trim_start().starts_with('#');
        let covered = waived(line(f.line)).contains(&f.rule.id)
            || (f.line > 1 && above_is_comment && waived(above).contains(&f.rule.id));
        !covered
    });
    before - findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiver_comments() {
        assert_eq!(
            waived("pm2 kill # postmortem-lint: ignore pm2-kill -- the host runs only this app"),
            ["pm2-kill"]
        );
        assert_eq!(
            waived("  # postmortem-lint: ignore no-concurrency, production-no-whitelist"),
            ["no-concurrency", "production-no-whitelist"]
        );
        assert!(waived("# postmortem-lint: ignore").is_empty(), "a waiver names its rules");
        assert!(waived("pm2 kill").is_empty());
    }
}
