// The HTML report in a real browser (Debian's chromium, driven by playwright-core): the sample
// bundle's report draws its lanes and findings, clicking an event shows its line and
// provenance, zoom and filter work, the console stays clean and nothing is fetched; a bundle
// whose evidence carries markup runs none of it; large evidence draws what the analysis reads
// and counts the rest; a timeline of about 100,000 events opens, aggregates, zooms and filters.
//
// Run: cargo build --workspace --bins && (cd tests/browser && npm ci && node --test)
// (cargo xtask test does this, installing chromium and the npm packages when missing)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bigBundle, freshDir, htmlReport, launch, open } from './browser.mjs';

const SAMPLE = 'samples/2026-02-17-pm2-delete-all';
const HOSTILE = 'tests/fixtures/hostile-html';

let browser;
let tmp;
before(async () => {
  tmp = freshDir('postmortem-html-');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  tmp?.cleanup();
});

/** Only the report itself was requested, and the console has no errors or warnings. */
function assertSelfContained(seen) {
  assert.deepEqual(seen.requests.filter((u) => u !== seen.url), [], 'the report made network requests');
  assert.deepEqual(seen.errors, [], 'console errors or warnings');
}

const sha256 = (file) => createHash('sha256').update(readFileSync(join(ROOT, file))).digest('hex');

test('the sample report draws lanes and findings; clicking an event shows its line', async () => {
  const { page, seen } = await open(browser.context, htmlReport(SAMPLE, tmp.dir, 'sample.html'));

  // One lane per source, then one per application.
  const lanes = await page.locator('.lane-label .name').allTextContents();
  for (const source of ['pm2', 'auth', 'ci', 'nginx']) assert.ok(lanes.includes(source), `lane ${source} in ${lanes}`);
  assert.ok(lanes.includes('flyer-crawler (production)'), `application lane in ${lanes}`);
  assert.ok(lanes.includes('stock-alert (production)'), `application lane in ${lanes}`);
  const canvas = await page.locator('#canvas').boundingBox();
  assert.ok(canvas.width > 300 && canvas.height >= 28 + lanes.length * 26, `canvas ${JSON.stringify(canvas)}`);

  // The findings, with their evidence linked.
  const top = page.locator('#finding-0');
  assert.match(await top.textContent(), /pm2-delete-all/);
  const firstEvidence = top.locator('button.cite').first();
  assert.equal(await firstEvidence.textContent(), 'pm2/pm2.log:41');

  // A finding's evidence link opens the event: its line, file:line and the file's sha256.
  await firstEvidence.click();
  const detail = page.locator('#detail');
  await detail.waitFor({ state: 'visible' });
  const text = await detail.textContent();
  assert.match(text, /pm2\/pm2\.log:41/);
  assert.match(text, /App \[flyer-crawler-api:0\] exited with code \[0\] via signal \[SIGINT\]/);
  assert.ok(text.includes(sha256(`${SAMPLE}/pm2/pm2.log`)), 'sha256 of pm2.log in the detail');
  assert.match(text, /evidence for\s*pm2-delete-all/);
  // The raw line: exactly line 41 of the file, prefix and all.
  const line41 = readFileSync(join(ROOT, SAMPLE, 'pm2/pm2.log'), 'utf8').split('\n')[40];
  assert.equal(await page.locator('#detail-raw').textContent(), line41);

  // Clicking the event on the canvas (the view is now centred on it) shows the same line.
  await page.locator('#detail-close').click();
  await detail.waitFor({ state: 'hidden' });
  const pm2Lane = await page.locator('.lane-label', { hasText: /^pm2/ }).first().boundingBox();
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2, pm2Lane.y + pm2Lane.height / 2);
  await detail.waitFor({ state: 'visible' });
  assert.match(await page.locator('#detail-fields').textContent(), /pm2\/pm2\.log:41/);
  assert.match(await page.locator('#detail-line').textContent(), /flyer-crawler-api:0\] exited/);

  // Zoom changes the visible range; "All" shows every event.
  const range = page.locator('#range');
  const before = await range.textContent();
  await page.locator('#zoom-in').click();
  await page.waitForFunction((b) => document.getElementById('range').textContent !== b, before);
  await page.locator('#zoom-all').click();
  await page.waitForFunction(() => /^\S+ \S+ – \S+ UTC · (\d+) of \1 shown/.test(document.getElementById('range').textContent));

  // The filter keeps the matching events only.
  await page.locator('#filter').fill('via signal [SIGKILL]');
  await page.waitForFunction(() => document.getElementById('events-summary').textContent === 'Events in view: 1');
  const rows = await page.locator('#events tbody tr').allTextContents();
  assert.equal(rows.length, 1);
  assert.match(rows[0], /flyer-crawler-worker:1\] exited with code \[0\] via signal \[SIGKILL\]/);
  await page.locator('#events tbody tr').first().click();
  assert.match(await page.locator('#detail-fields').textContent(), /pm2\/pm2\.log:50/);

  // The report's sections under the timeline.
  for (const id of ['findings', 'processes', 'timing', 'response', 'verification', 'ruled-out', 'inputs']) {
    assert.ok(await page.locator(`section#${id}`).count(), `section ${id}`);
  }
  assertSelfContained(seen);
});

