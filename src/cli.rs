//! The command line: arguments in, library calls out, exit codes. Nothing else.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use postmortem_parsers::Format;

use crate::analysis::{self, interest, AnalyzeOptions};
use crate::clock::TimeOptions;
use crate::evidence::{LoadOptions, Retention};
use crate::inventory::Inventory;
use crate::report::{self, analysis::AnalyzeFormat, inputs::InputsFormat, safe, timeline::TimelineFormat};
use crate::timeline::{self, Filter};

/// Exit code: the command ran.
pub const EXIT_OK: i32 = 0;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: nothing in the evidence could be used.
pub const EXIT_NO_EVIDENCE: i32 = 3;
/// Exit code of `lint`: something was found (so it can gate a deploy).
pub const EXIT_FINDINGS: i32 = 1;

/// postmortem reads the evidence of a PM2 / CI incident (pm2.log, auth.log, …), merges it
/// into one UTC timeline and says what happened, when and why, with every line cited.
#[derive(Debug, Parser)]
#[command(name = "postmortem", version, about, long_about = None)]
#[command(after_help = "EVIDENCE is any mix of files, directories (read recursively), .gz/.zst files \
and .zip/.tar/.tar.gz archives (read in place). Formats are recognised by content; see `postmortem formats`.\n\n\
Exit codes: 0 ok, 1 `lint` found problems, or a command failed (e.g. an output file could not be \
written), 2 bad command line, 3 no usable evidence.

\
Examples:\n  postmortem analyze samples/2026-02-17-pm2-delete-all\n  postmortem analyze samples/2026-02-17-pm2-delete-all --format md --inventory samples/inventory.toml\n  postmortem timeline samples/2026-02-17-pm2-delete-all --since '2026-02-17 14:00'")]
pub struct Cli {
    /// Worker threads (default: one per core). Results are identical for any value.
    #[arg(long, global = true, value_name = "N")]
    jobs: Option<usize>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find the outage and its root cause: severity, processes down, ranked findings with
    /// the evidence lines that support them, the runbook's timing table, the response.
    Analyze(AnalyzeArgs),
    /// Merge all evidence into one UTC timeline and print it.
    ///
    /// jsonl, csv, timesketch and timesketch-jsonl stream: memory stays bounded however big
    /// the evidence (each file is read twice; inputs out of time order are sorted through
    /// temporary files, see --tmp-dir). The table and parquet sort in memory.
    Timeline(TimelineArgs),
    /// Show each input: format, SHA-256, line accounting, events, time span, assumptions.
    Inputs(InputsArgs),
    /// Show the applications: which PM2 processes form each, its environment, directory,
    /// config, health URL and restoration priority (from --inventory, the ecosystem files in
    /// the evidence, or inferred from process names).
    Inventory(InventoryArgs),
    /// Analyze many bundles at once (each directory or archive directly under PATH) and
    /// summarize the fleet: severities, root causes, downtime, MTTR, incidents per month.
    Batch(BatchArgs),
    /// Draft the runbook's incident notification, status update or resolution notice from
    /// the evidence (placeholders stay for what the evidence cannot know).
    Notify(NotifyArgs),
    /// Capture this host's evidence, read-only, into a bundle for `analyze`: pm2 jlist/list
    /// (only if a daemon already runs), pm2.log, app logs, the journal, auth logs, df/free,
    /// git history, workflows and ecosystem files of each app directory, shell histories.
    Collect(CollectArgs),
    /// List the formats postmortem reads, how each is recognised, and the event kinds.
    Formats,
    /// List the root-cause rules loaded (embedded, plus --rules FILE) and the matchers.
    Rules(RulesArgs),
    /// Check workflow files and shell scripts for the runbook's dangerous PM2 patterns before
    /// they run (`pm2 delete all`, unfiltered bulk deletes, test deploys that reach production,
    /// no deploy lock, …). Exits 1 when anything is found, so it can gate a deploy.
    Lint(LintArgs),
}

#[derive(Debug, Args)]
#[command(after_help = lint_after_help())]
struct LintArgs {
    /// Workflow files (.github/workflows/*.yml, .gitea/workflows/*.yml), shell scripts (*.sh, or a
    /// #!/bin/sh or bash first line) and directories to search for them (recursively).
    #[arg(required_unless_present = "list_rules", value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format: text (compiler-style, for people), json (postmortem/lint/v1), sarif
    /// (SARIF 2.1.0, for code scanning).
    #[arg(long, value_enum, default_value = "text")]
    format: crate::lint::output::LintFormat,

    /// Print every rule (id, level, what it finds, why, the fix) and exit.
    #[arg(long)]
    list_rules: bool,
}

fn lint_after_help() -> String {
    format!(
        "Rules (details: --list-rules, docs/lint-rules.md):\n{}\nWaive a finding with a comment on its line or \
         the line above: # postmortem-lint: ignore RULE[,RULE] -- why\n\nExit codes: 0 nothing found, 1 findings, 2 bad \
         command line or a path that cannot be linted.\n\nExamples:\n  postmortem lint .\n  postmortem lint \
         .gitea/workflows/deploy-to-test.yml deploy/restart.sh\n  postmortem lint . --format sarif > lint.sarif",
        crate::lint::rules::help_list()
    )
}

