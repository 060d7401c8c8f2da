//! The evidence loader on one file's bytes: gzip/zstd layers, tar and zip archives, then
//! sniffing and parsing of every member.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| postmortem::evidence::fuzz_load(data));
