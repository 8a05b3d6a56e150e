// The Python package as users use it (`npm run test:python`): its unit tests, then
// test/notebook/views.ipynb executed headless by Debian's jupyter-nbconvert and converted to
// HTML, the same notebook run in Jupyter Notebook's own front end, the standalone file the
// notebook saves, and a file written by the package as pip installs it, each opened in Chromium
// with every request off the machine blocked. Each view must render its tokens with no console
// error. Ends with "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

// Debian's Python, with jupyter-nbconvert, ipykernel and notebook beside it (not a pyenv shim).
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'attnviz-notebook-'));
let passed = 0;
let failed = 0;

function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`✔ ${name}`);
  } else {
    failed++;
    console.log(`✘ ${name}\n  ${problems.join('\n  ')}`);
  }
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: root, ...options });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

// 1. The unit tests: unittest's summary gives the counts.
{
  const r = run(PYTHON, ['-m', 'unittest', '-v'], {
    cwd: path.join(root, 'python'),
  });
  process.stdout.write(r.out.replace(/^/gm, '  '));
  const ran = Number(/^Ran (\d+) tests?/m.exec(r.out)?.[1] ?? 0);
  const bad = [...r.out.matchAll(/(failures|errors)=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
  const skipped = Number(/skipped=(\d+)/.exec(r.out)?.[1] ?? 0);
  passed += ran - bad - skipped;
  failed += bad + (ran === 0 ? 1 : 0);
}

// 2. The notebook, executed by a kernel that imports the package from the checkout; nbconvert's
// template loads require.js and MathJax from a CDN unless told otherwise, and nothing here needs them.
const saved = path.join(work, 'saved.html');
const notebook = run(
  PYTHON,
  [
    '-m',
    'jupyter',
    'nbconvert',
    '--execute',
    '--to',
    'html',
    '--output-dir',
    work,
    '--HTMLExporter.require_js_url=data:,',
    '--HTMLExporter.mathjax_url=data:,',
    'test/notebook/views.ipynb',
  ],
  { env: { ...process.env, PYTHONPATH: path.join(root, 'python'), ATTNVIZ_SAVED: saved } },
);
check(
  'the notebook executes (jupyter nbconvert --execute --to html)',
  notebook.ok ? [] : [notebook.out.slice(-3000)],
);

// 3. The package as pip installs it, in a virtual environment (offline: no build isolation).
const venv = path.join(work, 'venv');
const installed = path.join(work, 'installed.html');
{
  // From a copy, so that pip's build/ and egg-info stay out of the checkout.
  const source = path.join(work, 'python');
  cpSync(path.join(root, 'python'), source, {
    recursive: true,
    filter: (f) => !/__pycache__|\/build$|egg-info/.test(f),
  });
  const steps = [
    [PYTHON, ['-m', 'venv', '--system-site-packages', venv]],
    [path.join(venv, 'bin/pip'), ['install', '--no-build-isolation', '--no-index', '--quiet', source]],
    [
      path.join(venv, 'bin/python'),
      [
        '-c',
        `import sys, attnviz
assert 'site-packages' in attnviz.__file__, attnviz.__file__
attnviz.save_html(sys.argv[1], {'tokens': ['[CLS]', 'a', 'b', '[SEP]'], 'attention': [[[[0.25] * 4] * 4] * 2] * 2}, view='head', layer=1)`,
        installed,
      ],
      { cwd: work },
    ],
  ];
  const problems = [];
  for (const [command, args, options] of steps) {
    const r = run(command, args, options);
    if (!r.ok) {
      problems.push(`${path.basename(command)} ${args.join(' ').slice(0, 80)}: ${r.out.slice(-1500)}`);
      break;
    }
  }
  check('pip install ./python, then the installed package writes a file', problems);
}

const NOTEBOOK_TOKENS = ['[CLS]', 'the', 'cat', 'sat', '[SEP]', 'it', 'purred', '[SEP]'];
// demo/data/attnviz-demo-gpt.json's first text as the view labels it (Ġ stripped), read from the
// file the notebook reads, so that retraining the demo models does not leave this list behind.
const GPT_TOKENS = JSON.parse(readFileSync(path.join(root, 'demo/data/attnviz-demo-gpt.json'), 'utf8'))
  .examples[0].tokens.map((t) => t.replace(/^\u0120/, ''))
  // The rows every page renders: a short cell virtualises the rest of a long text.
  .slice(0, 12);
const ERROR = 'invalid layer: expected one of the layers 0–2, got 7';

// What each page must show, view by view in page order: the element, its theme, the labels its
// first token column starts with (a model view: after opening one cell), its cell count or error.
const pages = [
  {
    name: 'executed notebook',
    file: path.join(work, 'views.html'),
    screenshot: true,
    themeSwitch: true,
    views: [
      { tag: 'attn-head-view', theme: 'light', tokens: GPT_TOKENS, layer: '1' },
      { tag: 'attn-head-view', theme: 'light', tokens: NOTEBOOK_TOKENS },
      { tag: 'attn-head-view', theme: 'light', tokens: NOTEBOOK_TOKENS, layer: '1', heads: '0,2' },
      { tag: 'attn-model-view', theme: 'light', cells: 6, open: [2, 1], tokens: NOTEBOOK_TOKENS },
      { tag: 'attn-neuron-view', theme: 'light', tokens: NOTEBOOK_TOKENS },
      { tag: 'attn-head-view', theme: 'light', tokens: ['The', 'cat', 'sat', '</s>'] },
      { tag: 'attn-model-view', theme: 'dark', cells: 1, open: [0, 0], tokens: ['The', 'quick', 'fox'] },
      { tag: 'attn-head-view', theme: 'light', error: ERROR, printed: ERROR },
      { tag: 'attn-model-view', theme: 'light', cells: 12, open: [1, 3], tokens: NOTEBOOK_TOKENS },
      // The explorer: one <attn-explorer>, its grid's cells counted (and clicked, below).
      { tag: 'attn-explorer', theme: 'light', cells: 12 },
    ],
  },
  {
    name: 'standalone file saved by the notebook (save_html)',
    file: saved,
    dark: true,
    views: [
      { tag: 'attn-model-view', theme: 'dark', cells: 12, open: [0, 0], tokens: NOTEBOOK_TOKENS },
      { tag: 'attn-head-view', theme: 'dark', tokens: NOTEBOOK_TOKENS, layer: '2' },
      { tag: 'attn-neuron-view', theme: 'dark', tokens: NOTEBOOK_TOKENS },
    ],
  },
  {
    name: 'standalone file from the pip-installed package',
    file: installed,
    views: [{ tag: 'attn-head-view', theme: 'light', tokens: ['[CLS]', 'a', 'b', '[SEP]'], layer: '1' }],
  },
];

const browser = await puppeteer.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: CHROMIUM_ARGS,
});
try {
  for (const spec of pages) {
    await checkPage(spec);
  }
  await checkLiveNotebook(pages[0].views);
  await checkInsertion();
  await checkErrorParity();
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}

