//! The rules loader (`--rules FILE`, TOML): any text is a rule set or a `RulesError`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = postmortem::analysis::rules::parse(text, "fuzz.toml");
    }
});
