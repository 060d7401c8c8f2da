#!/usr/bin/env python3
"""Builds the raw seed corpora of the fuzz targets in fuzz/corpus-full/TARGET (not committed)
from samples/ and ../shared/corpus: short runs of whole lines of every input, grouped by the
format `postmortem inputs` recognises; rules from rules/root-causes.toml; small gzip, zstd,
tar and zip containers for the evidence loader. Fuzz into corpus-full, then minimize into
fuzz/corpus/TARGET with `cargo fuzz cmin` (see the README's Hardening section).

Usage: python3 fuzz/seed.py   (from the repository root, after `cargo build`)
"""
import gzip, hashlib, io, json, os, subprocess, sys, tarfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus-full")
BIN = os.path.join(ROOT, "target", "debug", "postmortem")
# Format ids in parsers' Format::ALL order: parse_any's first byte selects one.
FORMATS = ["pm2-log", "syslog", "journal", "dmesg", "ci-log", "workflow", "shell-history", "nginx",
           "pm2-jlist", "pm2-list", "git", "pm2-app-log", "host-snapshot", "pm2-ecosystem"]
DEDICATED = {"pm2-log": "pm2_log", "syslog": "syslog", "journal": "journal", "ci-log": "ci_log",
             "workflow": "workflow_file"}
CHUNK_LINES, CHUNKS_PER_FILE, MAX_BYTES = 24, 3, 4000


def save(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def chunks(data):
    """Up to CHUNKS_PER_FILE runs of CHUNK_LINES whole lines, spread over the file."""
    lines = data.splitlines(keepends=True)
    starts = sorted({0, len(lines) // 2, max(0, len(lines) - CHUNK_LINES)})[:CHUNKS_PER_FILE]
    for s in starts:
        yield b"".join(lines[s:s + CHUNK_LINES])[:MAX_BYTES]


def main():
    evidence = [os.path.join(ROOT, "samples"), os.path.join(ROOT, "..", "shared", "corpus")]
    for top in evidence:
        for bundle in sorted(os.listdir(top)):
            path = os.path.join(top, bundle)
            out = subprocess.run([BIN, "inputs", path, "--format", "jsonl"], capture_output=True, check=False)
            for line in out.stdout.splitlines():
                item = json.loads(line)
                fmt, name = item["format"], item["file"]
                if fmt not in FORMATS or "!" in name or name.endswith((".gz", ".zst")):
                    continue
                file = path if os.path.isfile(path) else os.path.join(path, name)
                data = open(file, "rb").read()
                for chunk in chunks(data):
                    save("parse_any", bytes([FORMATS.index(fmt)]) + chunk)
                    save("sniff", bytes([0]) + chunk)
                    if fmt in DEDICATED:
                        save(DEDICATED[fmt], chunk)
                    if top == evidence[0] and fmt == "pm2-log":
                        save_containers(chunk)
    rules = open(os.path.join(ROOT, "rules", "root-causes.toml"), "rb").read()
    save("rules", rules)
    for part in rules.split(b"\n[[rule]]")[1:]:
        save("rules", b"[[rule]]" + part)


def save_containers(chunk):
    save("evidence", chunk)
    save("evidence", gzip.compress(chunk, mtime=1771340000))
    zst = subprocess.run(["zstd", "-q", "-c"], input=chunk, capture_output=True, check=True).stdout
    save("evidence", zst)
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo("bundle/pm2/pm2.log")
        info.size, info.mtime = len(chunk), 1771340000
        t.addfile(info, io.BytesIO(chunk))
        link = tarfile.TarInfo("bundle/link.log")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/shadow"
        t.addfile(link)
    save("evidence", tar.getvalue())
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pm2/pm2.log", chunk)
        zf.writestr("pm2/pm2.log.gz", gzip.compress(chunk, mtime=0))
    save("evidence", z.getvalue())


if __name__ == "__main__":
    sys.exit(main())
