// `npm run bench`: bundles the parts of bench/page.ts its views need, runs them in Debian's
// headless Chromium and prints the figures. Speed is measured here, never in tests.
import { build } from 'esbuild';
import { launchChromium, machine as cpus, median, printTable } from './common.mjs';
import { buildPages, runVersus } from './versus.mjs';

const sizes = (process.env.BENCH_TOKENS ?? '64,256,512,1024').split(',').map(Number);
const layers = Number(process.env.BENCH_LAYERS ?? 12);
const heads = 12;

// `bertviz` (or `bertviz-head`, `bertviz-model`): attnviz against bertviz's own views, with ratios
// (bench/versus.mjs); `head`, `model`, `neuron`: attnviz's own figures, up to long inputs.
const views = (process.env.BENCH_VIEWS ?? 'bertviz,head,model,neuron').split(',');
const known = ['bertviz', 'bertviz-head', 'bertviz-model', 'head', 'model', 'neuron'];
const unknown = views.filter((v) => !known.includes(v));
if (unknown.length) {
  throw new Error(
    `BENCH_VIEWS: expected a comma-separated list of ${known.join(', ')}; received ${unknown.join(', ')}`,
  );
}
// Only the parts of the page these views need, so that a view that does not build (e.g. mid-
// refactor) does not stop the others' figures; the head view's part always, as each run first
// warms the browser process with it.
const parts = [
  'head',
  ...(views.some((v) => ['bertviz', 'bertviz-model', 'model'].includes(v)) ? ['model'] : []),
  ...(views.includes('neuron') ? ['neuron'] : []),
];
const bundle = await build({
  stdin: {
    contents: [
      ...parts.map((p) => `import { cases as ${p} } from './bench/page-${p}.ts';`),
      `Object.assign(window, { bench: { ${parts.map((p) => `...${p}`).join(', ')} } });`,
    ].join('\n'),
    resolveDir: process.cwd(),
    sourcefile: 'bench-page.ts',
    loader: 'ts',
  },
  bundle: true,
  format: 'iife',
  write: false,
  minify: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
  conditions: ['production'],
  logLevel: 'warning',
});

// `BENCH_BOUND=1`: attnviz's head views (the model view's detail too) draw no lines and leave
// their readout at rest in the bertviz comparison: a bound on what faster drawing could give.
const bound = process.env.BENCH_BOUND ?? '';
if (!['', '0', '1'].includes(bound)) throw new Error(`BENCH_BOUND: expected 1 or 0, received ${bound}`);
const versus = ['head', 'model'].filter((v) => views.includes('bertviz') || views.includes(`bertviz-${v}`));
if (bound === '1' && !versus.length) {
  throw new Error('BENCH_BOUND=1 applies to the bertviz comparison: add bertviz to BENCH_VIEWS');
}
if (versus.length) {
  await runVersus({
    views: versus,
    pages: await buildPages(parts, process.cwd(), bound === '1'),
    runs: Number(process.env.BENCH_RUNS ?? 5),
    bound: bound === '1',
  });
  if (!views.some((v) => ['head', 'model', 'neuron'].includes(v))) process.exit(0);
  console.log();
}

const browser = await launchChromium();

// Each size runs in several fresh pages (each first render is a cold one, as a user's is); the
// table shows medians, and the spread of first renders.
const runs = Number(process.env.BENCH_RUNS ?? 5);

async function measure(n) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 800 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const figures = await page.evaluate(
    (n, layers, heads) => window.bench.headView(n, layers, heads),
    n,
    layers,
    heads,
  );
  await page.close();
  return figures;
}

const neuronSizes = (process.env.BENCH_NEURON_TOKENS ?? '32,128,512').split(',').map(Number);

async function measureModel(n, mode) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const figures = await page.evaluate(
    (n, layers, heads, mode) => window.bench.modelView(n, layers, heads, mode),
    n,
    layers,
    heads,
    mode,
  );
  await page.close();
  return figures;
}

