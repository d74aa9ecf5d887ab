// First render and responsiveness of the web map in headless Chromium (a bench script that prints figures):
//
//   cargo build --release && target/release/borderline --data DIR serve --addr 127.0.0.1:18099 --quiet &
//   node benches/web_render.mjs http://127.0.0.1:18099 [RUNS]
//
// DIR holds the 100k synthetic incidents of ../shared/peers (see benches/serve.sh). Prints, per run, the time
// from navigation to the first incidents drawn (groups, or the density view the page picks when many are in view),
// the markers handed to the browser, and the time a filter change, a pan, a zoom, a step of Play and opening the
// border profile take to redraw.
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
// Milliseconds from `act` to the map's next view drawn.
async function redraw(page, act) {
  const before = await page.getAttribute('body', 'data-drawn');
  const t = Date.now();
  await act();
  await page.waitForFunction((b) => document.body.dataset.drawn !== b, before, { timeout: 30000 });
  return Date.now() - t;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = [], filter = [], pan = [], drag = [], zoom = [], zoomButton = [], play = [], profile = [];
// Moves made by the map's own methods, without animation: what is timed is the page's answer to the move.
const move = (page, how) => page.evaluate((h) => { const m = window.borderline.map; if (h === 'pan') m.panBy([300, 150], { animate: false }); else if (h === 'back') m.panBy([-300, -150], { animate: false }); else if (h === 'in') m.zoomIn(1, { animate: false }); else m.zoomOut(1, { animate: false }); }, how);
let density = '';
let markers = 0, matched = '';
for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  await page.goto(base + '/?run=' + i + '#lat=20&lon=2&z=5', { waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  first.push(Date.now() - t0);
  markers = Number(await page.getAttribute('body', 'data-markers'));
  matched = await page.textContent('#counts');
  density = await page.getAttribute('body', 'data-density');
  filter.push(await redraw(page, () => page.locator('#types input[value="Battles"]').click()));
  await redraw(page, () => page.locator('#types input[value="Battles"]').click());
  pan.push(await redraw(page, () => move(page, 'pan')));
  await redraw(page, () => move(page, 'back'));
  const box = await page.locator('#map').boundingBox();
  drag.push(await redraw(page, async () => {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 300, box.y + box.height / 2 - 150, { steps: 5 });
    await page.mouse.up();
  }));
  // Zoom in one level and out again; then with the + button (Leaflet animates the zoom for 0.25 s).
  zoom.push(await redraw(page, () => move(page, 'in')));
  await redraw(page, () => move(page, 'out'));
  zoomButton.push(await redraw(page, () => page.locator('.leaflet-control-zoom-in').click()));
  await redraw(page, () => page.locator('.leaflet-control-zoom-out').click());
  // One step of Play (by month): the first frame's incidents drawn.
  play.push(await redraw(page, () => page.locator('#play').click()));
  await page.locator('#play').click();
  // The border profile of Algeria–Mali, drawn.
  const t5 = Date.now();
  await page.locator('#tab-profile').click();
  await page.waitForSelector('body[data-profile="1"]', { timeout: 30000 });
  profile.push(Date.now() - t5);
}
console.log(`first render (navigation to incidents drawn): median ${median(first)} ms, runs ${first.join(', ')} ms`);
console.log(`groups and incidents the server sent: ${markers} (${matched})`);
console.log(`first view drawn as: ${density ? density + ' density hexagons' : 'groups and incidents'}`);
console.log(`to redraw (median): filter change ${median(filter)} ms (with the page's 120 ms pause for more changes); pan ${median(pan)} ms; zoom ${median(zoom)} ms; play step ${median(play)} ms; border profile ${median(profile)} ms`);
console.log(`with Leaflet's animations (median): + button ${median(zoomButton)} ms; mouse drag ${median(drag)} ms (the map drifts on after the drag: Leaflet's inertia)`);
await browser.close();
