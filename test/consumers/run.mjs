// The package as people install it, in the apps they build: `npm pack` of the current build
// (run `npm run build` first), installed into each app of test/consumers/ as a tarball (not a
// workspace link), type-checked with the published typings, built for production, then opened in
// headless Chromium from a static server that has the app's output and, at /models, the demo
// models: the views render and follow a click, and the adapter computes attnviz-demo-gpt's
// attention in the production bundle with no request leaving the server.
//
//   node test/consumers/run.mjs [react|vue|esbuild ...]
//
// Prints one line per check, each app's bundle size and time to first attention, and ends with
// "N passed, N failed". Installs reuse npm's cache and each app's committed lockfile; the lockfile
// is put back as committed afterwards (the tarball's integrity changes with every build).
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const models = path.join(root, 'demo/models');
const APPS = ['react', 'vue', 'esbuild'];
const apps = process.argv.slice(2).length ? process.argv.slice(2) : APPS;
/** The demo GPT's tokenizer, config and q8 weights take a few seconds even on a slow machine. */
const COMPUTE_TIMEOUT = 120_000;

let passed = 0;
let failed = 0;
const summary = [];

async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`  ✓ ${name}${note ? ` (${note})` : ''}`);
    return true;
  } catch (e) {
    failed++;
    console.log(
      `  ✗ ${name}\n      ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 6)
        .join('\n      ')}`,
    );
    return false;
  }
}

