//! postmortem's evidence parsers: pure functions over text, no I/O, no clock.
//!
//! Every format is a [`LineParser`]: a state machine fed the physical lines of one input in
//! order, which accounts each line exactly once in a [`Sink`] (event, continuation,
//! structural or unparsed with a reason). **Parsing never fails**: no input makes a parser
//! return an error or panic.
//!
//! [`sniff`] decides an input's [`Format`] from its first lines; [`Format::parser`] makes the
//! parser for it.

pub mod auth;
pub mod dmesg;
pub mod format;
pub mod journal;
pub mod kernel;
pub mod messages;
pub mod pm2_log;
pub mod record;
pub mod sniff;
pub mod syslog;
pub mod systemd;
pub mod timefmt;

pub use format::Format;
pub use record::{
    parse_text, split_lines, FieldValue, FileOffset, LineClass, LineCounts, LineParser, RawTime, Record,
    Sink, Unparsed,
};