fn lint_command(args: LintArgs) -> Result<i32> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.list_rules {
        crate::lint::output::write_rules(&mut out)?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    let report = crate::lint::lint(&args.paths).map_err(|e| usage(e.to_string()))?;
    crate::lint::output::write(&mut out, &report, args.format)?;
    out.flush()?;
    eprintln!("postmortem lint: {}", crate::lint::output::summary(&report));
    Ok(if report.findings.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}

/// Options of every command that analyzes.
#[derive(Debug, Args)]
struct AnalysisArgs {
    /// More root-cause rules (TOML, like rules/root-causes.toml); a rule with an existing id
    /// replaces it. Repeatable.
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,

    /// A process back online within this long had no outage (e.g. 60s, 2m).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    grace: String,

    /// How far before the first failure to look for what people did (e.g. 15m).
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    lookback: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Each bundle gets DIR/<bundle>/report.md and report.json; the batch gets summary.md, \
summary.csv, summary.parquet, bundles.jsonl and findings/month=YYYY-MM/part-0.parquet (one row per finding, \
for DuckDB/Spark/Trino). To shard a fleet: run `postmortem batch` on each machine's share of the bundles, \
then `postmortem batch --merge DIR1 DIR2 ... --out ALL` on the results."
)]
struct BatchArgs {
    /// PATHs whose directories and archives are the bundles (with --merge: batch output
    /// directories to combine).
    #[command(flatten)]
    evidence: EvidenceArgs,

    #[command(flatten)]
    analysis: AnalysisArgs,

    /// Where to write the reports and the summary.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Combine the bundles.jsonl of earlier batches (the PATHs) into one summary.
    #[arg(long)]
    merge: bool,

    /// No progress output.
    #[arg(long, short)]
    quiet: bool,

    /// Exit with 1 when any bundle could not be analyzed (default: report it and go on).
    #[arg(long)]
    fail_on_error: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Never changes the server: pm2 is run only when $PM2_HOME/pm2.pid names a live process and \
rpc.sock exists (any pm2 command would otherwise start a daemon and write into pm2.log); the manifest records it. \
PM2_HOME is taken from the environment, else ~NAME/.pm2 of --user (default: you). Missing tools and unreadable \
files are recorded in manifest.json, never fatal; run as root to read everything.\n\n\
Examples:\n  sudo postmortem collect --out /tmp/incident.tar.gz --user gitea-runner --app-dir /var/www/shop\n  \
postmortem collect --out /tmp/incident.tar.gz --since 2h && postmortem analyze /tmp/incident.tar.gz"
)]
struct CollectArgs {
    /// The bundle to write (.tar.gz); must not exist yet.
    #[arg(long, value_name = "BUNDLE.tar.gz")]
    out: PathBuf,

    /// An app directory (git repository with ecosystem and workflow files); repeatable. The
    /// running daemon's apps' directories (pm_cwd) are added.
    #[arg(long, value_name = "DIR")]
    app_dir: Vec<PathBuf>,

    /// Start of the journal window: a duration back from now (24h, 90m, 2d) or a time
    /// (RFC3339, or YYYY-MM-DD[ HH:MM[:SS]] in UTC).
    #[arg(long, value_name = "DURATION_OR_TIME", default_value = "24h")]
    since: String,

    /// The account PM2 runs as (its PM2_HOME and shell history).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,

    /// MiB kept from the end of each PM2 app log.
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    app_log_mib: u64,
}

#[derive(Debug, Args)]
struct NotifyArgs {
    #[command(flatten)]
    evidence: EvidenceArgs,

    #[command(flatten)]
    analysis: AnalysisArgs,

    /// Which of the runbook's messages: the first notification, a status update, or the
    /// resolution notice.
    #[arg(long, value_enum, default_value = "investigating")]
    stage: report::notify::Stage,
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    evidence: EvidenceArgs,

    #[command(flatten)]
    analysis: AnalysisArgs,

    /// Output format: text for people, json for tools (contract postmortem/report/v1), md for
    /// the runbook's incident report, html for one self-contained page with a swimlane timeline
    /// (opens from disk, makes no network request; above 100,000 records it draws the events the
    /// analysis reads and counts the rest per lane).
    #[arg(long, value_enum, default_value = "text")]
    format: AnalyzeFormat,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE", conflicts_with = "out")]
    output: Option<PathBuf>,

    /// Write every report into DIR: report.md, report.json, report.html, timeline.jsonl (every event),
    /// timeline.csv (Timesketch CSV: dated events), timeline.parquet. Above 100,000 records the
    /// timeline files are streamed from new reads of the evidence (Parquet is then left out).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Records up to which html and --out keep every event in memory (for tests; see
    /// EVERY_EVENT_LIMIT).
    #[arg(long, hide = true, value_name = "RECORDS", default_value_t = EVERY_EVENT_LIMIT)]
    every_event_limit: u64,
}

