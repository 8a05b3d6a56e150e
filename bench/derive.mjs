// `node bench/derive.mjs`: the figures of derived attention in headless Chromium: attention flow
// at 32 and 64 tokens and rollout at 1,024 tokens (12 layers, 12 heads), each computed in the
// derivations' worker and drawn by the model view, and <attn-explorer>'s first render and head
// switch. The page and the worker are served over HTTP (the worker starts by URL).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { serveStatic } from '../scripts/serve.mjs';
import { launchChromium, machine, median, printTable } from './common.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const layers = 12;
const heads = 12;
const dir = mkdtempSync(path.join(os.tmpdir(), 'attnviz-derive-bench-'));
await build({
  entryPoints: { page: 'bench/page-derive.ts', 'derive-worker': 'src/components/shared/derive-worker.ts' },
  outdir: dir,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
  conditions: ['production'],
  logLevel: 'warning',
});
writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><html><body style="margin:0"><script type="module" src="./page.js"></script></body></html>',
);
const { server, base } = await serveStatic(dir);
const browser = await launchChromium();

/** `fn` (a name on window.bench) with `args` in a fresh page. */
async function inPage(fn, ...args) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/index.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => 'bench' in window);
  const figures = await page.evaluate((fn, args) => window.bench[fn](...args), fn, args);
  await page.close();
  return figures;
}

async function medians(fn, ...args) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await inPage(fn, ...args));
  const row = { ...all[0] };
  for (const key of Object.keys(row))
    if (typeof row[key] === 'number') row[key] = median(all.map((f) => f[key]));
  return row;
}

try {
  const caption = `medians of ${runs} fresh pages; Chromium ${await browser.version()}; ${machine()}`;
  const sizes = (process.env.BENCH_FLOW_TOKENS ?? '32,64').split(',').map(Number);
  const rows = [];
  for (const n of sizes) rows.push({ what: 'flow', ...(await medians('derived', 'flow', n, layers, heads)) });
  // A decoder's causal mask: half the edges, and a source reaches only later positions.
  for (const n of sizes) {
    rows.push({ what: 'flow, causal', ...(await medians('derived', 'flow', n, layers, heads, true)) });
  }
  const long = Number(process.env.BENCH_ROLLOUT_TOKENS ?? 1024);
  rows.push({ what: 'rollout', ...(await medians('derived', 'rollout', long, layers, heads)) });
  console.log(
    `Derived attention in the model view, ${layers} layers × ${heads} heads, synthetic; ${caption}`,
  );
  printTable(
    [
      ['aggregate', 'what', null],
      ['tokens', 'tokens', 0],
      ['until drawn ms', 'ms', 0],
      ['computed in', 'thread', null],
    ],
    rows,
  );
  console.log();
  const explorer = [];
  for (const n of (process.env.BENCH_EXPLORER_TOKENS ?? '64,256').split(',').map(Number)) {
    explorer.push(await medians('explorer', n, layers, heads));
  }
  console.log(`<attn-explorer>, ${layers} layers × ${heads} heads, synthetic; ${caption}`);
  printTable(
    [
      ['tokens', 'tokens', 0],
      ['first render ms', 'firstRenderMs', 0],
      ['head switch ms', 'headSwitchMs', 0],
    ],
    explorer,
  );
} finally {
  await browser.close();
  server.close();
}
