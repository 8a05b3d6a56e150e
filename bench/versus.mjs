// attnviz against bertviz's own views (bench/bertviz/) in one Chromium run on the same seeded
// data: bench/versus.ts does the work in the page; this opens the pages and prints the ratios.
// The pages are served over HTTP with the derivations' worker beside them, as a user's page
// would serve the library, so that any view work done in that worker is measured as a user gets it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { serveStatic } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, launchChromium, machine, median, printTable, spread } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const list = (v) => v.split(',').map(Number);
const times = (r) => (r === undefined ? undefined : `${r.toFixed(r < 10 ? 1 : 0)}×`);

/** The issue's targets (bertviz ms ÷ attnviz ms), by view, measure and tokens. */
const TARGETS = {
  'head render 64': 50,
  'head hover 64': 40,
  'head render 256': 150,
  'head hover 256': 150,
  'model render 16': 20,
  'model open 16': 3,
  'model render 64': 150,
  'model open 64': 15,
};

const DEPENDENCIES = {
  d3: { file: 'd3-v5/dist/d3.min.js', manifest: 'd3-v5/package.json', major: 5 },
  jquery: { file: 'jquery/dist/jquery.min.js', manifest: 'jquery/package.json', major: 3 },
};

/**
 * d3 5 and jQuery, which bertviz's views run on: from the project's node_modules (devDependencies
 * `"d3-v5": "npm:d3@^5.16.0"` and `jquery`), else from the folder BENCH_BERTVIZ_DEPS names (one
 * where `npm i --prefix FOLDER d3-v5@npm:d3@5 jquery@3` installed them).
 */
export function bertvizDependencies() {
  const places = [{ from: import.meta.url, name: "the project's node_modules" }];
  const extra = process.env.BENCH_BERTVIZ_DEPS;
  if (extra) {
    places.push({
      from: pathToFileURL(path.resolve(extra) + path.sep).href,
      name: `BENCH_BERTVIZ_DEPS=${extra}`,
    });
  }
  const found = {};
  for (const [key, dep] of Object.entries(DEPENDENCIES)) {
    for (const place of places) {
      try {
        const require = createRequire(place.from);
        const file = require.resolve(dep.file);
        const { version } = JSON.parse(readFileSync(require.resolve(dep.manifest), 'utf8'));
        if (Number(version.split('.')[0]) !== dep.major) {
          throw new Error(
            `bench: ${dep.manifest} from ${place.name}: expected version ${dep.major}.x, received ${version}`,
          );
        }
        found[key] = file;
        break;
      } catch (e) {
        if (e.code !== 'MODULE_NOT_FOUND') throw e;
      }
    }
    if (!found[key]) {
      throw new Error(
        `bench: bertviz's views need ${dep.file} (${key} ${dep.major}.x), not found in ${places
          .map((p) => p.name)
          .join(' nor in ')}. Add the devDependencies "d3-v5": "npm:d3@^5.16.0" and "jquery": "^3.7.1", ` +
          'or run `npm i --prefix DIR d3-v5@npm:d3@^5.16.0 jquery@^3.7.1` and set BENCH_BERTVIZ_DEPS=DIR, ' +
          'or leave bertviz out with BENCH_VIEWS=head,model,neuron.',
      );
    }
  }
  return found;
}

/**
 * Swaps the head view's painter and readout for bench/bound/'s (`BENCH_BOUND=1`): no line drawn,
 * the readout left at rest. Those modules import the real ones, which they get.
 */
function boundPlugin(root) {
  const bound = path.join(root, 'bench', 'bound');
  const swapped = new Set();
  return {
    name: 'bench-bound',
    setup(b) {
      b.onResolve({ filter: /\/head-(view-painter|readout)\.js$/ }, (args) => {
        if (args.importer.startsWith(bound + path.sep)) return undefined;
        const file = args.path.endsWith('head-readout.js') ? 'readout.ts' : 'painter.ts';
        swapped.add(file);
        return { path: path.join(bound, file) };
      });
      // Figures labelled a bound must be one: fail if the view stopped importing either module.
      b.onEnd((result) => {
        if (result.errors.length || swapped.size === 2) return;
        throw new Error(
          `BENCH_BOUND: expected the head view to import head-view-painter.js and head-readout.js; ` +
            `swapped only ${[...swapped].join(', ') || 'neither'}: update bench/bound/`,
        );
      });
    },
  };
}

