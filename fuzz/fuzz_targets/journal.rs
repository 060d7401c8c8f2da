//! The journal parser (`Format::Journal`) on arbitrary bytes.
#![no_main]

use postmortem_parsers::{fuzzing::parse_bytes, Format};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    parse_bytes(Format::Journal, data);
});
