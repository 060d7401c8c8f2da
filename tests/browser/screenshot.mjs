// Takes the README's screenshot of the sample bundle's HTML report.
//
// Usage (from the workspace root, after `cargo build`):
//   node tests/browser/screenshot.mjs [BUNDLE] [OUT.png]
// Defaults: samples/2026-02-17-pm2-delete-all and docs/report.png. Same chromium launch
// settings as the browser test (tests/browser/browser.mjs).
import { resolve } from 'node:path';
import { ROOT, freshDir, htmlReport, launch, open } from './browser.mjs';

const bundle = process.argv[2] || 'samples/2026-02-17-pm2-delete-all';
const out = resolve(process.argv[3] || resolve(ROOT, 'docs', 'report.png'));
const tmp = freshDir('postmortem-screenshot-');
const browser = await launch({ width: 1280, height: 860 });
try {
  const { page } = await open(browser.context, htmlReport(bundle, tmp.dir));
  // The top finding's first evidence line, selected: the view centres on it and shows its line.
  await page.locator('#finding-0 button.cite').first().click();
  await page.locator('#zoom-incident').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => new Promise((done) => requestAnimationFrame(() => done(true))));
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  tmp.cleanup();
}