/**
 * A new folder holding `index.html`, `page.js` (bench/page-<part>.ts of each of `parts`, as
 * window.bench) and `derive-worker.js`, built from the sources under `root`. With `bound`, the
 * head views in it draw no lines and leave their readout at rest (see `boundPlugin`).
 */
export async function buildPages(parts, root = process.cwd(), bound = false) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'attnviz-versus-'));
  const common = {
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    tsconfig: path.join(root, 'tsconfig.json'),
    conditions: ['production'],
    logLevel: 'warning',
  };
  await build({
    ...common,
    stdin: {
      contents: [
        ...parts.map((p) => `import { cases as ${p} } from './bench/page-${p}.ts';`),
        `Object.assign(window, { bench: { ${parts.map((p) => `...${p}`).join(', ')} } });`,
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'bench-page.ts',
      loader: 'ts',
    },
    outfile: path.join(dir, 'page.js'),
    plugins: bound ? [boundPlugin(root)] : [],
  });
  await build({
    ...common,
    entryPoints: [path.join(root, 'src/components/shared/derive-worker.ts')],
    outfile: path.join(dir, 'derive-worker.js'),
  });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body style="margin:0"></body></html>');
  return dir;
}

/**
 * Runs the comparison and prints its table. `views` holds `head` and/or `model`; `pages` is a
 * folder from `buildPages`; `bound` says it was built with `bound` (the table says so).
 */