/** A page with its network blocked: only file: and data: URLs load, and those `allow` matches. */
async function openPage(url, dark = false, allow = null) {
  const page = await browser.newPage();
  const problems = [];
  await page.setViewport({ width: 1100, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: dark ? 'dark' : 'light' }]);
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (/^(file|data):/.test(r.url()) || allow?.test(r.url())) return r.continue();
    problems.push(`network request blocked: ${r.url()}`);
    return r.abort('blockedbyclient');
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

async function checkPage({ name, file, url, allow, prepare, views, dark, screenshot, themeSwitch }) {
  let opened;
  try {
    if (file) readFileSync(file);
    opened = await openPage(url ?? pathToFileURL(file).href, dark, allow);
    await prepare?.(opened.page, views.length);
  } catch (e) {
    check(`${name}: opens`, [String(e.message ?? e)]);
    return;
  }
  const { page, problems } = opened;
  const found = await page.evaluate(async () => {
    const views = [...document.querySelectorAll('.attnviz-output > :not(script)')];
    await Promise.all(views.map((v) => v.drawComplete ?? v.updateComplete));
    return views.map((v) => v.localName);
  });
  check(
    `${name}: ${views.length} views, in order`,
    found.join() === views.map((v) => v.tag).join() ? [] : [`got ${found.join(', ')}`],
  );
  for (const [i, want] of views.entries()) {
    const got = await page.evaluate(inspectView, i, want.open ?? null);
    const p = [];
    if (got.tag !== want.tag) p.push(`element ${got.tag}, expected ${want.tag}`);
    if (got.theme !== want.theme) p.push(`theme ${got.theme}, expected ${want.theme}`);
    if (want.error) {
      if (got.error !== want.error) p.push(`error box "${got.error}", expected "${want.error}"`);
      if (want.printed && !got.printed.includes(want.printed)) p.push(`the cell printed "${got.printed}"`);
    } else if (got.error) p.push(`error box: ${got.error}`);
    if (want.tokens && got.tokens.slice(0, want.tokens.length).join('|') !== want.tokens.join('|'))
      p.push(`tokens ${JSON.stringify(got.tokens)}, expected ${JSON.stringify(want.tokens)} first`);
    if (want.cells !== undefined && got.cells !== want.cells)
      p.push(`${got.cells} cells, expected ${want.cells}`);
    for (const a of ['layer', 'heads'])
      if (want[a] !== undefined && got.attributes[a] !== want[a])
        p.push(`${a}="${got.attributes[a]}", expected "${want[a]}"`);
    if (!(got.width > 300)) p.push(`width ${got.width}px: the view does not fill the cell`);
    if (got.pending) p.push('the "needs JavaScript" note is still shown');
    check(`${name}: view ${i + 1} (${want.tag}${want.error ? ', error' : ''})`, p);
  }
  // Views follow the cell's width.
  const widths = await page.evaluate(async () => {
    const view = document.querySelector('.attnviz-output > :not(script)');
    const before = view.getBoundingClientRect().width;
    view.parentElement.style.width = '500px';
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const after = view.getBoundingClientRect().width;
    view.parentElement.style.width = '100%';
    return [before, after];
  });
  check(
    `${name}: the first view resizes with its cell (${widths.map(Math.round).join(' → ')} px)`,
    widths[1] === 500 && widths[0] > 500 ? [] : [`widths ${widths}`],
  );
  // The explorer's grid drives its head and neuron views: click layer 2, head 1.
  if (views.at(-1).tag === 'attn-explorer') {
    const shown = await page.evaluate(async () => {
      const explorer = document.querySelectorAll('.attnviz-output > attn-explorer')[0];
      const inner = (name) => explorer.shadowRoot.querySelector(`[part="${name}"]`);
      const grid = inner('model-view');
      grid.shadowRoot.querySelectorAll('[part~="cell"]')[2 * 4 + 1].click();
      await explorer.updateComplete;
      const [head, neuron] = [inner('head-view'), inner('neuron-view')];
      await Promise.all([head.drawComplete, neuron.updateComplete]);
      return {
        explorer: [explorer.getAttribute('layer'), explorer.getAttribute('head')],
        head: [head.layer, head.heads],
        neuron: [neuron.layer, neuron.head],
        tokens: [...head.shadowRoot.querySelectorAll('[part~="token"]')]
          .slice(0, 8)
          .map((t) => t.textContent.trim()),
        grid: [grid.getAttribute('theme'), grid.summary],
      };
    });
    const want = {
      explorer: ['2', '1'],
      head: [2, [1]],
      neuron: [2, 1],
      tokens: NOTEBOOK_TOKENS,
      grid: [views.at(-1).theme, 'entropy'],
    };
    check(
      `${name}: the explorer's grid chooses the head its views show`,
      JSON.stringify(shown) === JSON.stringify(want) ? [] : [`got ${JSON.stringify(shown)}`],
    );
  }
  // JupyterLab switches themes in place (nbconvert's lab template carries the same attribute).
  if (themeSwitch) {
    const themes = await page.evaluate(async () => {
      document.body.setAttribute('data-jp-theme-light', 'false');
      await new Promise((r) => setTimeout(r));
      const views = [...document.querySelectorAll('.attnviz-output > :not(script)')];
      const result = views.map((v) => v.getAttribute('theme'));
      document.body.setAttribute('data-jp-theme-light', 'true');
      return result;
    });
    const want = views.map(() => 'dark');
    check(
      `${name}: views follow the notebook to dark`,
      themes.join() === want.join() ? [] : [`themes ${themes}`],
    );
  }
  check(`${name}: no console error, no network request`, problems);
  // `--screenshot <png>`: the README's picture, the first view's cell with one token pinned.
  const shot = process.argv.indexOf('--screenshot');
  if (screenshot && shot > 0) {
    const token = await page.evaluateHandle(
      () =>
        document
          .querySelector('.attnviz-output > :not(script)')
          .shadowRoot.querySelectorAll('[part~="token"]')[10],
    );
    await token.click(); // pinned: the screenshot's scrolling would end a hover
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => document.querySelector('.attnviz-output > :not(script)').drawComplete);
    const cell = await page.$('.jp-Cell:has(.attnviz-output)');
    await cell.screenshot({ path: process.argv[shot + 1] });
    console.log(`screenshot: ${process.argv[shot + 1]}`);
  }
  await page.close();
}

