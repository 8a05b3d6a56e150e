// `npm run bench:adapter`: the attnviz/transformers adapter on a GPT-2-small-sized random model
// (generated on first use into .cache/bench/, never committed): the graph rewrite, creating the
// session, and running it with and without the tapped outputs, in Node (onnxruntime-web's Node
// build) and in Debian's headless Chromium, with peak memory and, in the page, how long the main
// thread is blocked. Prints figures; asserts nothing.
//
//   npm run bench:adapter [-- --small]
//   BENCH_SUITES=gpt2,smollm, BENCH_ENVS=node|chromium, BENCH_TOKENS=32,128,512 (GPT-2),
//   BENCH_RUNS=3 (measured runs after 1 warm-up); adapter-long.mjs has the SmolLM suite's settings.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, machine, median, printTable } from './common.mjs';
import { benchLong, smollmDir } from './adapter-long.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const small = process.argv.includes('--small') || process.env.BENCH_SMALL === '1';
const tokenCounts = (process.env.BENCH_TOKENS ?? '32,128,512').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const envs = (process.env.BENCH_ENVS ?? 'node,chromium').split(',');
// gpt2: GPT-2 small, untapped vs tapped; smollm: a SmolLM2-135M-shaped Llama at long inputs, one
// layer vs all tapped (adapter-long.mjs).
const suites = (process.env.BENCH_SUITES ?? 'gpt2,smollm').split(',');
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const modelDir = path.join(root, '.cache', 'bench', small ? 'gpt2-reduced' : 'gpt2-small');
const modelFile = path.join(modelDir, 'onnx', 'model.onnx');

/** The targets. */
const MAX_REWRITE_SHARE = 0.25;
const MAX_RUN_OVERHEAD = 0.2;

function ensureModel() {
  if (existsSync(modelFile) && existsSync(path.join(modelDir, 'onnx', 'warmup.onnx'))) return;
  console.log(`generating ${path.relative(root, modelDir)} with ${python} (torch, onnx)…`);
  const args = [path.join(root, 'bench', 'gpt2_small.py'), '--out', modelDir, ...(small ? ['--small'] : [])];
  try {
    execFileSync(python, args, { stdio: 'inherit' });
  } catch {
    console.error(
      `generating the model failed: it needs Debian's PyTorch and onnx (apt-get install python3-torch python3-onnx) in ${python}, or BENCH_PYTHON set to a Python that has them`,
    );
    process.exit(1);
  }
}

/**
 * Stops when dist/transformers/ lacks what the benchmark loads, or has a file older than its
 * source (a source file that nothing imports is never built: rollup follows imports).
 */
function checkBuild() {
  const mtime = (...parts) => {
    const file = path.join(root, ...parts);
    return existsSync(file) ? statSync(file).mtimeMs : 0;
  };
  const loaded = ['tap', 'off-thread', 'tap-worker'];
  const built = readdirSync(path.join(root, 'src', 'transformers'))
    // compute.ts's steps are timed here one by one; it and index.ts are never loaded.
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'compute.ts' && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .filter((f) => loaded.includes(f) || mtime('dist', 'transformers', `${f}.js`) > 0);
  const stale = built.filter(
    (f) => mtime('dist', 'transformers', `${f}.js`) < mtime('src', 'transformers', `${f}.ts`),
  );
  if (stale.length > 0) {
    console.error(
      `dist/transformers/ is missing or older than its source (${stale.join(', ')}): run npm run build`,
    );
    process.exit(1);
  }
}

