//! The fleet summary of a batch: `summary.md`, `summary.csv`, `summary.parquet`, the
//! terminal table, `bundles.jsonl` (what `--merge` reads back) and `findings/` (Parquet, one row
//! per finding per bundle, hive-partitioned by month).

use std::io::{self, Write};
use std::path::Path;

use crate::batch::{BundleResult, Stats, Summary};
use crate::report::safe::{csv_cell, markdown as esc};
use crate::report::table;

fn minutes(secs: i64) -> String {
    format!("{:.1}", secs as f64 / 60.0)
}

/// The summary as rows: metric, key, count, median, p90, total, mean (seconds).
pub fn rows(s: &Summary) -> Vec<[String; 7]> {
    let mut rows = Vec::new();
    let count = |metric: &str, key: &str, n: usize| {
        [metric.into(), key.into(), n.to_string(), String::new(), String::new(), String::new(), String::new()]
    };
    let stats = |metric: &str, key: String, st: &Stats| {
        [
            metric.into(),
            key,
            st.count.to_string(),
            st.median.to_string(),
            st.p90.to_string(),
            st.total.to_string(),
            String::new(),
        ]
    };
    rows.push(count("bundles", "all", s.bundles));
    for (k, n) in &s.severity {
        rows.push(count("severity", k, *n));
    }
    for (k, n) in &s.causes {
        rows.push(count("top_cause", k, *n));
    }
    for (k, n) in &s.causes_any_rank {
        rows.push(count("cause_any_rank", k, *n));
    }
    for ((app, env), st) in &s.downtime_by_application {
        rows.push(stats("downtime_by_application", format!("{app}/{env}"), st));
    }
    for (cause, st) in &s.duration_by_cause {
        rows.push(stats("duration_by_cause", cause.clone(), st));
    }
    if let Some(m) = s.mttr_seconds {
        rows.push([
            "mttr".into(),
            "restored".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            m.to_string(),
        ]);
    }
    for (k, n) in &s.per_month {
        rows.push(count("incidents_per_month", k, *n));
    }
    for (b, _) in &s.failed {
        rows.push(count("failed", b, 1));
    }
    rows
}

const HEADER: [&str; 7] =
    ["metric", "key", "count", "median_seconds", "p90_seconds", "total_seconds", "mean_seconds"];

/// `summary.csv`.
pub fn write_csv<W: Write>(out: &mut W, s: &Summary) -> io::Result<()> {
    writeln!(out, "{}", HEADER.join(","))?;
    for row in rows(s) {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c).into_owned()).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// `summary.md`.
pub fn write_markdown<W: Write>(out: &mut W, s: &Summary, results: &[BundleResult]) -> io::Result<()> {
    writeln!(out, "# Batch summary\n")?;
    let failed = s.failed.len();
    writeln!(out, "{} bundles: {} analyzed, {failed} failed.\n", s.bundles, s.bundles - failed)?;
    writeln!(out, "## Severity\n\n| Severity | Bundles |\n| -------- | ------- |")?;
    for (k, n) in &s.severity {
        writeln!(out, "| {k} | {n} |")?;
    }
    writeln!(
        out,
        "\n## Root causes (top finding per incident)\n\n| Root cause | Incidents | Found at any rank |"
    )?;
    writeln!(out, "| ---------- | --------- | ----------------- |")?;
    for (k, n) in &s.causes {
        writeln!(out, "| `{k}` | {n} | {} |", s.causes_any_rank.get(k).copied().unwrap_or(0))?;
    }
    writeln!(out, "\n## Downtime per application (minutes)\n")?;
    writeln!(out, "| Application | Environment | Incidents | Median | p90 | Total |\n| --- | --- | --- | --- | --- | --- |")?;
    for ((app, env), st) in &s.downtime_by_application {
        writeln!(
            out,
            "| {} | {env} | {} | {} | {} | {} |",
            esc(app),
            st.count,
            minutes(st.median),
            minutes(st.p90),
            minutes(st.total)
        )?;
    }
    writeln!(out, "\n## Incident duration per root cause (minutes)\n")?;
    writeln!(out, "| Root cause | Incidents | Median | p90 | Total |\n| --- | --- | --- | --- | --- |")?;
    for (cause, st) in &s.duration_by_cause {
        writeln!(
            out,
            "| `{cause}` | {} | {} | {} | {} |",
            st.count,
            minutes(st.median),
            minutes(st.p90),
            minutes(st.total)
        )?;
    }
    match s.mttr_seconds {
        Some(m) => writeln!(out, "\nMTTR (restored incidents): {} minutes.", minutes(m))?,
        None => writeln!(out, "\nMTTR: no incident was restored within its evidence.")?,
    }
    writeln!(out, "\n## Incidents per month\n\n| Month | Incidents |\n| ----- | --------- |")?;
    for (m, n) in &s.per_month {
        writeln!(out, "| {m} | {n} |")?;
    }
    writeln!(out, "\n## Bundles\n\n| Bundle | Severity | Root cause | Start (UTC) | Duration (min) |")?;
    writeln!(out, "| ------ | -------- | ---------- | ----------- | -------------- |")?;
    let mut sorted: Vec<&BundleResult> = results.iter().collect();
    sorted.sort_by(|a, b| a.bundle.cmp(&b.bundle));
    for r in sorted {
        match &r.failure {
            Some(why) => writeln!(out, "| {} | failed | {} | | |", esc(&r.bundle), esc(why))?,
            None => writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                esc(&r.bundle),
                r.severity.as_deref().unwrap_or(""),
                r.top_cause().map(|c| format!("`{c}`")).unwrap_or_else(|| "—".into()),
                r.start.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
                r.duration_seconds.map(minutes).unwrap_or_default()
            )?,
        }
    }
    Ok(())
}