/** Runs in the page: what view `i` shows. */
async function inspectView(i, open) {
  const view = document.querySelectorAll('.attnviz-output > :not(script)')[i];
  const labels = (host) =>
    [...(host.shadowRoot?.querySelectorAll('[part~="token"]') ?? [])].map((t) => t.textContent.trim());
  // An explorer's cells and errors are its views'.
  const inner =
    view.localName === 'attn-explorer' ? [...view.shadowRoot.querySelectorAll('[part$="-view"]')] : [];
  const grid = view.localName === 'attn-explorer' ? inner[0] : view;
  let tokens = labels(view);
  if (open) {
    view.open(open[0], open[1]);
    await view.updateComplete;
    const detail = view.shadowRoot.querySelector('attn-head-view');
    await detail?.updateComplete;
    tokens = detail ? labels(detail) : [];
  }
  const output = view.closest('.jp-OutputArea, .output'); // nbconvert's HTML, Notebook's front end
  return {
    tag: view.localName,
    theme: view.getAttribute('theme'),
    error:
      [view, ...inner]
        .map((v) => v.shadowRoot?.querySelector('[part~="error"] .error-message')?.textContent.trim())
        .find(Boolean) ?? null,
    printed: output?.querySelector('pre')?.textContent.trim() ?? '',
    tokens,
    cells: grid?.shadowRoot?.querySelectorAll('[part~="cell"]').length ?? 0,
    attributes: { layer: view.getAttribute('layer'), heads: view.getAttribute('heads') },
    width: view.getBoundingClientRect().width,
    pending: view.parentElement.querySelector('.attnviz-pending') !== null,
  };
}