#[derive(Debug, Args)]
struct RulesArgs {
    /// More root-cause rules (TOML); a rule with an existing id replaces it. Repeatable.
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,
}

/// Options shared by every command that reads evidence.
#[derive(Debug, Args)]
struct EvidenceArgs {
    /// Evidence files, directories or archives.
    #[arg(required = true, value_name = "EVIDENCE")]
    evidence: Vec<PathBuf>,

    /// Zone of local times that carry no offset (IANA name, e.g. Europe/Berlin). Never
    /// overrides an explicit offset or a PM2 banner offset. Default: the manifest's
    /// timezone, else UTC.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,

    /// Year of each year-less syslog file's first line (default: taken from the file's
    /// modification time as the year of its last line).
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,

    /// When the machine booted (RFC3339, e.g. 2026-02-17T06:12:03Z), to date dmesg-style
    /// times since boot that no kern.log or journal line of the same boot anchors.
    #[arg(long, value_name = "TIME")]
    boot_time: Option<chrono::DateTime<chrono::Utc>>,

    /// The app inventory (TOML): which processes form which application, its environment and
    /// restoration priority. See samples/inventory.toml. Default: the ecosystem files in the
    /// evidence, then inference from process names.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,

    /// Force a format for inputs whose path matches GLOB, e.g. --as '*.txt=syslog'.
    /// Repeatable. Format ids: see `postmortem formats`.
    #[arg(long = "as", value_name = "GLOB=FORMAT")]
    force: Vec<String>,
}

#[derive(Debug, Args)]
struct TimelineArgs {
    #[command(flatten)]
    evidence: EvidenceArgs,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: TimelineFormat,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Keep events at or after T: RFC3339, or YYYY-MM-DD[ HH:MM[:SS]] in UTC.
    #[arg(long, value_name = "T")]
    since: Option<String>,

    /// Keep events at or before T (a bare date means the end of that day).
    #[arg(long, value_name = "T")]
    until: Option<String>,

    /// Keep only these sources (pm2, auth, syslog, kernel, …). Repeatable.
    #[arg(long, value_name = "SOURCE")]
    source: Vec<String>,

    /// Keep only events of these PM2 processes: a process name, a glob like 'flyer-*', or an
    /// application's name from the inventory (its processes).
    #[arg(long, value_name = "NAME_OR_GLOB")]
    app: Option<String>,

    /// Keep only events whose message matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    grep: Option<String>,

    /// Also list the lines no parser understood, with file, line and reason.
    #[arg(long)]
    show_unparsed: bool,

    /// Where temporary files go: inputs not in time order are sorted in runs on disk when
    /// they do not fit the sort budget (default: $TMPDIR or /tmp; every file is removed at
    /// the end).
    #[arg(long, value_name = "DIR")]
    tmp_dir: Option<PathBuf>,

    /// Sort every event in memory instead of streaming (memory grows with the evidence; for
    /// comparing the two paths).
    #[arg(long, hide = true)]
    in_memory: bool,

    /// Bytes of rows that may wait in memory before they go to disk (for tests).
    #[arg(long, hide = true, value_name = "BYTES")]
    sort_budget: Option<usize>,
}

#[derive(Debug, Args)]
struct InputsArgs {
    #[command(flatten)]
    evidence: EvidenceArgs,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: InputsFormat,
}

#[derive(Debug, Args)]
struct InventoryArgs {
    #[command(flatten)]
    evidence: EvidenceArgs,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: InputsFormat,
}

/// A mistake on the command line (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// Runs the command line and returns the process exit code. Errors are printed as one
/// line on standard error.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(code) => code,
        // `postmortem … | head`: the reader left; that is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            EXIT_OK
        }
        Err(e) => {
            let code = if e.downcast_ref::<UsageError>().is_some() { EXIT_USAGE } else { 1 };
            eprintln!("postmortem: {e:#}");
            code
        }
    }
}

