// First render and responsiveness of the web map in headless Chromium (a bench script that prints figures):
//
//   cargo build --release && target/release/borderline --data DIR serve --addr 127.0.0.1:18099 --quiet &
//   node benches/web_render.mjs http://127.0.0.1:18099 [RUNS]
//
// DIR holds the 100k synthetic incidents of ../shared/peers (see benches/serve.sh). Prints, per run, the time
// from navigation to the first incidents drawn, the markers handed to the browser, and the time a filter change
// and a pan take to redraw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [base, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'borderline-bench-')), {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = [], filter = [], pan = [];
let markers = 0, matched = '';
for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  await page.goto(base + '/?run=' + i + '#lat=20&lon=2&z=5', { waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  first.push(Date.now() - t0);
  markers = Number(await page.getAttribute('body', 'data-markers'));
  matched = await page.textContent('#counts');
  let before = await page.textContent('#counts');
  const t1 = Date.now();
  await page.locator('#types input[value="Battles"]').click();
  await page.waitForFunction((b) => document.querySelector('#counts').textContent !== b, before, { timeout: 30000 });
  filter.push(Date.now() - t1);
  await page.locator('#types input[value="Battles"]').click();
  await page.waitForTimeout(500);
  before = await page.textContent('#counts');
  const t2 = Date.now();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 300, box.y + box.height / 2 - 150, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((b) => document.querySelector('#counts').textContent !== b, before, { timeout: 30000 });
  pan.push(Date.now() - t2);
}
console.log(`first render (navigation to incidents drawn): median ${median(first)} ms, runs ${first.join(', ')} ms`);
console.log(`markers handed to the browser: ${markers} (${matched})`);
console.log(`filter change to redraw: median ${median(filter)} ms; pan to redraw: median ${median(pan)} ms`);
await browser.close();
