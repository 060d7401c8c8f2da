//! The runbook's communication templates ("Communication Templates": *Incident Notification
//! (Internal)*, *Status Update Template*, *Resolution Notification*) filled from the evidence.
//!
//! The templates keep the runbook's headings, labels and order. What the evidence shows is
//! filled in: severity, times (UTC), the affected applications, UP/DOWN per site at the end of
//! the evidence, the top root cause, downtime, the responders' actions. What it cannot know
//! (the incident commander, owners, dates, the next update, links) stays a visible placeholder
//! exactly as the runbook writes it (`[Name]`, `[Date]`, `In [X] minutes`, …).
//!
//! Deterministic: no clock, no absolute path; times are `YYYY-MM-DD HH:MM UTC`.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::analysis::matchers::command_of;
use crate::analysis::outage::Outage;
use crate::analysis::timing::Severity;
use crate::analysis::Analysis;
use crate::event::Event;
use crate::inventory::{Application, Environment, Inventory};
use crate::timeline::Timeline;

/// Which of the runbook's templates to fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    /// *Incident Notification (Internal)*: status INVESTIGATING.
    Investigating,
    /// *Status Update Template*: the state at the end of the evidence.
    Update,
    /// *Resolution Notification*.
    Resolved,
}

/// Writes the template of `stage`, filled from the evidence.
pub fn write<W: Write>(
    out: &mut W,
    timeline: &Timeline,
    analysis: &Analysis,
    inventory: &Inventory,
    stage: Stage,
) -> io::Result<()> {
    let facts = Facts::new(timeline, analysis, inventory);
    let lines = match stage {
        Stage::Investigating => facts.investigating(),
        Stage::Update => facts.update(),
        Stage::Resolved => facts.resolved(),
    };
    for line in lines {
        // Names and commands come from the evidence; a draft is read in terminals too.
        writeln!(out, "{}", crate::report::safe::terminal(&line))?;
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM UTC`.
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `45 seconds`, `1 minute`, `27 minutes` (whole minutes, rounded down).
fn duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "1 minute".to_string(),
        s => format!("{} minutes", s / 60),
    }
}

/// The runbook's name for an application in *Affected Systems*: `flyer-crawler-prod`.
fn system_id(name: &str, environment: &Environment) -> String {
    match environment {
        Environment::Production => format!("{name}-prod"),
        env => format!("{name}-{}", env.as_str()),
    }
}

/// A site as the runbook writes it: the URL without its scheme or trailing slash.
fn site_name(site: &str) -> &str {
    let s = site.trim();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(s);
    s.trim_end_matches('/')
}

/// `file:line` of an event.
fn cite(e: &Event) -> String {
    format!("{}:{}", e.provenance.file, e.line)
}

/// One application's part in the incident.
struct Affected<'a> {
    /// `flyer-crawler-prod`.
    id: String,
    /// The site without scheme, when the inventory gives one.
    site: Option<&'a str>,
    /// Its outages.
    outages: Vec<&'a Outage>,
}

impl Affected<'_> {
    /// Whether any of its processes is still down at the end of the evidence.
    fn down(&self) -> bool {
        self.outages.iter().any(|o| !o.restored())
    }

    /// The site, or the system id when it has none.
    fn label(&self) -> &str {
        self.site.unwrap_or(&self.id)
    }

    /// Seconds any of its processes was down (the union of the outages).
    fn downtime(&self, evidence_end: Option<DateTime<Utc>>) -> i64 {
        let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = self
            .outages
            .iter()
            .map(|o| (o.down_at, o.up_at.or(evidence_end).unwrap_or(o.down_at).max(o.down_at)))
            .collect();
        spans.sort();
        let mut total = 0;
        let mut current: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        for (from, to) in spans {
            current = match current {
                Some((f, t)) if from <= t => Some((f, t.max(to))),
                Some((f, t)) => {
                    total += (t - f).num_seconds();
                    Some((from, to))
                }
                None => Some((from, to)),
            };
        }
        if let Some((f, t)) = current {
            total += (t - f).num_seconds();
        }
        total
    }
}

/// What the templates are filled with.
struct Facts<'a> {
    events: &'a [Event],
    analysis: &'a Analysis,
    /// Every inventory application with a site or an outage, in inventory (restoration) order,
    /// then outage applications the inventory does not know.
    apps: Vec<Affected<'a>>,
    /// The last dated event.
    evidence_end: Option<DateTime<Utc>>,
}

impl<'a> Facts<'a> {
    fn new(timeline: &'a Timeline, analysis: &'a Analysis, inventory: &'a Inventory) -> Facts<'a> {
        let of = |app: &Application| -> Vec<&'a Outage> {
            analysis
                .outages
                .iter()
                .filter(|o| o.application == app.name && o.environment == app.environment)
                .collect()
        };
        let mut apps: Vec<Affected<'a>> = inventory
            .applications
            .iter()
            .map(|app| Affected {
                id: system_id(&app.name, &app.environment),
                site: app.site.as_deref().map(site_name).filter(|s| !s.is_empty()),
                outages: of(app),
            })
            .filter(|a| a.site.is_some() || !a.outages.is_empty())
            .collect();
        for o in &analysis.outages {
            let known = inventory
                .applications
                .iter()
                .any(|a| a.name == o.application && a.environment == o.environment);
            if known {
                continue;
            }
            let id = system_id(&o.application, &o.environment);
            match apps.iter_mut().find(|a| a.site.is_none() && a.id == id) {
                Some(a) => a.outages.push(o),
                None => apps.push(Affected { id, site: None, outages: vec![o] }),
            }
        }
        let evidence_end =
            analysis.window.map(|w| w.evidence_end).or_else(|| timeline.evidence_span().map(|(_, end)| end));
        Facts { events: &timeline.events, analysis, apps, evidence_end }
    }

    fn affected(&self) -> impl Iterator<Item = &Affected<'a>> {
        self.apps.iter().filter(|a| !a.outages.is_empty())
    }

    fn all_restored(&self) -> bool {
        self.analysis.outages.iter().all(Outage::restored)
    }

    /// `[P1 INCIDENT]`; `[P? INCIDENT]` when no process was down (severity unknown).
    fn tag(&self) -> String {
        match self.analysis.severity {
            Severity::None => "[P? INCIDENT]".to_string(),
            s => format!("[{} INCIDENT]", s.as_str()),
        }
    }

    /// The runbook's subject title: *PM2 Process Isolation Failure* when processes of two or
    /// more applications went down (the runbook's isolation-violation signature).
    fn title(&self) -> String {
        let affected: Vec<&Affected> = self.affected().collect();
        match affected.as_slice() {
            [] => "PM2 Incident".to_string(),
            [one] => format!("PM2 Process Failure - {} Down", one.id),
            _ => "PM2 Process Isolation Failure - Multiple Apps Down".to_string(),
        }
    }

    /// The short title (the resolution's subject): without ` - … Down`.
    fn short_title(&self) -> String {
        let title = self.title();
        match title.split_once(" - ") {
            Some((head, _)) => head.to_string(),
            None => title,
        }
    }

    fn as_of(&self) -> String {
        self.evidence_end.map(utc).unwrap_or_else(|| "[Time]".into())
    }

    fn start(&self) -> Option<DateTime<Utc>> {
        self.analysis.window.map(|w| w.start)
    }

    /// `- flyer-crawler.projectium.com: DOWN (as of … UTC)` per site, then affected
    /// applications without one.
    fn state_lines(&self) -> Vec<String> {
        let as_of = self.as_of();
        self.apps
            .iter()
            .map(|a| format!("- {}: {} (as of {as_of})", a.label(), if a.down() { "DOWN" } else { "UP" }))
            .collect()
    }

    /// `` `pm2 delete all` removed every PM2 process (pm2-delete-all, confidence 0.87) ``.
    fn root_cause(&self) -> Option<String> {
        self.analysis
            .root_causes
            .first()
            .map(|f| format!("{} ({}, confidence {:.2})", f.title, f.id, f.confidence))
    }

    /// What each responder did: `2026-02-17 14:54 UTC alice.oncall: … (var/log/auth.log:17)`.
    fn actions(&self) -> Vec<String> {
        self.analysis
            .response
            .iter()
            .map(|a| {
                let e = &self.events[a.event];
                let when = e.time.map(utc).unwrap_or_else(|| "undated".into());
                let who = e.user.as_deref().unwrap_or("[Name]");
                let target = e.str_field("target_user");
                let what = match (e.kind, command_of(e)) {
                    ("sudo", Some(cmd)) => match target {
                        Some(t) => format!("ran `{cmd}` as {t} (sudo)"),
                        None => format!("ran `{cmd}` (sudo)"),
                    },
                    (_, Some(cmd)) => format!("ran `{cmd}`"),
                    ("ssh-login", None) => match e.str_field("ip") {
                        Some(ip) => format!("logged in over SSH from {ip}"),
                        None => "logged in over SSH".to_string(),
                    },
                    ("su", None) => format!("switched user to {}", target.unwrap_or("[Name]")),
                    _ => e.message.lines().next().unwrap_or("").to_string(),
                };
                format!("{when} {who}: {what} ({})", cite(e))
            })
            .collect()
    }

    /// `flyer-crawler-api back online at … UTC` per restored process, in time order.
    fn restorations(&self) -> Vec<String> {
        let mut back: Vec<&Outage> = self.analysis.outages.iter().filter(|o| o.restored()).collect();
        back.sort_by(|a, b| a.up_at.cmp(&b.up_at).then_with(|| a.process.cmp(&b.process)));
        back.iter()
            .filter_map(|o| {
                let at = o.up_at?;
                let source = o.up_event.map(|i| format!(" ({})", cite(&self.events[i]))).unwrap_or_default();
                Some(format!("{} back online at {}{source}", o.process, utc(at)))
            })
            .collect()
    }

    /// Processes still down at the end of the evidence, in outage order.
    fn still_down(&self) -> Vec<&str> {
        self.analysis.outages.iter().filter(|o| !o.restored()).map(|o| o.process.as_str()).collect()
    }

    /// The summary's sentences.
    fn summary(&self) -> Vec<String> {
        let outages = &self.analysis.outages;
        let mut lines = Vec::new();
        let affected: Vec<&str> = self.affected().map(|a| a.id.as_str()).collect();
        match (self.start(), outages.len()) {
            (_, 0) => lines.push(match self.start() {
                Some(start) => format!(
                    "Failed health checks from {}; no PM2 process was down longer than the grace period.",
                    utc(start)
                ),
                None => "No PM2 process was down longer than the grace period.".to_string(),
            }),
            (start, n) => {
                let processes = outages.iter().map(|o| o.process.as_str()).collect::<Vec<_>>().join(", ");
                let from = start.map(|s| format!(" from {}", utc(s))).unwrap_or_default();
                lines.push(format!(
                    "{n} PM2 {} of {} ({}) went down{from}: {processes}.",
                    if n == 1 { "process" } else { "processes" },
                    if affected.len() == 1 {
                        "1 application".to_string()
                    } else {
                        format!("{} applications", affected.len())
                    },
                    affected.join(", "),
                ));
                let down = self.still_down();
                if down.is_empty() {
                    let end = self.analysis.window.and_then(|w| w.end);
                    lines.push(match end {
                        Some(end) => format!("All of them were back online by {}.", utc(end)),
                        None => "All of them were back online.".to_string(),
                    });
                } else {
                    lines.push(format!(
                        "Still down at the end of the evidence ({}): {}.",
                        self.as_of(),
                        down.join(", ")
                    ));
                }
            }
        }
        lines
    }

    fn investigating(&self) -> Vec<String> {
        let mut l = vec![
            format!("Subject: {} {}", self.tag(), self.title()),
            String::new(),
            "Status: INVESTIGATING".to_string(),
            format!(
                "Time Detected: {}",
                self.start().map(utc).unwrap_or_else(|| "YYYY-MM-DD HH:MM UTC".into())
            ),
            format!("Affected Systems: {}", {
                let ids: Vec<&str> = self.affected().map(|a| a.id.as_str()).collect();
                if ids.is_empty() {
                    "none (no PM2 process was down)".to_string()
                } else {
                    ids.join(", ")
                }
            }),
            String::new(),
            "Summary:".to_string(),
        ];
        l.extend(self.summary());
        if let Some(cause) = self.root_cause() {
            l.push(format!("Likely cause (from the evidence): {cause}."));
        }
        l.push(String::new());
        l.push("Impact:".to_string());
        l.extend(self.state_lines());
        l.push(String::new());
        l.push("Current Actions:".to_string());
        l.extend(self.actions().into_iter().map(|a| format!("- {a}")));
        if !self.still_down().is_empty() {
            l.push("- Restoring critical production processes".to_string());
        }
        l.push("- Investigating root cause".to_string());
        l.push(String::new());
        l.push("Next Update: In 15 minutes or upon status change".to_string());
        l.push(String::new());
        l.push("Incident Commander: [Name]".to_string());
        l
    }

    /// INVESTIGATING, IDENTIFIED (a root cause), RESTORING (some processes back), RESOLVED.
    fn status(&self) -> &'static str {
        let outages = &self.analysis.outages;
        if self.analysis.window.is_some() && self.all_restored() && !outages.is_empty() {
            "RESOLVED"
        } else if outages.iter().any(Outage::restored) {
            "RESTORING"
        } else if !self.analysis.root_causes.is_empty() {
            "IDENTIFIED"
        } else {
            "INVESTIGATING"
        }
    }

    fn update(&self) -> Vec<String> {
        let mut l = vec![
            format!("Subject: {} {} - UPDATE #N", self.tag(), self.short_title()),
            String::new(),
            format!("Status: {}", self.status()),
            format!("Time: {}", self.evidence_end.map(utc).unwrap_or_else(|| "YYYY-MM-DD HH:MM UTC".into())),
            String::new(),
            "Progress Since Last Update:".to_string(),
        ];
        let actions = self.actions();
        if actions.is_empty() {
            l.push("- [Action taken]".to_string());
        }
        l.extend(actions.into_iter().map(|a| format!("- {a}")));
        match self.analysis.root_causes.first() {
            Some(f) => {
                let cites: Vec<String> = f.evidence.iter().take(3).map(|&i| cite(&self.events[i])).collect();
                l.push(format!("- Root cause identified: {} ({})", f.id, cites.join(", ")));
            }
            None => l.push("- [Discovery made]".to_string()),
        }
        let restored = self.restorations();
        if restored.is_empty() {
            l.push("- [Process restored]".to_string());
        }
        l.extend(restored.into_iter().map(|r| format!("- {r}")));
        l.push(String::new());
        l.push("Current State:".to_string());
        l.extend(self.state_lines());
        l.push(String::new());
        l.push(format!("Root Cause: {}", self.root_cause().unwrap_or_else(|| "Under investigation".into())));
        l.push(String::new());
        l.push("Next Steps:".to_string());
        let mut steps = Vec::new();
        let down = self.still_down();
        if !down.is_empty() {
            steps.push(format!("- Restore {} (runbook: Process Restoration)", down.join(", ")));
        }
        if let Some(p) = self.analysis.root_causes.first().and_then(|f| f.prevention.as_deref()) {
            steps.push(format!("- {p}"));
        }
        if steps.is_empty() {
            steps.push("- [Planned action]".to_string());
        }
        l.extend(steps);
        l.push(String::new());
        l.push(match self.analysis.window.and_then(|w| w.end) {
            Some(end) if self.status() == "RESOLVED" => {
                format!("ETA to Resolution: resolved at {}", utc(end))
            }
            _ => "ETA to Resolution: [If known]".to_string(),
        });
        l.push(String::new());
        l.push("Next Update: In [X] minutes".to_string());
        l
    }

    fn resolved(&self) -> Vec<String> {
        let resolved = self.status() == "RESOLVED";
        let end = self.analysis.window.and_then(|w| w.end);
        let mut l = vec![
            if resolved {
                format!("Subject: [RESOLVED] {}", self.short_title())
            } else {
                format!("Subject: [NOT RESOLVED] {}", self.short_title())
            },
            String::new(),
            if resolved {
                "Status: RESOLVED".to_string()
            } else {
                format!("Status: NOT RESOLVED (processes still down as of {})", self.as_of())
            },
            match end {
                Some(end) if resolved => format!("Time Resolved: {}", utc(end)),
                _ => "Time Resolved: YYYY-MM-DD HH:MM UTC".to_string(),
            },
            match (self.analysis.window, resolved) {
                (Some(w), true) => {
                    format!("Total Downtime: {}", duration((w.end_or_evidence() - w.start).num_seconds()))
                }
                (Some(w), false) => format!(
                    "Total Downtime: at least {} (not restored by {})",
                    duration((w.evidence_end - w.start).num_seconds()),
                    self.as_of()
                ),
                (None, _) => "Total Downtime: X minutes".to_string(),
            },
            String::new(),
            "Summary:".to_string(),
        ];
        if resolved {
            l.push("All PM2 processes have been restored. Services are operating normally.".to_string());
        } else {
            l.extend(self.summary());
        }
        l.push(String::new());
        l.push("Root Cause:".to_string());
        l.push(self.root_cause().unwrap_or_else(|| "Under investigation".into()));
        l.push(String::new());
        l.push("Impact Summary:".to_string());
        for a in self.affected() {
            let secs = a.downtime(self.evidence_end);
            l.push(if a.down() {
                format!(
                    "- {}: Down for at least {} (not restored by {})",
                    a.label(),
                    duration(secs),
                    self.as_of()
                )
            } else {
                format!("- {}: Down for {}", a.label(), duration(secs))
            });
        }
        l.push("- Estimated user impact: [description]".to_string());
        l.push(String::new());
        l.push("Immediate Actions Taken:".to_string());
        let mut taken = self.actions();
        taken.extend(self.restorations());
        if taken.is_empty() {
            taken = vec!["[Action]".to_string(), "[Action]".to_string()];
        }
        l.extend(taken.iter().enumerate().map(|(n, a)| format!("{}. {a}", n + 1)));
        l.push(String::new());
        l.push("Follow-up Actions:".to_string());
        let measure = self
            .analysis
            .root_causes
            .first()
            .and_then(|f| f.prevention.clone())
            .unwrap_or_else(|| "[Preventive measure]".into());
        l.push(format!("1. [ ] {measure} - Owner: [Name] - Due: [Date]"));
        l.push("2. [ ] Post-incident review scheduled for [Date]".to_string());
        l.push(String::new());
        l.push("Post-Incident Review: [Link or scheduled time]".to_string());
        l
    }
}