fn execute(cli: Cli) -> Result<i32> {
    if let Some(jobs) = cli.jobs {
        if jobs == 0 {
            return Err(usage("--jobs must be at least 1"));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
            .context("cannot start the worker threads")?;
    }
    match cli.command {
        Command::Formats => {
            let stdout = io::stdout();
            report::formats::write(&mut stdout.lock())?;
            Ok(EXIT_OK)
        }
        Command::Inputs(args) => {
            inventory_file(&args.evidence)?;
            let timeline = build(&args.evidence, interest::retention(&load_rules(&[])?), false)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            report::inputs::write(&mut out, &timeline, args.format, report::table::terminal_width())?;
            out.flush()?;
            Ok(if timeline.has_usable_evidence() { EXIT_OK } else { no_evidence() })
        }
        Command::Timeline(args) => timeline_command(args),
        Command::Analyze(args) => analyze_command(args),
        Command::Notify(args) => notify_command(args),
        Command::Collect(args) => {
            let since = match crate::analysis::rules::duration(&args.since)
                .filter(|d| *d > chrono::Duration::zero())
            {
                Some(back) => Utc::now() - back,
                None => parse_instant(&args.since, false)?,
            };
            let options = crate::collect::CollectOptions {
                out: args.out,
                app_dirs: args.app_dir,
                since,
                user: args.user,
                app_log_tail: args.app_log_mib << 20,
            };
            crate::collect::collect(&options, &mut |line| eprintln!("collect: {line}"))?;
            Ok(EXIT_OK)
        }
        Command::Batch(args) => batch_command(args),
        Command::Lint(args) => lint_command(args),
        Command::Rules(args) => {
            let rules = load_rules(&args.rules)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            report::rules::write(&mut out, &rules)?;
            out.flush()?;
            Ok(EXIT_OK)
        }
        Command::Inventory(args) => {
            let file = inventory_file(&args.evidence)?;
            let timeline = build(&args.evidence, interest::retention(&load_rules(&[])?), false)?;
            let inventory = Inventory::for_timeline(file, &timeline);
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            report::inventory::write(&mut out, &inventory, args.format, report::table::terminal_width())?;
            out.flush()?;
            Ok(if timeline.has_usable_evidence() { EXIT_OK } else { no_evidence() })
        }
    }
}

/// The embedded rules plus `--rules` files (a bad file is a usage error).
fn load_rules(files: &[PathBuf]) -> Result<Vec<crate::analysis::rules::Rule>> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    crate::analysis::rules::load(&paths).map_err(|e| usage(e.to_string()))
}

/// How much of the evidence an analysis keeps in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    /// The events the rules and reports read (the rest counted and dated, not kept).
    Analysis,
    /// The same, each with its line as written (for the HTML page).
    AnalysisWithLines,
    /// Every event, with its line as written (the page draws them all).
    Everything,
}

/// An analysis and what it was made from.
struct Analyzed {
    timeline: timeline::Timeline,
    inventory: Inventory,
    analysis: analysis::Analysis,
    /// Each bundle's clock (to stream the timeline files of `--out`).
    clocks: Vec<crate::clock::BundleClock>,
}

/// Loads, resolves and analyzes the evidence (`None`: nothing usable), keeping `keep`.
fn analyzed(evidence: &EvidenceArgs, a: &AnalysisArgs, keep: Keep) -> Result<Option<Analyzed>> {
    let options = analyze_options(a)?;
    let rules = load_rules(&a.rules)?;
    let file = inventory_file(evidence)?;
    let retention = if keep == Keep::Everything { Retention::All } else { interest::retention(&rules) };
    let (timeline, clocks) = build_keeping_clocks(evidence, retention, keep != Keep::Analysis)?;
    if !timeline.has_usable_evidence() {
        return Ok(None);
    }
    let inventory = Inventory::for_timeline(file, &timeline);
    let analysis = analysis::analyze(&timeline, &inventory, &rules, &options);
    Ok(Some(Analyzed { timeline, inventory, analysis, clocks }))
}

/// The load and time options of the evidence arguments.
fn load_and_time(args: &EvidenceArgs) -> Result<(LoadOptions, TimeOptions)> {
    let tz = match &args.tz {
        Some(name) => Some(name.parse::<Tz>().map_err(|_| {
            usage(format!(
                "--tz {name:?} is not an IANA time zone name (try Europe/Berlin, America/New_York or UTC)"
            ))
        })?),
        None => None,
    };
    let mut forced = Vec::new();
    for spec in &args.force {
        let (glob, format) = spec
            .rsplit_once('=')
            .ok_or_else(|| usage(format!("--as {spec:?} must look like GLOB=FORMAT, e.g. '*.txt=syslog'")))?;
        let format = Format::from_id(format).ok_or_else(|| {
            let ids: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
            usage(format!("--as: unknown format {format:?}; known formats: {}", ids.join(", ")))
        })?;
        let glob = globset::Glob::new(glob).map_err(|e| usage(format!("--as: bad glob {glob:?}: {e}")))?;
        forced.push((glob.compile_matcher(), format));
    }
    Ok((
        LoadOptions { forced, ..LoadOptions::default() },
        TimeOptions { tz, year: args.year, boot: args.boot_time },
    ))
}

fn analyze_options(a: &AnalysisArgs) -> Result<AnalyzeOptions> {
    let duration = |flag: &str, text: &str| {
        crate::analysis::rules::duration(text)
            .filter(|d| *d >= chrono::Duration::zero())
            .ok_or_else(|| usage(format!("{flag} {text:?} is not a duration (try 60s, 2m, 1h)")))
    };
    Ok(AnalyzeOptions {
        grace: duration("--grace", &a.grace)?,
        lookback: duration("--lookback", &a.lookback)?,
    })
}

