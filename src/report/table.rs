//! Terminal tables that fit the terminal's width.

use tabled::settings::{peaker::Priority, Style, Width};
use tabled::Table;

/// The width to fit tables to: the terminal's, or `COLUMNS`, or 120 when not a terminal.
pub fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return w as usize;
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(120)
}

/// Renders rows (first row = header) as a table no wider than `width`: the widest columns
/// are wrapped first.
pub fn render(rows: Vec<Vec<String>>, width: usize) -> String {
    let mut builder = tabled::builder::Builder::default();
    for row in rows {
        builder.push_record(row);
    }
    let mut table: Table = builder.build();
    table.with(Style::sharp());
    table.with(Width::wrap(width).keep_words(true).priority(Priority::max(true)));
    table.to_string()
}