export async function runVersus({ views, pages, runs, bound = false }) {
  const { server, base } = await serveStatic(pages);
  const deps = bertvizDependencies();
  const headSizes = list(process.env.BENCH_BERTVIZ_HEAD_TOKENS ?? '16,32,64,256');
  const modelSizes = list(process.env.BENCH_BERTVIZ_MODEL_TOKENS ?? '16,64');
  // bertviz's model view draws 144 · n² SVG lines: 9.4 M at 256 tokens, minutes per render.
  const modelMax = Number(process.env.BENCH_BERTVIZ_MODEL_MAX ?? 64);
  const warmTokens = Number(process.env.BENCH_WARMUP_TOKENS ?? 16);
  const sides = (process.env.BENCH_SIDES ?? 'bertviz,attnviz').split(',');
  const layers = 12;
  const heads = 12;
  // At 60 Hz, "painted" would include waiting 0–17 ms for the display's next frame, which hides
  // any difference under a frame; without the limit, frames follow the work at once.
  const vsync = process.env.BENCH_VSYNC === '1';
  const browser = await launchChromium({
    args: [...CHROMIUM_ARGS, ...(vsync ? [] : ['--disable-frame-rate-limit'])],
    protocolTimeout: 900_000,
  });
  const sources = {
    head: readFileSync(path.join(here, 'bertviz/head_view.js'), 'utf8'),
    model: readFileSync(path.join(here, 'bertviz/model_view.js'), 'utf8'),
  };

  async function once(view, side, tokens) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/index.html`, { waitUntil: 'load' });
    if (side === 'bertviz') {
      await page.addScriptTag({ path: deps.d3 });
      await page.addScriptTag({ path: deps.jquery });
    }
    await page.addScriptTag({ url: `${base}/page.js`, type: 'module' });
    await page.waitForFunction(() => 'bench' in window);
    const options = { side, tokens, layers, heads, warmTokens, source: sources[view] };
    const figures = await page.evaluate(
      (view, o) => (view === 'head' ? window.bench.versusHead(o) : window.bench.versusModel(o)),
      view,
      options,
    );
    await page.close();
    if (errors.length) throw new Error(`bench: ${side} ${view} view at ${tokens} tokens: ${errors[0]}`);
    return figures;
  }

  /** Two animation frames after a one-word change: the least any "painted" figure can be. */
  async function frameFloor() {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body><p>0</p></body></html>');
    const ms = await page.evaluate(async () => {
      const times = [];
      for (let i = 1; i <= 15; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const t = performance.now();
        document.querySelector('p').textContent = String(i);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - t);
      }
      return times;
    });
    await page.close();
    return median(ms);
  }

  try {
    await once('head', 'attnviz', 16); // the browser process's own start-up, not measured
    const floor = await frameFloor();
    const rows = [];
    const cases = [
      ...(views.includes('head') ? headSizes.map((n) => ['head', n]) : []),
      ...(views.includes('model') ? modelSizes.map((n) => ['model', n]) : []),
    ];
    for (const [view, tokens] of cases) {
      const figures = { bertviz: [], attnviz: [] };
      const active = sides.filter((s) => !(s === 'bertviz' && view === 'model' && tokens > modelMax));
      for (let run = 0; run < runs; run++) {
        // Alternate which goes first, so that neither always runs after the other's garbage.
        const order = run % 2 ? [...active].reverse() : active;
        for (const side of order) figures[side].push(await once(view, side, tokens));
      }
      const action = view === 'head' ? 'hover' : 'open';
      for (const [measure, key, floorKey] of [
        ['render', 'renderMs', 'renderFloorMs'],
        [action, 'actionMs', 'actionFloorMs'],
      ]) {
        const of = (side, k = key) => figures[side].map((f) => f[k]);
        const b = figures.bertviz.length ? median(of('bertviz')) : undefined;
        const a = figures.attnviz.length ? median(of('attnviz')) : undefined;
        const ratio = b !== undefined && a !== undefined ? b / a : undefined;
        const floors = figures.attnviz.length ? of('attnviz', floorKey).filter((f) => f !== undefined) : [];
        const floor = floors.length ? median(floors) : undefined;
        const best = b !== undefined && floor !== undefined ? b / floor : undefined;
        const target = TARGETS[`${view} ${measure} ${tokens}`];
        rows.push({
          view,
          measure,
          tokens,
          bertviz: b ?? (active.includes('bertviz') ? undefined : 'skipped'),
          bertvizRange: figures.bertviz.length ? spread(of('bertviz')) : undefined,
          attnviz: a,
          attnvizRange: figures.attnviz.length ? spread(of('attnviz')) : undefined,
          ratio: times(ratio),
          floor,
          best: times(best),
          target: target ? `≥ ${target}×` : undefined,
          met: target && ratio !== undefined ? (ratio >= target ? 'yes' : 'no') : undefined,
        });
      }
      console.error(`  bertviz comparison: ${view} view, ${tokens} tokens done`);
    }
    if (bound) {
      console.log(
        "BENCH_BOUND=1: attnviz's head views here (the model view's detail too) draw no attention line " +
          'and leave their readout at rest (bench/bound/): its figures are a bound on what any faster line ' +
          'drawing or readout could give, not what attnviz shows.',
      );
    }
    console.log(
      `attnviz against bertviz 1.4.1's own views (d3 5, jQuery 3), ${layers} layers × ${heads} heads, the same seeded ` +
        `synthetic attention in bertviz's JSON format; medians of ${runs} fresh pages, ` +
        (warmTokens > 0
          ? `each after an untimed warm-up render at ${warmTokens} tokens in the same page`
          : 'each the first render of its page (BENCH_WARMUP_TOKENS=0: code not yet compiled)') +
        `; "painted" = two animation frames after the work ` +
        `(${vsync ? '60 Hz frames' : 'frame rate unlimited'}: the least it takes is ${floor.toFixed(1)} ms); ` +
        `Chromium ${await browser.version()}; ${machine()}`,
    );
    printTable(
      [
        ['view', 'view', null],
        ['measure', 'measure', null],
        ['tokens', 'tokens', 0],
        ['bertviz ms', 'bertviz', 1],
        ['(range)', 'bertvizRange', null],
        ['attnviz ms', 'attnviz', 1],
        ['(range)', 'attnvizRange', null],
        ['ratio', 'ratio', null],
        ['target', 'target', null],
        ['met', 'met', null],
        ['floor ms', 'floor', 1],
        ['best possible', 'best', null],
      ],
      rows,
    );
    if (rows.some((r) => r.floor !== undefined)) {
      console.log(
        '"floor": the least the browser takes to show attnviz\'s finished result with no work of ours, in the ' +
          "same page after attnviz's run: render = the finished shadow DOM cloned and its finished picture put, " +
          'reading no data and drawing no line; hover = the hovered picture put and the token marked; open = the ' +
          "parked head view's panel unparked, with its heading and the opened head's picture, and scrolled into view; " +
          'each until painted. ' +
          '"best possible" = bertviz ÷ floor: no code reaches a higher ratio on this machine.',
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}