fn batch_command(args: BatchArgs) -> Result<i32> {
    use crate::batch::{self, BundleResult};
    let out_dir = &args.out;
    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let results: Vec<BundleResult> = if args.merge {
        let mut all = Vec::new();
        for dir in &args.evidence.evidence {
            let path = dir.join("bundles.jsonl");
            let text = fs::read_to_string(&path).map_err(|e| {
                usage(format!(
                    "--merge {}: {} (is it a batch output directory?)",
                    path.display(),
                    crate::evidence::io_words(&e)
                ))
            })?;
            for (n, line) in text.lines().enumerate() {
                let r: BundleResult = serde_json::from_str(line)
                    .map_err(|e| usage(format!("{}:{}: not a bundle result: {e}", path.display(), n + 1)))?;
                all.push(r);
            }
        }
        all.sort_by(|a, b| a.bundle.cmp(&b.bundle));
        all.dedup_by(|a, b| a.bundle == b.bundle);
        all
    } else {
        let (mut load, time) = load_and_time(&args.evidence)?;
        let options = analyze_options(&args.analysis)?;
        let rules = load_rules(&args.analysis.rules)?;
        load.retention = interest::retention(&rules);
        let inventory = inventory_file(&args.evidence)?;
        let bundles = batch::discover(&args.evidence.evidence).map_err(|e| {
            let paths: Vec<String> = args.evidence.evidence.iter().map(|p| p.display().to_string()).collect();
            usage(format!(
                "cannot list the batch paths {}: {}",
                paths.join(" "),
                crate::evidence::io_words(&e)
            ))
        })?;
        let progress = Progress::new(bundles.len(), args.quiet);
        let opts = batch::BatchOptions {
            load: &load,
            time: &time,
            inventory: inventory.as_ref(),
            rules: &rules,
            analyze: &options,
        };
        let info = report::markdown::RunInfo { options: vec![("batch".into(), "yes".into())] };
        use rayon::prelude::*;
        let results: Vec<Result<BundleResult>> = bundles
            .par_iter()
            .map(|(name, path)| {
                let (result, analyzed) = batch::analyze_bundle(name, path, &opts);
                if let Some((timeline, a)) = analyzed {
                    let dir = out_dir.join(name);
                    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                    for (file, format) in
                        [("report.md", AnalyzeFormat::Md), ("report.json", AnalyzeFormat::Json)]
                    {
                        let path = dir.join(file);
                        let mut w = BufWriter::new(
                            fs::File::create(&path)
                                .with_context(|| format!("cannot write {}", path.display()))?,
                        );
                        report::analysis::write(&mut w, &timeline, &a, format, 120, &info)?;
                        w.flush()?;
                    }
                }
                progress.done(&result);
                Ok(result)
            })
            .collect();
        progress.finish();
        results.into_iter().collect::<Result<Vec<_>>>()?
    };
    let summary = batch::summarize(&results);
    let mut jsonl = BufWriter::new(fs::File::create(out_dir.join("bundles.jsonl"))?);
    for r in &results {
        serde_json::to_writer(&mut jsonl, r)?;
        jsonl.write_all(b"\n")?;
    }
    jsonl.flush()?;
    let mut md = BufWriter::new(fs::File::create(out_dir.join("summary.md"))?);
    report::batch::write_markdown(&mut md, &summary, &results)?;
    md.flush()?;
    let mut csv = BufWriter::new(fs::File::create(out_dir.join("summary.csv"))?);
    report::batch::write_csv(&mut csv, &summary)?;
    csv.flush()?;
    report::batch::write_parquet(out_dir, &summary, &results)?;
    if !args.quiet {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        let width = if stdout.is_terminal() { report::table::terminal_width() } else { 120 };
        report::batch::write_table(&mut out, &summary, width)?;
        for (bundle, why) in &summary.failed {
            eprintln!("postmortem: {}: skipped: {}", safe::terminal(bundle), safe::terminal(why));
        }
    }
    Ok(if args.fail_on_error && !summary.failed.is_empty() { 1 } else { EXIT_OK })
}

