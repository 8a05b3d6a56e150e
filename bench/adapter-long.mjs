// The long-input part of `npm run bench:adapter`: a SmolLM2-135M-shaped random Llama (bench/smollm.py,
// generated on first use into .cache/bench/, never committed) at 512 and 2,048 tokens, untapped,
// with one layer tapped (what an element computes for the layer shown) and with every layer tapped:
// the graph rewrite, creating the session, the run, and peak memory, in Node and in Chromium.
// Prints a table per environment and the targets; asserts nothing.
//
//   BENCH_LONG_TOKENS=512,2048, BENCH_LONG_RUNS=2 (measured runs after 1 warm-up),
//   BENCH_LONG_LAYER=15 (the one layer tapped), BENCH_LONG_PARTS=cells,interleave
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, printTable } from './common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Weight files measured, each a row per token count; another file type is one more line (and one in smollm.py's VARIANTS). */
const VARIANTS = [
  { name: 'fp32', file: 'model.onnx' },
  { name: 'q4', file: 'model_q4.onnx' },
];

const tokenCounts = (process.env.BENCH_LONG_TOKENS ?? '512,2048').split(',').map(Number);
const runs = Number(process.env.BENCH_LONG_RUNS ?? 2);
const layer = Number(process.env.BENCH_LONG_LAYER ?? 15);
/** cells: each mode in a fresh process or browser (times, memory); interleave: Node, times in turns. */
const parts = (process.env.BENCH_LONG_PARTS ?? 'cells,interleave').split(',');

/** The targets for one tapped layer against the untapped run. */
const MAX_LAYER_OVERHEAD = 0.1;
const MAX_LAYER_PEAK = 1.3;

/** SmolLM2-135M's attention: 30 layers × 9 heads. */
const LAYERS = 30;
const HEADS = 9;
/** onnxruntime-web's wasm32 memory ends at 4 GiB; every tapped output lives in it during the run. */
const WASM_MEMORY = 4 * 2 ** 30;

export const smollmDir = (small) =>
  path.join(root, '.cache', 'bench', small ? 'smollm2-reduced' : 'smollm2-135m');

function ensureModel(dir, small, python) {
  const files = ['warmup.onnx', ...VARIANTS.map((v) => v.file)];
  if (files.every((f) => existsSync(path.join(dir, 'onnx', f)))) return;
  console.log(`generating ${path.relative(root, dir)} with ${python} (torch, onnx)…`);
  const args = [path.join(root, 'bench', 'smollm.py'), '--out', dir, ...(small ? ['--small'] : [])];
  execFileSync(python, args, { stdio: 'inherit' });
}

