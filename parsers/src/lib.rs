//! postmortem's evidence parsers: pure functions over text, no I/O, no clock.
//!
//! Every format is a [`LineParser`]: a state machine fed the physical lines of one input in
//! order, which accounts each line exactly once in a [`Sink`] (event, continuation,
//! structural or unparsed with a reason). **Parsing never fails**: no input makes a parser
//! return an error or panic.
//!
//! [`sniff`] decides an input's [`Format`] from its first lines; [`Format::parser`] makes the
//! parser for it.

pub mod ansi;
pub mod auth;
pub mod ci_log;
pub mod command;
pub mod dmesg;
pub mod ecosystem;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod host_snapshot;
pub mod journal;
pub mod kernel;
pub mod messages;
pub mod nginx;
pub mod pm2_app_log;
pub mod pm2_cli;
pub mod pm2_log;
pub mod pm2_snapshot;
pub mod pm2_table;
pub mod record;
mod scan;
pub mod shell_history;
pub mod sniff;
pub mod syslog;
pub mod systemd;
pub mod timefmt;
pub mod workflow_file;

pub use format::Format;
pub use record::{
    parse_in_two, parse_text, split_lines, FieldValue, FileOffset, Glimpse, LineClass, LineCounts,
    LineParser, RawTime, Record, Sink, Unparsed,
};