/// The terminal table.
pub fn write_table<W: Write>(out: &mut W, s: &Summary, width: usize) -> io::Result<()> {
    let mut rows = vec![["metric", "key", "count", "median", "p90", "total"].map(String::from).to_vec()];
    for r in rows_for_terminal(s) {
        rows.push(r);
    }
    writeln!(out, "{}", table::render(rows, width))
}

fn rows_for_terminal(s: &Summary) -> Vec<Vec<String>> {
    rows(s)
        .into_iter()
        .map(|r| {
            let t = |c: &String| {
                if c.is_empty() {
                    String::new()
                } else {
                    format!("{} min", minutes(c.parse().unwrap_or(0)))
                }
            };
            let mean = if r[6].is_empty() { String::new() } else { format!("mean {}", t(&r[6])) };
            vec![
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                if mean.is_empty() { t(&r[3]) } else { mean },
                t(&r[4]),
                t(&r[5]),
            ]
        })
        .collect()
}

/// `summary.parquet` and `findings/month=YYYY-MM/part-0.parquet` (when built with Parquet).
#[cfg(feature = "parquet")]
pub fn write_parquet(dir: &Path, s: &Summary, results: &[BundleResult]) -> io::Result<()> {
    use polars::prelude::*;

    let table = rows(s);
    let text = |i: usize, name: &str| -> Column {
        Series::new(name.into(), table.iter().map(|r| r[i].clone()).collect::<Vec<String>>()).into()
    };
    let num = |i: usize, name: &str| -> Column {
        Series::new(name.into(), table.iter().map(|r| r[i].parse::<i64>().ok()).collect::<Vec<Option<i64>>>())
            .into()
    };
    let mut summary = DataFrame::new(
        table.len(),
        vec![
            text(0, "metric"),
            text(1, "key"),
            num(2, "count"),
            num(3, "median_seconds"),
            num(4, "p90_seconds"),
            num(5, "total_seconds"),
            num(6, "mean_seconds"),
        ],
    )
    .map_err(io::Error::other)?;
    ParquetWriter::new(std::fs::File::create(dir.join("summary.parquet"))?)
        .finish(&mut summary)
        .map_err(io::Error::other)?;

    // One row per finding per bundle, partitioned by the incident's month.
    let mut by_month: std::collections::BTreeMap<String, Vec<(&BundleResult, usize)>> = Default::default();
    for r in results.iter().filter(|r| r.failure.is_none()) {
        for rank in 0..r.root_causes.len() {
            by_month.entry(r.month().unwrap_or_else(|| "none".into())).or_default().push((r, rank));
        }
    }
    for (month, rows) in by_month {
        let part = dir.join("findings").join(format!("month={month}"));
        std::fs::create_dir_all(&part)?;
        let col_s = |name: &str, f: &dyn Fn(&BundleResult, usize) -> String| -> Column {
            Series::new(name.into(), rows.iter().map(|(r, k)| f(r, *k)).collect::<Vec<String>>()).into()
        };
        let start = Series::new(
            "start".into(),
            rows.iter().map(|(r, _)| r.start.map(|t| t.timestamp_micros())).collect::<Vec<Option<i64>>>(),
        )
        .cast(&DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)))
        .map_err(io::Error::other)?;
        let mut df = DataFrame::new(
            rows.len(),
            vec![
                col_s("bundle", &|r, _| r.bundle.clone()),
                col_s("id", &|r, k| r.root_causes[k].0.clone()),
                Series::new("rank".into(), rows.iter().map(|(_, k)| *k as u32 + 1).collect::<Vec<u32>>())
                    .into(),
                Series::new(
                    "confidence".into(),
                    rows.iter().map(|(r, k)| r.root_causes[*k].1).collect::<Vec<f64>>(),
                )
                .into(),
                col_s("severity", &|r, _| r.severity.clone().unwrap_or_default()),
                start.into(),
                Series::new(
                    "duration_seconds".into(),
                    rows.iter().map(|(r, _)| r.duration_seconds).collect::<Vec<Option<i64>>>(),
                )
                .into(),
                Series::new(
                    "restored".into(),
                    rows.iter().map(|(r, _)| r.end.is_some()).collect::<Vec<bool>>(),
                )
                .into(),
            ],
        )
        .map_err(io::Error::other)?;
        ParquetWriter::new(std::fs::File::create(part.join("part-0.parquet"))?)
            .finish(&mut df)
            .map_err(io::Error::other)?;
    }
    Ok(())
}

/// Without the `parquet` feature there is nothing to write.
#[cfg(not(feature = "parquet"))]
pub fn write_parquet(_dir: &Path, _s: &Summary, _results: &[BundleResult]) -> io::Result<()> {
    Ok(())
}