/// Batch progress: a bar on a terminal, a line per bundle otherwise, nothing when quiet.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    events: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        let terminal = io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} bundles  {msg}  ETA {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, plain: !quiet && !terminal, total, done: 0.into(), events: 0.into() }
    }

    fn done(&self, r: &crate::batch::BundleResult) {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.done.fetch_add(1, Relaxed) + 1;
        let events = self.events.fetch_add(r.events, Relaxed) + r.events;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{events} events"));
            bar.inc(1);
        } else if self.plain {
            let verdict = match &r.failure {
                Some(why) => format!("failed: {why}"),
                None => format!("{} {}", r.severity.as_deref().unwrap_or(""), r.top_cause().unwrap_or("-")),
            };
            eprintln!(
                "postmortem: [{n}/{}] {}: {}",
                self.total,
                safe::terminal(&r.bundle),
                safe::terminal(&verdict)
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn notify_command(args: NotifyArgs) -> Result<i32> {
    let Some(Analyzed { timeline, inventory, analysis, .. }) =
        analyzed(&args.evidence, &args.analysis, Keep::Analysis)?
    else {
        return Ok(no_evidence());
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    report::notify::write(&mut out, &timeline, &analysis, &inventory, args.stage)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// Records up to which `analyze --format html` and `--out` keep every event: the page draws
/// them all and the timeline files are written from memory. Above it, the analysis keeps
/// what its rules and reports read, the page draws those and counts the rest per lane, and
/// the timeline files are streamed (the evidence is read again), so memory stays bounded.
pub const EVERY_EVENT_LIMIT: u64 = 100_000;

fn analyze_command(args: AnalyzeArgs) -> Result<i32> {
    let page = args.out.is_some() || args.format == AnalyzeFormat::Html;
    let keep = if page { Keep::AnalysisWithLines } else { Keep::Analysis };
    let Some(mut found) = analyzed(&args.evidence, &args.analysis, keep)? else {
        return Ok(no_evidence());
    };
    if page && found.timeline.records() <= args.every_event_limit {
        // Small evidence: read it again keeping every event, for the page to draw them all.
        let Some(everything) = analyzed(&args.evidence, &args.analysis, Keep::Everything)? else {
            return Ok(no_evidence());
        };
        found = everything;
    }
    let Analyzed { timeline, analysis, clocks, .. } = found;
    let info = run_info(&args);
    if let Some(dir) = &args.out {
        return write_out_dir(
            dir,
            &args.evidence,
            &timeline,
            clocks,
            &analysis,
            &info,
            args.every_event_limit,
        );
    }
    let (mut out, width): (Box<dyn Write>, usize) = match &args.output {
        Some(path) => (
            Box::new(BufWriter::new(
                fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
            )),
            120,
        ),
        None => {
            let stdout = io::stdout();
            let width = if stdout.is_terminal() { report::table::terminal_width() } else { 120 };
            (Box::new(BufWriter::new(stdout.lock())), width)
        }
    };
    report::analysis::write(&mut out, &timeline, &analysis, args.format, width, &info)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// The options that change an analysis, by name (file names, never absolute paths), for the
/// report's appendix: reruns with the same evidence and options give the same bytes.
fn run_info(args: &AnalyzeArgs) -> report::markdown::RunInfo {
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let e = &args.evidence;
    let mut options = vec![
        ("grace".to_string(), args.analysis.grace.clone()),
        ("lookback".to_string(), args.analysis.lookback.clone()),
    ];
    options.push(("tz".into(), e.tz.clone().unwrap_or_else(|| "manifest timezone, else UTC".into())));
    if let Some(y) = e.year {
        options.push(("year".into(), y.to_string()));
    }
    if let Some(b) = e.boot_time {
        options.push(("boot-time".into(), b.to_rfc3339()));
    }
    options.push((
        "inventory".into(),
        e.inventory.as_ref().map(name).unwrap_or_else(|| "from the evidence".into()),
    ));
    let rules: Vec<String> = args.analysis.rules.iter().map(name).collect();
    options.push((
        "rules".into(),
        if rules.is_empty() { "embedded".into() } else { format!("embedded + {}", rules.join(", ")) },
    ));
    for f in &e.force {
        options.push(("as".into(), f.clone()));
    }
    report::markdown::RunInfo { options }
}

/// `analyze --out DIR`: every report of one analysis, side by side. The timeline files hold
/// every event: from memory when the analysis kept them all, else streamed from a new read
/// of the evidence (`crate::stream`; Parquet, which sorts in memory, is then left out).
fn write_out_dir(
    dir: &std::path::Path,
    evidence: &EvidenceArgs,
    timeline: &timeline::Timeline,
    clocks: Vec<crate::clock::BundleClock>,
    analysis: &analysis::Analysis,
    info: &report::markdown::RunInfo,
    limit: u64,
) -> Result<i32> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let open = |name: &str| -> Result<BufWriter<fs::File>> {
        let path = dir.join(name);
        Ok(BufWriter::new(
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
        ))
    };
    for (name, format) in [
        ("report.md", AnalyzeFormat::Md),
        ("report.json", AnalyzeFormat::Json),
        ("report.html", AnalyzeFormat::Html),
    ] {
        let mut file = open(name)?;
        report::analysis::write(&mut file, timeline, analysis, format, 120, info)?;
        file.flush()?;
    }
    let every_event = timeline.not_kept().is_empty();
    let (mut jsonl, mut csv) = (open("timeline.jsonl")?, open("timeline.csv")?);
    if every_event {
        report::timeline::write(&mut jsonl, timeline.events.iter(), TimelineFormat::Jsonl, usize::MAX / 4)?;
        report::timeline::write(
            &mut csv,
            timeline.events.iter(),
            TimelineFormat::Timesketch,
            usize::MAX / 4,
        )?;
    } else {
        // Both files from one more read of the evidence, streamed.
        let (mut load, _) = load_and_time(evidence)?;
        load.retention = Retention::All;
        let _bar = LoadBar::start(&evidence.evidence, "writing the timeline files", &mut load);
        let mut outputs = [
            crate::stream::Output { format: TimelineFormat::Jsonl, out: &mut jsonl },
            crate::stream::Output { format: TimelineFormat::Timesketch, out: &mut csv },
        ];
        let options = crate::stream::StreamOptions::default();
        let filter = timeline::Filter::default();
        crate::stream::write_all(
            &mut outputs,
            &evidence.evidence,
            timeline,
            clocks,
            &load,
            filter,
            &options,
        )?;
    }
    jsonl.flush()?;
    csv.flush()?;
    let mut written = "report.md, report.json, report.html, timeline.jsonl, timeline.csv".to_string();
    if report::parquet::AVAILABLE && every_event {
        let events: Vec<&crate::event::Event> = timeline.events.iter().collect();
        let path = dir.join("timeline.parquet");
        report::parquet::write(&path, &events).with_context(|| format!("cannot write {}", path.display()))?;
        written.push_str(", timeline.parquet");
    } else if report::parquet::AVAILABLE {
        eprintln!(
            "postmortem: timeline.parquet not written: {} events are more than --out keeps in memory ({limit}); \
             `postmortem timeline --format parquet --output FILE` writes it (sorting in memory)",
            timeline.records()
        );
    }
    println!("wrote {written} to {}", dir.display());
    Ok(EXIT_OK)
}

/// The `--inventory` file, read and checked before any evidence is (a bad file is a usage error).
fn inventory_file(args: &EvidenceArgs) -> Result<Option<Inventory>> {
    let Some(path) = &args.inventory else { return Ok(None) };
    let text = fs::read_to_string(path)
        .map_err(|e| usage(format!("--inventory {}: {}", path.display(), crate::evidence::io_words(&e))))?;
    Inventory::from_toml(&text, path).map(Some).map_err(|e| usage(e.to_string()))
}

/// The `--app` filter: an application's processes when the inventory has an application of
/// that name, else the argument as one process name or glob.
fn app_filter(arg: &str, inventory: &Inventory) -> Result<globset::GlobSet> {
    let patterns: Vec<String> =
        match inventory.applications.iter().filter(|a| a.name == arg).collect::<Vec<_>>() {
            apps if !apps.is_empty() => apps.iter().flat_map(|a| a.processes.iter().cloned()).collect(),
            _ => vec![arg.to_string()],
        };
    let mut set = globset::GlobSetBuilder::new();
    for p in &patterns {
        set.add(globset::Glob::new(p).map_err(|e| usage(format!("--app: {e}")))?);
    }
    set.build().map_err(|e| usage(format!("--app: {e}")))
}

fn no_evidence() -> i32 {
    eprintln!("postmortem: no usable evidence: nothing recognised (run `postmortem inputs` to see why each input was skipped, or force a format with --as GLOB=FORMAT)");
    EXIT_NO_EVIDENCE
}

/// Evidence smaller than this loads without a progress bar (it takes a few seconds at most).
const PROGRESS_BYTES: u64 = 256 << 20;

/// A progress bar over a long read of the evidence, drawn on standard error when it is a
/// terminal and the evidence is large: bytes of evidence files read of their total size.
/// Cleared when dropped.
struct LoadBar {
    bar: indicatif::ProgressBar,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl LoadBar {
    /// Starts a bar labelled `what` for a load of `evidence` with `load` (which it makes count
    /// its bytes), or nothing when the evidence is small or standard error is not a terminal.
    fn start(evidence: &[PathBuf], what: &str, load: &mut LoadOptions) -> Option<LoadBar> {
        if !io::stderr().is_terminal() {
            return None;
        }
        let total: u64 = evidence
            .iter()
            .flat_map(|a| crate::evidence::entries(a))
            .filter_map(|(_, path)| fs::metadata(path?).ok())
            .map(|m| m.len())
            .sum();
        if total < PROGRESS_BYTES {
            return None;
        }
        let progress = crate::evidence::Progress::new();
        load.progress = Some(progress.clone());
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (ticking, stopped) = (bar.clone(), std::sync::Arc::clone(&stop));
        let ticker = std::thread::spawn(move || {
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                ticking.set_position(progress.bytes().min(total));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        Some(LoadBar { bar, stop, ticker: Some(ticker) })
    }
}

impl Drop for LoadBar {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

fn build(args: &EvidenceArgs, retention: Retention, raw_lines: bool) -> Result<timeline::Timeline> {
    Ok(build_keeping_clocks(args, retention, raw_lines)?.0)
}

/// [`build`], with each bundle's clock (for the streamed timeline's second pass).
fn build_keeping_clocks(
    args: &EvidenceArgs,
    retention: Retention,
    raw_lines: bool,
) -> Result<(timeline::Timeline, Vec<crate::clock::BundleClock>)> {
    let (mut load, time) = load_and_time(args)?;
    load.retention = retention;
    load.raw_lines = raw_lines;
    let bar = LoadBar::start(&args.evidence, "reading the evidence", &mut load);
    let (timeline, clocks) = timeline::build_keeping_clocks(&args.evidence, &load, &time);
    drop(bar);
    for input in timeline.bundles.iter().flat_map(|b| &b.inputs) {
        if let crate::evidence::InputStatus::Failed(why) = &input.status {
            // File names and reasons come from the evidence (archive members): no escapes.
            eprintln!("postmortem: {}: {}", safe::terminal(&input.file), safe::terminal(why));
        }
    }
    Ok((timeline, clocks))
}

fn timeline_command(args: TimelineArgs) -> Result<i32> {
    let filter = Filter {
        since: args.since.as_deref().map(|t| parse_instant(t, false)).transpose()?,
        until: args.until.as_deref().map(|t| parse_instant(t, true)).transpose()?,
        sources: args.source.clone(),
        app: None,
        grep: args
            .grep
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| usage(format!("--grep is not a valid regular expression: {e}")))?,
    };
    let file = inventory_file(&args.evidence)?;
    // Events of other sources are never shown: not kept (unless --app needs the ecosystem
    // files' events to know the applications).
    let retention = if args.source.is_empty() || args.app.is_some() {
        Retention::All
    } else {
        Retention::OnlySources(args.source.clone().into())
    };
    // Streamed: a first pass keeps what `analyze` keeps (and dates everything), a second
    // reads the evidence again and merges (see `crate::stream`).
    let streamed = crate::stream::streams(args.format) && !args.in_memory;
    let first_pass = if streamed { interest::retention(&load_rules(&[])?) } else { retention.clone() };
    let (mut timeline, clocks) = build_keeping_clocks(&args.evidence, first_pass, false)?;
    if !timeline.has_usable_evidence() {
        return Ok(no_evidence());
    }
    let mut filter = filter;
    if let Some(arg) = &args.app {
        filter.app = Some(app_filter(arg, &Inventory::for_timeline(file, &timeline))?);
    }
    if args.format == TimelineFormat::Parquet {
        let Some(path) = &args.output else {
            return Err(usage(
                "--format parquet writes a file: give --output FILE (e.g. --output timeline.parquet)",
            ));
        };
        let events: Vec<&crate::event::Event> = timeline.filtered(&filter).collect();
        report::parquet::write(path, &events).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(EXIT_OK);
    }
    let (mut out, width): (Box<dyn Write>, usize) = match &args.output {
        Some(path) => (
            Box::new(BufWriter::new(
                fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
            )),
            usize::MAX / 4,
        ),
        None => {
            let stdout = io::stdout();
            let width = if stdout.is_terminal() { report::table::terminal_width() } else { 160 };
            (Box::new(BufWriter::new(stdout.lock())), width)
        }
    };
    let left_out = if streamed {
        // The first pass's events served the inventory; the second pass gives them all again.
        timeline.events = Vec::new();
        let (mut load, _) = load_and_time(&args.evidence)?;
        load.retention = retention;
        let options = crate::stream::StreamOptions {
            sort_budget: args.sort_budget.unwrap_or(crate::stream::DEFAULT_SORT_BUDGET),
            tmp_dir: args.tmp_dir.clone(),
        };
        let evidence = &args.evidence.evidence;
        // Rows going to this terminal would mix with a bar.
        let to_terminal = args.output.is_none() && io::stdout().is_terminal();
        let _bar =
            if to_terminal { None } else { LoadBar::start(evidence, "writing the timeline", &mut load) };
        crate::stream::write(&mut out, evidence, &timeline, clocks, &load, filter, args.format, &options)?
            .left_out
    } else {
        report::timeline::write_counted(&mut out, timeline.filtered(&filter), args.format, width)?
    };
    if left_out > 0 {
        eprintln!(
            "postmortem: {left_out} undated events left out ({} needs a time on every row; they are in --format jsonl)",
            if args.format.dated_only() { "this format" } else { "the format" }
        );
    }
    if args.show_unparsed {
        report::timeline::write_unparsed(&mut out, &timeline)?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// Parses `--since`/`--until`: RFC3339, or `YYYY-MM-DD[ HH:MM[:SS]]` in UTC.
fn parse_instant(text: &str, end_of_day: bool) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(n.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let n = if end_of_day { d.and_hms_micro_opt(23, 59, 59, 999_999) } else { d.and_hms_opt(0, 0, 0) };
        return n.map(|n| n.and_utc()).ok_or_else(|| anyhow!("bad date"));
    }
    Err(usage(format!(
        "cannot read the time {text:?}: use RFC3339 (2026-02-17T14:31:06Z, 2026-02-17T15:31:06+01:00) or YYYY-MM-DD[ HH:MM[:SS]] in UTC"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        let t = |s, e| parse_instant(s, e).unwrap().to_rfc3339();
        assert_eq!(t("2026-02-17T15:31:06+01:00", false), "2026-02-17T14:31:06+00:00");
        assert_eq!(t("2026-02-17 14:31", false), "2026-02-17T14:31:00+00:00");
        assert_eq!(t("2026-02-17", false), "2026-02-17T00:00:00+00:00");
        assert_eq!(t("2026-02-17", true), "2026-02-17T23:59:59.999999+00:00");
        let err = parse_instant("yesterday", false).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some());
    }
}