// The same notebook run in Jupyter Notebook's own front end (Debian's python3-notebook): outputs
// come over the kernel's websocket and the front end inserts them, as a user sees them. Only the
// server on this machine is reachable.
async function checkLiveNotebook(views) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const dir = path.join(work, 'live');
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  cpSync(path.join(root, 'test/notebook'), path.join(dir, 'test/notebook'), { recursive: true });
  symlinkSync(path.join(root, 'demo'), path.join(dir, 'demo'));
  const args = [
    '-m',
    'jupyter',
    'notebook',
    '--no-browser',
    '--allow-root',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
  ];
  args.push('--NotebookApp.token=', '--NotebookApp.password=', `--notebook-dir=${dir}`);
  const env = {
    ...process.env,
    PYTHONPATH: path.join(root, 'python'),
    ATTNVIZ_SAVED: path.join(dir, 'saved.html'),
  };
  const server = spawn(PYTHON, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i === 60 || server.exitCode !== null) return check('Jupyter Notebook starts', [log.slice(-2000)]);
      await new Promise((r) => setTimeout(r, 500));
    }
    await checkPage({
      name: 'live Jupyter Notebook (Run All)',
      url: `${base}/notebooks/test/notebook/views.ipynb`,
      allow: new RegExp(`^(https?|wss?)://127\\.0\\.0\\.1:${port}/`),
      views,
      prepare: async (page, count) => {
        await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected(), {
          timeout: 60_000,
        });
        await page.evaluate(() => window.Jupyter.notebook.execute_all_cells());
        await page.waitForFunction(
          () =>
            window.Jupyter.notebook
              .get_cells()
              .every((c) => c.cell_type !== 'code' || (c.input_prompt_number ?? '*') !== '*'),
          { timeout: 120_000, polling: 250 },
        );
        // A cell's outputs and its "done" reply come on different channels: wait for every view.
        await page.waitForFunction(
          (n) => document.querySelectorAll('.attnviz-output > :not(script)').length >= n,
          { timeout: 30_000, polling: 250 },
          count,
        );
      },
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  }
}

// validate=True raises the message the view shows: test/notebook/errors.py renders bad inputs
// (and two good ones) without validation and prints what validation raised for each.
async function checkErrorParity() {
  const file = path.join(work, 'errors.html');
  const env = { ...process.env, PYTHONPATH: path.join(root, 'python') };
  const r = run(PYTHON, ['test/notebook/errors.py', file], { env });
  if (!r.ok) return check('validate=True and the views agree on every error', [r.out.slice(-2000)]);
  const expected = JSON.parse(r.out);
  const { page, problems } = await openPage(pathToFileURL(file).href);
  const shown = await page.evaluate(async () => {
    const views = [...document.querySelectorAll('.attnviz-output > :not(script)')];
    await Promise.all(views.map((v) => v.updateComplete));
    return views.map(
      (v) => v.shadowRoot.querySelector('[part~="error"] .error-message')?.textContent.trim() ?? null,
    );
  });
  expected.forEach((message, i) => {
    if (shown[i] !== message)
      problems.push(`case ${i + 1}: Python ${JSON.stringify(message)}, view ${JSON.stringify(shown[i])}`);
  });
  if (shown.length !== expected.length) problems.push(`${shown.length} views for ${expected.length} cases`);
  const errors = expected.filter((m) => m !== null).length;
  check(
    `validate=True and the views agree on every error (${errors} errors, ${expected.length - errors} valid)`,
    problems,
  );
  await page.close();
}