test('markup in the evidence is shown as text and never runs', async () => {
  const { page, seen } = await open(browser.context, htmlReport(HOSTILE, tmp.dir, 'hostile.html'));

  // Exercise every path evidence text takes: lanes, findings, tables, the detail panel.
  await page.locator('#zoom-all').click();
  await page.locator('#filter').fill('alert');
  // Four pm2 lines name the <svg> process, six auth lines the <img> and <script> users.
  await page.waitForFunction(() => document.getElementById('events-summary').textContent === 'Events in view: 10');
  const listed = await page.locator('#events').textContent();
  for (let n = 0; n < 10; n++) await page.locator('#events tbody tr').nth(n).click();
  const cites = page.locator('button.cite');
  for (let n = 0, count = await cites.count(); n < count; n++) await cites.nth(n).click();

  assert.deepEqual(seen.dialogs, [], 'a dialog opened: evidence text ran as script');
  const elements = await page.evaluate(() => ({
    scripts: Array.from(document.querySelectorAll('script'), (s) => s.type || 'inline'),
    injected: document.querySelectorAll('img, svg, iframe, object, embed, [onerror], [onload]').length,
  }));
  assert.deepEqual(elements.scripts, ['application/json', 'inline'], 'only the report\'s own two scripts');
  assert.equal(elements.injected, 0, 'elements from the evidence in the DOM');

  // The hostile names are there, as plain text.
  const lanes = await page.locator('.lane-label .name').allTextContents();
  assert.ok(lanes.includes('<svg/onload=alert(3)> (production)'), `application lane in ${lanes}`);
  assert.match(await page.locator('#response').textContent(), /<script>alert\(2\)<\/script>/);
  assert.match(listed, /<script>alert\(2\)<\/script> : TTY=pts\/0/);
  assert.match(listed, /Invalid user <img src=x onerror=alert\(1\)> from/);
  assertSelfContained(seen);
});

test('large evidence: the page draws what the analysis reads and says what it counted', async () => {
  // The limit is forced low: the sample stands for evidence of millions of records.
  const report = htmlReport(SAMPLE, tmp.dir, 'large.html', ['--every-event-limit', '10']);
  const { page, seen } = await open(browser.context, report);
  const note = await page.locator('p.not-drawn').textContent();
  assert.match(note, /^This evidence is large: the timeline draws the [\d,]+ events the analysis reads; [\d,]+ background records are counted, not drawn \(.*nginx http-request: [\d,]+.*\)/);
  const nginx = page.locator('.lane-label', { hasText: 'nginx' });
  assert.match(await nginx.locator('.count').textContent(), /^\(\d+ \+ [\d,]+ not drawn\)$/);
  // The findings and their evidence work as on the page of every event.
  await page.locator('#finding-0 button.cite').first().click();
  await page.locator('#detail').waitFor({ state: 'visible' });
  assert.match(await page.locator('#detail').textContent(), /pm2\/pm2\.log:41/);
  assertSelfContained(seen);
});

test('a timeline of about 100,000 events opens, aggregates, zooms and filters', async () => {
  const bundle = bigBundle(join(tmp.dir, 'big'), '12MB');
  const { page, seen } = await open(browser.context, htmlReport(bundle, tmp.dir, 'big.html'));
  const range = () => page.locator('#range').textContent();

  // Everything in view at "All": N of N events, N near 100,000.
  await page.locator('#zoom-all').click();
  await page.waitForFunction(() => /· (\d+) of \1 shown/.test(document.getElementById('range').textContent));
  const total = Number((await range()).match(/· (\d+) of/)[1]);
  assert.ok(total > 90000, `${total} events`);
  assert.match(await page.locator('#events-summary').textContent(), /the first 400 listed/);

  // The incident window holds the finding's evidence; its link opens the event.
  await page.locator('#zoom-incident').click();
  await page.waitForFunction((t) => !document.getElementById('range').textContent.includes(` ${t} of`), total);
  await page.locator('#finding-0 button.cite').first().click();
  await page.locator('#detail').waitFor({ state: 'visible' });
  assert.match(await page.locator('#detail-fields').textContent(), /evidence for\s*pm2-delete-all/);

  // The filter narrows 100,000 events to the few that match.
  await page.locator('#zoom-all').click();
  await page.locator('#filter').fill('deleteProcessId');
  await page.waitForFunction(() => /· (\d+) of \1 shown/.test(document.getElementById('range').textContent) &&
    Number(document.getElementById('range').textContent.match(/· (\d+) of/)[1]) < 20);
  await page.waitForFunction(() => /^Events in view: [1-9]\d?$/.test(document.getElementById('events-summary').textContent));
  for (const row of await page.locator('#events tbody tr').allTextContents()) assert.match(row, /deleteProcessId/);
  assertSelfContained(seen);
});