async function measureNeuron(n) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const figures = await page.evaluate((n, heads) => window.bench.neuronView(n, heads, 64), n, heads);
  await page.close();
  return figures;
}

async function medians(runOnce) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await runOnce());
  const row = {};
  for (const key of Object.keys(all[0])) {
    row[key] = typeof all[0][key] === 'number' ? median(all.map((f) => f[key])) : all[0][key];
  }
  const firsts = all.map((f) => f.firstRenderMs);
  row.firstRenderRange = `${Math.min(...firsts).toFixed(0)}–${Math.max(...firsts).toFixed(0)}`;
  return row;
}

try {
  await measure(64); // warm the browser process itself, not the page's code
  const machine = `Chromium ${await browser.version()}; ${cpus()}`;
  if (views.includes('head')) {
    const rows = [];
    for (const n of sizes) rows.push(await medians(() => measure(n)));
    console.log(
      `<attn-head-view>, ${heads} heads, ${layers} layers, synthetic attention; medians of ${runs} fresh pages; ${machine}`,
    );
    printTable(
      [
        ['tokens', 'tokens', 0],
        ['attention MB', 'attentionMB', 0],
        ['parse ms', 'parseMs', 1],
        ['first render ms', 'firstRenderMs', 1],
        ['(range)', 'firstRenderRange', null],
        ['to first frame ms', 'firstFrameMs', 1],
        ['all lines drawn ms', 'completeMs', 1],
        ['hover ms (median)', 'hoverMs', 1],
        ['hover ms (max)', 'hoverMaxMs', 1],
        ['unhover ms', 'unhoverMs', 1],
        ['layer switch ms', 'layerSwitchMs', 1],
        ['layer switch, all lines ms', 'layerSwitchCompleteMs', 1],
        ['scroll, all lines ms', 'scrollMs', 1],
        ['JS heap MB', 'heapMB', 1],
        ['token nodes', 'renderedTokenNodes', 0],
      ],
      rows,
    );
  }
  if (views.includes('model')) {
    const rows = [];
    for (const mode of ['lines', 'heatmap']) {
      for (const n of sizes) rows.push(await medians(() => measureModel(n, mode)));
    }
    console.log(
      `\n<attn-model-view>, ${layers} layers × ${heads} heads, synthetic sentence pair, 1000 px wide; medians of ${runs} fresh pages; ${machine}`,
    );
    printTable(
      [
        ['thumbnails', 'mode', null],
        ['tokens', 'tokens', 0],
        ['first render, all drawn ms', 'firstRenderMs', 1],
        ['(range)', 'firstRenderRange', null],
        ['first frame ms', 'firstFrameMs', 1],
        ['open detail ms', 'openDetailMs', 1],
        ['filter switch ms', 'filterSwitchMs', 1],
        ['mode switch ms', 'modeSwitchMs', 1],
        ['all summaries ms', 'summariesMs', 1],
        ['JS heap MB', 'heapMB', 1],
      ],
      rows,
    );
  }
  if (views.includes('neuron')) {
    const rows = [];
    for (const n of neuronSizes) rows.push(await medians(() => measureNeuron(n)));
    console.log(
      `\n<attn-neuron-view>, 1 layer × ${heads} heads × 64 dimensions with values, synthetic; medians of ${runs} fresh pages; ${machine}`,
    );
    printTable(
      [
        ['tokens', 'tokens', 0],
        ['first render ms', 'firstRenderMs', 1],
        ['(range)', 'firstRenderRange', null],
        ['token change ms (median)', 'tokenChangeMs', 1],
        ['token change ms (max)', 'tokenChangeMaxMs', 1],
        ['hover preview ms', 'hoverMs', 1],
        ['head switch ms', 'headSwitchMs', 1],
        ['JS heap MB', 'heapMB', 1],
      ],
      rows,
    );
  }
} finally {
  await browser.close();
}
