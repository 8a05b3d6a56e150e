// `npm run bench:leak`: mounts and removes views in headless Chromium and prints the heap before,
// at its peak and after a forced collection, and what was left running. The leak test checks
// the same with a generous bound; this prints the figures.
import { build } from 'esbuild';
import { launchChromium } from './common.mjs';

const count = Number(process.env.BENCH_LEAK_VIEWS ?? 500);
const loading = Number(process.env.BENCH_LEAK_LOADING ?? 20);

const bundle = await build({
  entryPoints: ['bench/leak-page.ts'],
  bundle: true,
  format: 'iife',
  write: false,
  minify: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
  conditions: ['production'],
  logLevel: 'warning',
});
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 800 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  // The heap after a full collection (DevTools' own, which also compacts), read from outside.
  const cdp = await page.createCDPSession();
  const heap = async () => {
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.evaluate(() => window.benchLeak.warm());
  const before = await heap();
  const r = await page.evaluate((count, loading) => window.benchLeak.churn(count, loading), count, loading);
  const after = await heap();
  // Views still alive anywhere in the heap (none may be).
  let alive = 0;
  for (const tag of ['attn-head-view', 'attn-model-view', 'attn-neuron-view']) {
    const proto = await page.evaluateHandle((t) => customElements.get(t).prototype, tag);
    const objects = await page.queryObjects(proto);
    alive += await page.evaluate((list) => list.length, objects);
  }
  Object.assign(r, { before, after, peak: Math.max(r.peak, after) });
  const mb = (b) => (b / 2 ** 20).toFixed(2);
  console.log(
    `${r.count} views with data (head, model, neuron in turn; half removed before their first frame),`,
  );
  console.log(
    `then ${r.loading} views with a model removed mid-load (${r.cancelled} loads cancelled), in ${(r.elapsed / 1000).toFixed(1)} s`,
  );
  console.log(
    `JS heap after forced GC: before ${mb(r.before)} MB, peak ${mb(r.peak)} MB, after ${mb(r.after)} MB`,
  );
  console.log(`growth ${(((r.after - r.before) / r.before) * 100).toFixed(1)}% (the test's bound: 10%)`);
  const open = Object.entries(r.open);
  console.log(`left running: ${open.length ? open.map(([k, n]) => `${n} ${k}`).join(', ') : 'nothing'}`);
  console.log(`views still in the heap: ${alive}`);
} finally {
  await browser.close();
}