/** One measurement in a fresh Node process (adapter-node.mjs), so that its peak memory is its own. */
function nodeRun(dir, tokens, mode, file) {
  const args = [
    path.join(root, 'bench', 'adapter-node.mjs'),
    dir,
    String(tokens),
    mode,
    String(runs),
    file,
    String(layer),
  ];
  const out = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** Bytes of every layer's attention at `tokens`, as float32. */
const allAttentionBytes = (tokens) => LAYERS * HEADS * tokens * tokens * 4;

/** One measurement, or the reason there is none (it cannot fit, or it failed). */
async function measureOne(run, tokens, mode) {
  if (mode === 'tapped' && allAttentionBytes(tokens) > WASM_MEMORY) {
    return {
      skipped: `all layers: ${(allAttentionBytes(tokens) / 2 ** 30).toFixed(1)} GiB of attention > 4 GiB of wasm memory`,
    };
  }
  try {
    return await run(tokens, mode);
  } catch (e) {
    return {
      skipped: `${mode} failed: ${String(e.message ?? e)
        .split('\n')[0]
        .slice(0, 160)}`,
    };
  }
}

const pct = (x) =>
  x === undefined || Number.isNaN(x) ? undefined : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

function row(variant, tokens, plain, one, all) {
  const ratio = (a, b) => (a?.[b] !== undefined && plain[b] ? a[b] / plain[b] : undefined);
  return {
    variant,
    tokens,
    rewriteOne: one.tapMs,
    rewriteAll: all.tapMs,
    create: plain.createMs,
    createOne: one.createMs,
    createAll: all.createMs,
    run: plain.runMs,
    runOne: one.runMs,
    runAll: all.runMs,
    fastest: plain.minRunMs,
    fastestOne: one.minRunMs,
    fastestAll: all.minRunMs,
    overOne: pct(ratio(one, 'minRunMs') - 1),
    overAll: pct(ratio(all, 'minRunMs') - 1),
    peak: plain.peakMB,
    peakOne: one.peakMB,
    peakAll: all.peakMB,
    peakRatio: ratio(one, 'peakMB'),
    notes: [plain, one, all]
      .map((r) => r.skipped)
      .filter(Boolean)
      .join('; '),
    overheadOne: ratio(one, 'minRunMs') - 1,
  };
}

const COLUMNS = [
  ['file', 'variant', null],
  ['tokens', 'tokens', 0],
  ['rewrite 1 ms', 'rewriteOne', 0],
  ['rewrite all ms', 'rewriteAll', 0],
  ['create ms', 'create', 0],
  ['create 1', 'createOne', 0],
  ['create all', 'createAll', 0],
  ['run ms', 'run', 0],
  ['run 1 layer', 'runOne', 0],
  ['run all', 'runAll', 0],
  ['fastest ms', 'fastest', 0],
  ['fastest 1', 'fastestOne', 0],
  ['fastest all', 'fastestAll', 0],
  ['1 layer', 'overOne', null],
  ['all', 'overAll', null],
  ['peak MiB', 'peak', 0],
  ['peak 1', 'peakOne', 0],
  ['peak all', 'peakAll', 0],
  ['peak 1 / untapped', 'peakRatio', 2],
];

function report(label, rows) {
  console.log(`\n${label}; ${machine()}, load average ${os.loadavg()[0].toFixed(1)} at the end`);
  console.log(
    [
      `SmolLM2-135M-shaped random Llama (30 layers, 9 heads, 3 key/value heads of 64, hidden 576, intermediate 1536, vocabulary 8,192).`,
      `"1" = layer ${layer} alone tapped (tapModel(bytes, name, [${layer}])), "all" = every layer tapped; rewrite = tapModel,`,
      `create = InferenceSession.create, run = median of ${runs} runs after 1 warm-up, each fetching every output;`,
      '"fastest" = the fastest of them; "1 layer" / "all" = the fastest run over the untapped fastest (on a',
      'machine shared with other work the fastest run is the least disturbed); peak = resident high-water',
      "mark (Node: the process, rewrite in place; Chromium: the largest renderer, rewrite in the tap's worker),",
      'as computeAttention runs them. Each cell is a fresh process or browser.',
    ].join('\n'),
  );
  printTable(COLUMNS, rows);
  for (const r of rows.filter((x) => x.notes)) console.log(`  ${r.variant} ${r.tokens}: ${r.notes}`);
  for (const r of rows) {
    const run = r.overheadOne <= MAX_LAYER_OVERHEAD ? 'met' : 'NOT met';
    const peak = r.peakRatio <= MAX_LAYER_PEAK ? 'met' : 'NOT met';
    console.log(
      `  target ${r.variant} ${r.tokens} tokens: one layer ≤ ${100 * MAX_LAYER_OVERHEAD}% over untapped: ${run} (${r.overOne}); peak ≤ ${MAX_LAYER_PEAK}×: ${peak} (${r.peakRatio?.toFixed(2)}×)`,
    );
  }
}

/** Node: the untapped and the one-layer run timed in turns in one process, per file and length. */
function reportInterleaved(dir) {
  console.log(
    `\nNode, untapped and layer ${layer} tapped, both loaded in one process and run in turns (${runs} rounds, the order swapped each round): other work on the machine slows both alike.`,
  );
  const rows = [];
  for (const v of VARIANTS) {
    for (const tokens of tokenCounts) {
      const { plainMs, oneMs } = nodeRun(dir, tokens, 'interleave', v.file);
      const min = (xs) => Math.min(...xs);
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      rows.push({
        variant: v.name,
        tokens,
        plain: plainMs.map((x) => x.toFixed(0)).join(' '),
        one: oneMs.map((x) => x.toFixed(0)).join(' '),
        overMin: pct(min(oneMs) / min(plainMs) - 1),
        overSum: pct(sum(oneMs) / sum(plainMs) - 1),
      });
    }
  }
  printTable(
    [
      ['file', 'variant', null],
      ['tokens', 'tokens', 0],
      ['untapped runs ms', 'plain', null],
      ['1 layer runs ms', 'one', null],
      ['1 layer (fastest)', 'overMin', null],
      ['1 layer (total)', 'overSum', null],
    ],
    rows,
  );
}

export async function benchLong({ envs, small, python, chromiumRun, serve }) {
  const dir = smollmDir(small);
  ensureModel(dir, small, python);
  const measureAll = async (run) => {
    const rows = [];
    for (const v of VARIANTS) {
      for (const tokens of tokenCounts) {
        const results = [];
        for (const mode of ['plain', 'layer', 'tapped'])
          results.push(await measureOne((t, m) => run(t, m, v.file), tokens, mode));
        rows.push(row(v.name, tokens, ...results));
      }
    }
    return rows;
  };
  if (envs.includes('node')) {
    if (parts.includes('cells')) {
      const rows = await measureAll(async (tokens, mode, file) => nodeRun(dir, tokens, mode, file));
      report(`Node ${process.version}, onnxruntime-web (wasm, 1 thread)`, rows);
    }
    if (parts.includes('interleave')) reportInterleaved(dir);
  }
  if (envs.includes('chromium') && parts.includes('cells')) {
    const server = await serve();
    const origin = `http://127.0.0.1:${server.address().port}`;
    try {
      // The rewrite in the tap's worker, as computeAttention does in a page.
      const worker = { plain: 'plain', layer: 'layer-worker', tapped: 'tapped-worker' };
      const rows = await measureAll((tokens, mode, file) =>
        chromiumRun(origin, tokens, worker[mode], { model: 'smollm', file, layer, runs }),
      );
      report('Chromium headless, onnxruntime-web ESM bundle (wasm, 1 thread)', rows);
    } finally {
      server.close();
    }
  }
}
