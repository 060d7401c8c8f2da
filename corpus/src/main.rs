//! `postmortem-corpus`: writes deterministic synthetic evidence for batch tests and benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "\
postmortem-corpus: deterministic synthetic evidence bundles for postmortem

USAGE:
    postmortem-corpus bundles --count N --seed S --out DIR [--noise LINES]
    postmortem-corpus big --size SIZE --seed S --out DIR
    postmortem-corpus --help

COMMANDS:
    bundles   N incident bundles named bundle-0001-<cause>, cycling through the causes
              pm2-delete-all, pm2-stop-all, oom-killer, disk-full, manual-intervention,
              crash-loop, none; incidents one day apart from 2026-01-05 13:00 UTC. Each bundle
              has a manifest.json (Europe/Berlin) and the evidence of its cause; `none` has no
              incident. --noise adds about LINES background lines per bundle (default 200).
    big       One mixed bundle of about SIZE bytes (1GiB, 500MB, 2000000, ...) with a
              `pm2 delete all` incident on 2026-03-02 13:00 UTC, streamed to disk.

The same arguments always write the same bytes.

EXIT CODES:
    0 ok, 1 could not write, 2 bad command line
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("postmortem-corpus: {msg} (see --help)");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("postmortem-corpus: {msg}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    Io(String),
}

/// Parsed `--name value` options.
#[derive(Default)]
struct Options {
    count: Option<usize>,
    seed: Option<u64>,
    out: Option<PathBuf>,
    size: Option<u64>,
    noise: Option<usize>,
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some(command) = args.first() else {
        print!("{HELP}");
        return Err(Failure::Usage("a command is required".into()));
    };
    if args.iter().any(|a| a == "--help" || a == "-h") || command == "help" {
        print!("{HELP}");
        return Ok(());
    }
    let options = parse(&args[1..])?;
    let seed = options.seed.ok_or_else(|| Failure::Usage("--seed is required".into()))?;
    let out = options.out.clone().ok_or_else(|| Failure::Usage("--out is required".into()))?;
    match command.as_str() {
        "bundles" => {
            if options.size.is_some() {
                return Err(Failure::Usage("--size is for `big`".into()));
            }
            let count = options.count.ok_or_else(|| Failure::Usage("--count is required".into()))?;
            let noise = options.noise.unwrap_or(200);
            let paths = postmortem_corpus::write_bundles(count, seed, noise, &out)
                .map_err(|e| Failure::Io(format!("writing bundles into {}: {e}", out.display())))?;
            println!("wrote {} bundles into {}", paths.len(), out.display());
            Ok(())
        }
        "big" => {
            if options.count.is_some() || options.noise.is_some() {
                return Err(Failure::Usage("--count and --noise are for `bundles`".into()));
            }
            let size = options.size.ok_or_else(|| Failure::Usage("--size is required".into()))?;
            postmortem_corpus::write_big(seed, size, &out)
                .map_err(|e| Failure::Io(format!("writing the big bundle into {}: {e}", out.display())))?;
            println!("wrote a bundle of about {size} bytes into {}", out.display());
            Ok(())
        }
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}

fn parse(args: &[String]) -> Result<Options, Failure> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, Failure> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
        };
        let number = |v: String| -> Result<u64, Failure> {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| Failure::Usage(format!("{name}: `{v}` is not a number")))
        };
        match name {
            "--count" => o.count = Some(number(value()?)? as usize),
            "--seed" => o.seed = Some(number(value()?)?),
            "--noise" => o.noise = Some(number(value()?)? as usize),
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "--size" => {
                let v = value()?;
                o.size = Some(
                    parse_size(&v).ok_or_else(|| Failure::Usage(format!("--size: `{v}` is not a size")))?,
                );
            }
            other => return Err(Failure::Usage(format!("unknown option `{other}`"))),
        }
    }
    Ok(o)
}

/// `1GiB`, `512MiB`, `500MB`, `64k`, `2000000` → bytes (K/M/G alone are binary).
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    let bytes = number * factor as f64;
    (bytes.is_finite() && bytes >= 1.0).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_size("2MB"), Some(2_000_000));
        assert_eq!(parse_size("512m"), Some(512 << 20));
        assert_eq!(parse_size("1.5KiB"), Some(1536));
        assert_eq!(parse_size("2000000"), Some(2_000_000));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("1TB"), None);
    }
}
