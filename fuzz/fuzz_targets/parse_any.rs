//! Every parser: the first byte picks the format, the rest is the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| postmortem_parsers::fuzzing::parse_any(data));
