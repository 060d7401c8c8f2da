//! Sniffing: the first byte picks the file name, the rest is the content; what is sniffed is
//! then parsed with the format found.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| postmortem_parsers::fuzzing::sniff_and_parse(data));