// How front ends insert an output's HTML, each in a page of its own: as a page parses it (a saved
// file), as JupyterLab's renderHTML does (innerHTML, then each script replaced by a copy, in
// order), as VS Code's renderer does (copies run at the end of the output), and in a page where
// another copy defined <attn-head-view> first (a mixed version).
async function checkInsertion() {
  const script = `import attnviz, json, sys
a = attnviz.head_view([[[[1.0, 0.0], [0.5, 0.5]]]], ['x', 'y'], html_action='return').data
b = attnviz.model_view([[[[1.0, 0.0], [0.5, 0.5]]]], ['x', 'y'], html_action='return').data
json.dump([a, b, a], sys.stdout)`;
  const r = run(PYTHON, ['-c', script], { env: { ...process.env, PYTHONPATH: path.join(root, 'python') } });
  if (!r.ok) return check('outputs inserted as front ends do', [r.out.slice(-2000)]);
  const outputs = JSON.parse(r.out);
  const json = JSON.stringify(outputs).replace(/</g, '\\u003c');
  const insert = {
    jupyterlab: `for (const html of outputs) {
      const host = document.body.appendChild(document.createElement('div'));
      host.innerHTML = html;
      for (const old of [...host.getElementsByTagName('script')]) {
        const script = document.createElement('script');
        for (const a of old.attributes) script.setAttribute(a.name, a.value);
        script.textContent = old.textContent;
        old.parentNode.replaceChild(script, old);
      }
    }`,
    // VS Code's notebook renderer: innerHTML, then each script's copy appended at the end of the
    // output's element (type and a few attributes kept), run, and removed.
    vscode: `for (const html of outputs) {
      const host = document.body.appendChild(document.createElement('div'));
      host.innerHTML = html;
      for (const old of [...host.getElementsByTagName('script')]) {
        const script = document.createElement('script');
        script.text = old.innerText;
        for (const key of ['type', 'src', 'nonce', 'noModule', 'async']) {
          const value = old[key] || old.getAttribute(key);
          if (value) script.setAttribute(key, value);
        }
        host.appendChild(script).parentNode.removeChild(script);
      }
    }`,
  };
  const all = ['attn-head-view', 'attn-model-view', 'attn-head-view'].map((t) => `${t}:ok`);
  const cases = [
    ['as a page parses them (the same output twice)', outputs.join(''), all],
    ['as JupyterLab inserts them', `<script>const outputs = ${json};\n${insert.jupyterlab}</script>`, all],
    ['as VS Code inserts them', `<script>const outputs = ${json};\n${insert.vscode}</script>`, all],
    [
      'after another copy defined <attn-head-view>',
      `<script>customElements.define('attn-head-view', class extends HTMLElement {});</script>${outputs.join('')}`,
      ['attn-head-view:not ours', 'attn-model-view:ok', 'attn-head-view:not ours'],
    ],
  ];
  for (const [i, [name, body, want]] of cases.entries()) {
    const file = path.join(work, `insertion-${i}.html`);
    writeFileSync(file, `<!doctype html><meta charset="utf-8"><body>${body}</body>`);
    const { page, problems } = await openPage(pathToFileURL(file).href);
    const result = await page.evaluate(async () => {
      const views = [...document.querySelectorAll('.attnviz-output > :not(script)')];
      await Promise.all(views.map((v) => v.updateComplete));
      return views.map((v) => {
        if (!v.shadowRoot) return `${v.localName}:not ours`;
        return `${v.localName}:${v.shadowRoot.querySelector('[part~="error"]') ? 'error' : 'ok'}`;
      });
    });
    if (result.join() !== want.join()) problems.push(`views: ${result.join(', ')}`);
    check(`outputs inserted ${name}: the elements are defined once, nothing throws`, problems);
    await page.close();
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