const config = () => JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
const ortVersion = JSON.parse(
  readFileSync(path.join(root, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8'),
).version;

function describeModel() {
  const c = config();
  const mib = statSync(modelFile).size / 2 ** 20;
  const shape = `${c.n_layer} layers × ${c.n_head} heads, hidden ${c.n_embd}, vocabulary ${c.vocab_size}`;
  return `${small ? 'REDUCED random GPT-2 (--small)' : 'GPT-2-small-sized random model'}: ${shape}, ${mib.toFixed(0)} MiB fp32`;
}

// --- Node ----------------------------------------------------------------------------------------

/** One measurement in a fresh Node process (adapter-node.mjs), so that its peak memory is its own. */
function nodeRun(tokens, mode) {
  const out = execFileSync(
    process.execPath,
    [path.join(root, 'bench', 'adapter-node.mjs'), modelDir, String(tokens), mode, String(runs)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1));
}

function benchNode() {
  const rows = [];
  for (const tokens of tokenCounts) {
    const plain = nodeRun(tokens, 'plain');
    const tapped = nodeRun(tokens, 'tapped');
    rows.push(row(tokens, plain, tapped));
  }
  console.log(
    `\nNode ${process.version}, onnxruntime-web ${ortVersion} Node build (wasm, 1 thread); ${machine()}`,
  );
  console.log(describeModel());
  console.log(
    [
      'Per row, the untapped and the tapped figures come from two fresh processes.',
      ...LEGEND,
      "peak = the process's VmHWM (resident high-water mark): Node itself, the model's bytes, the",
      "rewritten copy, onnxruntime's wasm memory, the outputs.",
    ].join('\n'),
  );
  printTable(TIME_COLUMNS, rows);
  printTargets('Node', rows);
}

function row(tokens, plain, tapped) {
  return {
    tokens,
    runtimeMs: tapped.runtimeMs,
    tapMs: tapped.tapMs,
    createMs: plain.createMs,
    createTappedMs: tapped.createMs,
    rewriteShare: tapped.tapMs / tapped.createMs,
    runMs: plain.runMs,
    runTappedMs: tapped.runMs,
    overhead: tapped.runMs / plain.runMs - 1,
    firstRunMs: plain.firstRunMs,
    firstRunTappedMs: tapped.firstRunMs,
    outputMB: plain.outputMB,
    outputTappedMB: tapped.outputMB,
    peakMB: plain.peakMB,
    peakTappedMB: tapped.peakMB,
  };
}

const loadAverage = os.loadavg()[0];

/** What the columns of TIME_COLUMNS mean, one line each. */
const LEGEND = [
  "ort start = a one-node session created first: loading onnxruntime's wasm, once per process or page.",
  'rewrite = tapModel; create = InferenceSession.create of the model, untapped or tapped.',
  `run = median of ${runs} runs after 1 warm-up run ("1st run", left out), each fetching every output;`,
  "outputs = MiB fetched per run (tapped: the model's outputs plus every tapped tensor).",
  `Load average at start: ${loadAverage.toFixed(1)} on ${os.cpus().length} CPUs (other work on them makes figures noisy).`,
];

const percent = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

const TIME_COLUMNS = [
  ['tokens', 'tokens', 0],
  ['ort start ms', 'runtimeMs', 0],
  ['rewrite ms', 'tapMs', 0],
  ['create ms', 'createMs', 0],
  ['create tapped ms', 'createTappedMs', 0],
  ['run ms', 'runMs', 1],
  ['run tapped ms', 'runTappedMs', 1],
  ['1st run ms', 'firstRunMs', 0],
  ['1st run tapped ms', 'firstRunTappedMs', 0],
  ['outputs MiB', 'outputMB', 1],
  ['outputs tapped MiB', 'outputTappedMB', 1],
  ['peak MiB', 'peakMB', 0],
  ['peak tapped MiB', 'peakTappedMB', 0],
];

function printTargets(label, rows) {
  const shares = rows.map((r) => r.rewriteShare);
  const share = median(shares);
  const range = `${(100 * Math.min(...shares)).toFixed(1)}–${(100 * Math.max(...shares)).toFixed(1)}%`;
  console.log(`${label} targets:`);
  console.log(
    `  graph rewrite < ${100 * MAX_REWRITE_SHARE}% of creating the (tapped) session: ${share < MAX_REWRITE_SHARE ? 'met' : 'NOT met'}, ${(100 * share).toFixed(1)}% (median over the ${rows.length} token counts, ${range})`,
  );
  const runs = rows.map(
    (r) => `${r.tokens} tokens ${percent(r.overhead)} ${r.overhead <= MAX_RUN_OVERHEAD ? 'met' : 'NOT met'}`,
  );
  console.log(`  tapped run ≤ ${100 * MAX_RUN_OVERHEAD}% over the untapped run: ${runs.join('; ')}`);
}

// --- Chromium ------------------------------------------------------------------------------------

const TYPES = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};
/** URL prefix → folder. No cross-origin isolation headers: onnxruntime runs one thread, as in Node. */
const ROUTES = {
  '/bench/': path.join(root, 'bench'),
  '/dist/': path.join(root, 'dist'),
  '/ort/': path.join(root, 'node_modules', 'onnxruntime-web', 'dist'),
  '/model/': modelDir,
  '/smollm/': smollmDir(small),
};

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const prefix = Object.keys(ROUTES).find((p) => url.pathname.startsWith(p));
    const folder = prefix && ROUTES[prefix];
    const file = folder && path.join(folder, decodeURIComponent(url.pathname.slice(prefix.length)));
    if (!file || !file.startsWith(folder + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (url.pathname !== '/favicon.ico') console.error(`bench server: no ${url.pathname}`);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Process ids of `pid` and all its descendants, from /proc. */
function processTree(pid) {
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let size = 0; size !== tree.size;) {
    size = tree.size;
    for (const [child, ppid] of parent) if (tree.has(ppid)) tree.add(child);
  }
  return [...tree];
}

/** The largest VmHWM among the browser's renderer processes (the page, its workers run in it), MiB. */
function rendererPeakMB(browserPid) {
  let peak = 0;
  for (const pid of processTree(browserPid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kB = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      peak = Math.max(peak, Number(kB ?? 0) / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return peak;
}

/**
 * One measurement in a fresh browser, so that the renderer's peak memory is this page's alone;
 * `more` = {model, file, layer, runs} for another model than GPT-2 small (see adapter-page.mjs).
 */
async function chromiumRun(origin, tokens, mode, more = {}) {
  const browser = await launchChromium({ protocolTimeout: 30 * 60_000 });
  try {
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => m.type() === 'error' && console.error('page console:', m.text()));
    await page.goto(`${origin}/bench/adapter-page.html`);
    await page.waitForFunction(() => typeof window.benchAdapter === 'function');
    const figures = await page.evaluate((o) => window.benchAdapter(o), { mode, tokens, runs, ...more });
    return { ...figures, peakMB: rendererPeakMB(browser.process().pid), version: await browser.version() };
  } finally {
    await browser.close();
  }
}

const MODES = {
  plain: 'untapped, main thread',
  tapped: 'tapped in place, main thread',
  offthread: 'tapOffThread + ort proxy',
};

async function benchChromium() {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const rows = [];
  const pages = [];
  let version = '';
  try {
    for (const tokens of tokenCounts) {
      const results = {};
      for (const mode of Object.keys(MODES)) {
        results[mode] = await chromiumRun(origin, tokens, mode);
        pages.push({ tokens, mode: MODES[mode], ...results[mode], ...blocks(results[mode].blockMs) });
      }
      version = results.plain.version;
      rows.push(row(tokens, results.plain, results.tapped));
    }
  } finally {
    server.close();
  }
  console.log(
    `\nChromium ${version} headless, onnxruntime-web ${ortVersion} ESM bundle (wasm, 1 thread: the page is not cross-origin isolated); ${machine()}`,
  );
  console.log(describeModel());
  console.log(
    [
      "Inference on the page's main thread (no proxy), rewrite in place; per row, the untapped and",
      'the tapped figures come from two fresh browsers.',
      ...LEGEND,
      "peak = VmHWM of the largest renderer process: the page's main thread, its workers, its wasm",
      'memory (not the browser process, which also buffers the download).',
    ].join('\n'),
  );
  printTable(TIME_COLUMNS, rows);
  printTargets('Chromium', rows);

  console.log(
    [
      '\nChromium, main thread: "blocked" = the longest time it ran no timer (a zero-delay chain, ≈4 ms',
      'apart when idle) in each step; the page yields between steps, while computeAttention chains them,',
      'so there the blocks of in-place steps add up. "tapOffThread + ort proxy" is how computeAttention',
      "runs in browsers with proxy: true: the rewrite in the tap's worker, onnxruntime in its proxy worker (started by",
      'the first session, so within "ort start"). Each row is a fresh browser.',
    ].join('\n'),
  );
  printTable(
    [
      ['tokens', 'tokens', 0],
      ['page', 'mode', null],
      ['rewrite in', 'tapThread', null],
      ['ort start ms', 'runtimeMs', 0],
      ['rewrite ms', 'tapMs', 0],
      ['create ms', 'createMs', 0],
      ['1st run ms', 'firstRunMs', 0],
      ['run ms', 'runMs', 1],
      ['peak MiB', 'peakMB', 0],
      ['blocked ms: ort start', 'blockRuntime', 0],
      ['rewrite', 'blockRewrite', 0],
      ['create', 'blockCreate', 0],
      ['1st run', 'blockFirstRun', 0],
      ['runs', 'blockRun', 0],
    ],
    pages,
  );
}

/** The page's longest main-thread gap per phase, as table columns. */
function blocks(ms) {
  return {
    blockRuntime: ms.runtime,
    blockRewrite: ms.rewrite,
    blockCreate: ms.create,
    blockFirstRun: ms.firstRun,
    blockRun: ms.run,
  };
}

// -------------------------------------------------------------------------------------------------

checkBuild();
if (small)
  console.log(
    '--small: reduced models for developing this script; their figures say nothing about the targets.',
  );
if (suites.includes('gpt2')) {
  ensureModel();
  if (envs.includes('node')) benchNode();
  if (envs.includes('chromium')) await benchChromium();
}
if (suites.includes('smollm')) {
  await benchLong({ envs, small, python, chromiumRun, serve });
}
