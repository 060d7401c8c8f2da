#!/usr/bin/env bash
# End-to-end comparison on one bundle, in one run (ratios are what count: these machines are
# noisy). Prints a Markdown table: wall time, peak RSS and MB/s of input for `wc -l`,
# `rg -c ''`, SHA-256 of every file, lnav (syslog files only, as the issue asks), `postmortem inputs`, `postmortem
# analyze` (text and HTML), `postmortem timeline --format jsonl` and `postmortem analyze --out`.
#
#   cargo build --release --no-default-features
#   cargo run --release -p postmortem-corpus -- big --size 1GiB --seed 7 --out /tmp/big1g
#   benches/compare.sh /tmp/big1g
#
# Needs GNU time (/usr/bin/time), ripgrep and lnav (`apt-get install time ripgrep lnav`).
set -euo pipefail
bundle=${1:?usage: benches/compare.sh BUNDLE_DIR}
bin=${POSTMORTEM:-$(dirname "$0")/../target/release/postmortem}
files=$(find "$bundle" -type f ! -name manifest.json | sort)
bytes=$(cat $files | wc -c)
syslog=$(find "$bundle" -type f -name 'auth.log*' | sort)
syslog_bytes=$(cat $syslog | wc -c)

# measure LABEL BYTES CMD...: one row.
measure() {
    local label=$1 input=$2
    shift 2
    sync
    /usr/bin/time -f '%e %M' -o /tmp/compare.time "$@" > /dev/null 2> /tmp/compare.err || true
    read -r secs kb < <(tail -1 /tmp/compare.time)
    awk -v l="$label" -v s="$secs" -v kb="$kb" -v b="$input" \
        'BEGIN { printf "| %s | %.2f s | %d MiB | %.0f MB/s |\n", l, s, kb / 1024, (s > 0 ? b / s / 1e6 : 0) }'
}

# Warm the page cache so every tool reads from memory.
cat $files > /dev/null
echo "bundle: $bundle, $((bytes / 1000000)) MB in $(echo "$files" | wc -l) files; $(nproc) cores"
echo
echo "| command | wall | peak RSS | input rate |"
echo "|---|---|---|---|"
measure "wc -l (all files)" "$bytes" wc -l $files
measure "rg -c '' (all files)" "$bytes" rg -c '' $files
# Every input's SHA-256 is part of its provenance: the floor under any postmortem run.
measure "openssl dgst -sha256 (all files, one core)" "$bytes" openssl dgst -sha256 $files
if command -v lnav > /dev/null; then
    for f in $syslog; do
        measure "lnav syslog count ($(basename "$f"))" "$(wc -c < "$f")" \
            lnav -n -c ';SELECT count(*) FROM syslog_log' "$f"
    done
fi
measure "postmortem inputs (auth.log files)" "$syslog_bytes" "$bin" inputs $syslog
measure "postmortem inputs" "$bytes" "$bin" inputs "$bundle"
measure "postmortem analyze" "$bytes" "$bin" analyze "$bundle"
measure "postmortem analyze --format html" "$bytes" "$bin" analyze "$bundle" --format html
measure "postmortem timeline --format jsonl" "$bytes" "$bin" timeline "$bundle" --format jsonl
out=$(mktemp -d)
measure "postmortem analyze --out (every report and timeline file)" "$bytes" "$bin" analyze "$bundle" --out "$out/out"
rm -rf "$out"
