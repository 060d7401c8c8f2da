//! The `postmortem` binary: parse arguments, call the library, exit with its code.

fn main() {
    std::process::exit(postmortem::cli::run());
}