function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${path.relative(root, cwd) || '.'}:\n${e.stdout}${e.stderr}`,
    );
  }
}

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** Serves `dist` at / and demo/models at /models, with the types a browser needs. */
async function serve(dist) {
  const TYPES = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.mjs': 'text/javascript',
    '.wasm': 'application/wasm',
    '.json': 'application/json',
    '.css': 'text/css',
  };
  const server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [base, rel] = url.startsWith('/models/')
      ? [models, url.slice('/models/'.length)]
      : [dist, url.slice(1)];
    let file = path.join(base, rel);
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

// ---- the package ---------------------------------------------------------------------------

console.log('package');
const tarball = path.join(here, 'attnviz.tgz');
const packed = await check('npm pack of the current build', () => {
  assert(existsSync(path.join(root, 'dist/index.js')), 'no dist/: run `npm run build` first');
  const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', here], root));
  const name = out[0].filename.replace(/^@.*\//, '').replace('/', '-');
  copyFileSync(path.join(here, name), tarball);
  rmSync(path.join(here, name));
  return `${out[0].entryCount} files, ${mb(out[0].size)}`;
});
if (packed) {
  const listed = run('tar', ['tzf', tarball], here).split('\n').filter(Boolean);
  const files = new Set(listed.map((f) => f.replace(/^package\//, '')));
  await check('ships no node_modules folder inside dist', () => {
    const nested = [...files].filter((f) => f.includes('node_modules/'));
    assert(nested.length === 0, `shipped: ${nested.slice(0, 5).join(', ')}`);
  });
  await check('custom-elements.json names only shipped files', () => {
    const manifest = JSON.parse(run('tar', ['xzOf', tarball, 'package/custom-elements.json'], here));
    const named = new Set();
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'path' || k === 'module') && typeof x === 'string') named.add(x.replace(/^\//, ''));
          else walk(x);
        }
    };
    walk(manifest);
    const missing = [...named].filter((f) => !files.has(f));
    assert(missing.length === 0, `not in the package: ${missing.slice(0, 5).join(', ')}`);
    return `${named.size} paths`;
  });
}

// ---- the apps ------------------------------------------------------------------------------

const browser = packed
  ? await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // Offline but for the app's server: every other host name fails to resolve. (Not request
      // interception, which can stall a module worker's imports.)
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    })
  : null;

for (const app of apps) {
  const dir = path.join(here, app);
  console.log(app);
  if (!packed) {
    failed++;
    console.log('  ✗ not run: no package');
    continue;
  }
  const lockfile = path.join(dir, 'package-lock.json');
  const committed = readFileSync(lockfile);
  const installed = await check('installs the tarball with @huggingface/transformers', () => {
    // A fresh copy of attnviz from this build (without the locked integrity, npm would take the
    // tarball of an earlier build from its cache); everything else as locked.
    rmSync(path.join(dir, 'node_modules/attnviz'), { recursive: true, force: true });
    const lock = JSON.parse(committed);
    delete lock.packages['node_modules/attnviz'].integrity;
    writeFileSync(lockfile, JSON.stringify(lock, null, 2));
    try {
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
    } finally {
      writeFileSync(lockfile, committed);
    }
    const wasm = filesUnder(path.join(dir, 'node_modules')).filter((f) =>
      /ort-wasm-simd-threaded\.wasm$/.test(f),
    );
    assert(
      wasm.length === 1,
      `expected one onnxruntime-web installed, found ${wasm.map((f) => path.relative(dir, f)).join(', ')}`,
    );
  });
  const typed =
    installed &&
    (await check(
      'type-checks with the published typings, no casts',
      () => void run('npm', ['run', 'typecheck', '--silent'], dir),
    ));
  const built =
    typed && (await check('builds for production', () => void run('npm', ['run', 'build', '--silent'], dir)));
  if (!built) {
    failed += 3;
    console.log('  ✗ views and adapter not checked: the app did not build');
    continue;
  }
  const dist = path.join(dir, 'dist');
  const output = filesUnder(dist).map((f) => ({ f, size: statSync(f).size }));
  const js = output.filter(({ f }) => /\.m?js$/.test(f)).reduce((s, x) => s + x.size, 0);
  const wasm = output.filter(({ f }) => f.endsWith('.wasm'));
  const total = output.reduce((s, x) => s + x.size, 0);
  const result = { app, total, js, wasm: wasm.map(({ f, size }) => `${path.basename(f)} ${mb(size)}`) };
  summary.push(result);

  const { server, base } = await serve(dist);
  const page = await browser.newPage();
  const problems = [];
  const foreign = [];
  const requested = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const missing = [];
  page.on('console', (m) => {
    // A missing file is reported by URL below; Chromium's console line does not name it.
    if (/^Failed to load resource/.test(m.text())) return;
    if (m.type() === 'error' || /Multiple versions of Lit/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(`${r.status()} ${r.url().replace(base, '')}`);
  });
  page.on('request', (r) => {
    requested.push(r.url().replace(base, ''));
    if (!/^(data|blob):/.test(r.url()) && !r.url().startsWith(base)) foreign.push(r.url());
  });
  try {
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await check('the head view renders and the page follows a click on a head swatch', async () => {
      await page.waitForFunction(
        () =>
          document.querySelector('#explicit')?.shadowRoot?.querySelectorAll('[part~="head-swatch"]')
            .length === 2,
        { timeout: 20_000 },
      );
      const error = await page.evaluate(
        () =>
          document.querySelector('#explicit').shadowRoot.querySelector('[part~="error"]')?.textContent ??
          null,
      );
      assert(error === null, `error box: ${error}`);
      await page.evaluate(() =>
        document.querySelector('#explicit').shadowRoot.querySelectorAll('[part~="head-swatch"]')[1].click(),
      );
      await page.waitForFunction(() => document.querySelector('#heads')?.textContent === 'Heads shown: 0', {
        timeout: 5_000,
      });
      const heads = await page.evaluate(() => [...document.querySelector('#explicit').heads]);
      assert(JSON.stringify(heads) === '[0]', `the view shows heads ${JSON.stringify(heads)}`);
    });
    await check("the adapter computes attnviz-demo-gpt's attention in the production bundle", async () => {
      await page
        .waitForFunction(
          () =>
            document.body.dataset.firstAttention !== undefined ||
            document.querySelector('#computed')?.shadowRoot?.querySelector('[part~="error"]'),
          { timeout: COMPUTE_TIMEOUT },
        )
        .catch(() => {}); // what the page shows then is the failure's message
      const state = await page.evaluate(() => {
        const view = document.querySelector('#computed');
        return {
          error: view?.shadowRoot?.querySelector('[part~="error"]')?.textContent?.trim() ?? null,
          loaded: document.querySelector('#loaded')?.textContent ?? null,
          status: view?.shadowRoot
            ?.querySelector('[part~="loading"]')
            ?.textContent?.replace(/\s+/g, ' ')
            .trim(),
          ms: document.body.dataset.firstAttention,
          cells: view?.shadowRoot?.querySelectorAll('[id^="cell-"]').length ?? 0,
        };
      });
      assert(state.error === null, `error box: ${state.error}`);
      assert(
        state.loaded === 'Computed: /models/attnviz-demo-gpt',
        `the page says "${state.loaded}"; the view: "${state.status}"; requests: ${requested.join(' ')}`,
      );
      assert(state.cells === 16, `${state.cells} cells, not 4 layers × 4 heads`);
      // The rewrite ran in attnviz's worker, which the bundler emitted (else it runs in place).
      assert(
        requested.some((u) => /tap-worker[^/]*\.js$/.test(u)),
        "the tap's worker was never fetched",
      );
      result.firstAttention = Number(state.ms);
      return `first attention ${state.ms} ms after navigation`;
    });
    await check('no errors, no second Lit, nothing fetched from another origin', () => {
      assert(foreign.length === 0, `fetched: ${foreign.join(', ')}`);
      assert(missing.length === 0, `missing: ${missing.join(', ')}`);
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await page.close();
    server.close();
  }
}
await browser?.close();

console.log('\nproduction bundles (all files / JavaScript / .wasm), time to first attention:');
for (const r of summary) {
  console.log(
    `  ${r.app}: ${mb(r.total)} / ${mb(r.js)} / ${r.wasm.join(', ') || 'none'}; ${r.firstAttention ? `${r.firstAttention} ms` : 'not reached'}`,
  );
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
