// Shared by the browser test and the screenshot script: where things are, how postmortem's
// HTML report is generated, and how Debian's chromium is launched (playwright-core drives
// /usr/bin/chromium; it never downloads a browser of its own).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** The workspace root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The postmortem binary: $POSTMORTEM_BIN, else target/debug/postmortem. */
export const BIN = process.env.POSTMORTEM_BIN || join(ROOT, 'target', 'debug', 'postmortem');

/** The synthetic evidence generator: $POSTMORTEM_CORPUS_BIN, else target/debug/postmortem-corpus. */
export const CORPUS_BIN = process.env.POSTMORTEM_CORPUS_BIN || join(ROOT, 'target', 'debug', 'postmortem-corpus');

/** The browser: $CHROMIUM, else Debian's package. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Runs a built binary of the workspace, or says how to build it. */
function runBinary(bin, args) {
  if (!existsSync(bin)) throw new Error(`${bin} not found: build it first (cargo build --workspace --bins)`);
  execFileSync(bin, args, { stdio: 'inherit' });
}

/** Writes `postmortem analyze BUNDLE --format html [EXTRA...]` into DIR and returns the file's
 * path. BUNDLE is relative to the workspace root, or absolute. */
export function htmlReport(bundle, dir, name = 'report.html', extra = []) {
  const out = join(dir, name);
  runBinary(BIN, ['analyze', resolve(ROOT, bundle), '--format', 'html', '--output', out, ...extra]);
  return out;
}

/** Writes the corpus generator's big mixed bundle (a `pm2 delete all` incident) into DIR. */
export function bigBundle(dir, size) {
  runBinary(CORPUS_BIN, ['big', '--size', size, '--seed', '7', '--out', dir]);
  return dir;
}

/** A fresh temporary directory; removed by the returned cleanup function. */
export function freshDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Launches chromium headless with a fresh profile; returns { context, close }. */
export async function launch(viewport = { width: 1280, height: 900 }) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install chromium (cargo xtask test does), or set CHROMIUM`);
  }
  const profile = freshDir('postmortem-chromium-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { context, close: async () => { await context.close(); profile.cleanup(); } };
}

/** Opens a report file in a new page and waits until its script has rendered everything. */
export async function open(context, file) {
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const seen = { url, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { page, seen };
}
