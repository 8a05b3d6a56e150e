// Renders every story of the static Storybook build in headless Chromium and saves a screenshot
// of each; fails if a story logs an error or throws. `node scripts/screenshots.mjs [outDir]`
// (default: screenshots/). Builds storybook-static first when it is missing.
//   --only <substring>   only stories whose id contains it
//   --readme             also write docs/screenshot.png (the README's picture)
//   --picture <substring> with --readme, only the pictures whose file name contains it
//   --themes             also save <story>.light.png and <story>.dark.png, every view set to
//                        that theme on a page of the theme's background
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { serveStatic } from './serve.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const outDir =
  args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--only' && args[i - 1] !== '--picture') ??
  'screenshots';
const only = option('--only');
const root = path.resolve('storybook-static');

if (!existsSync(path.join(root, 'index.json'))) {
  execFileSync('npx', ['storybook', 'build', '--quiet', '--output-dir', root], {
    stdio: 'inherit',
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
  });
}

const { server, base } = await serveStatic(root);

const index = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8'));
const stories = Object.values(index.entries).filter(
  (e) => e.type === 'story' && (!only || e.id.includes(only)),
);

const browser = await puppeteer.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: CHROMIUM_ARGS,
});
mkdirSync(outDir, { recursive: true });
let failures = 0;

/**
 * In the page: waits until every view (elements named ATTN-…) has drawn all it shows, a few frames
 * after the last change, so that a re-render a ResizeObserver asks for (in the frame after the
 * layout) is awaited too; then two frames, so that it is painted.
 */
async function viewsDrawn() {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  for (let i = 0; i < 3; i++) await frame();
  const views = [...document.querySelectorAll('*')].filter((el) => el.tagName.startsWith('ATTN-'));
  await Promise.all(views.map((v) => v.drawComplete ?? v.updateComplete));
  await frame();
  await frame();
}

/**
 * Grows the viewport to the whole page, and waits until the views have drawn for it, before a
 * screenshot of the viewport. A full-page capture resizes the viewport itself while it shoots,
 * and the views re-laying out for it were sometimes caught half-way (the explorer's compare grid
 * with narrow cells in 2 of about 20 shots).
 */
async function wholePage(page) {
  for (let i = 0; i < 3; i++) {
    const height = await page.evaluate(() => Math.ceil(document.documentElement.scrollHeight));
    const viewport = page.viewport();
    if (height <= viewport.height) return;
    await page.setViewport({ ...viewport, height });
    await page.evaluate(viewsDrawn);
  }
}
try {
  for (const story of stories) {
    const page = await browser.newPage();
    await page.setViewport({ width: 960, height: 720 });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        problems.push(`console error: ${m.text()}`);
      // One Lit, in production mode: its warnings name a build problem.
      if (m.type() === 'warning' && /Lit is in dev mode|Multiple versions of Lit/.test(m.text()))
        problems.push(`console warning: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
        problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('#storybook-root')?.childElementCount > 0, {
      timeout: 20_000,
    });
    // Wait until every view computing from a model has finished (or failed), then until every
    // view has drawn all its lines.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[model]')].every(
          (v) => v.tagName.startsWith('ATTN-') && !v.shadowRoot?.querySelector('[part="loading"]'),
        ),
      { timeout: 120_000, polling: 200 },
    );
    await page.evaluate(viewsDrawn);
    // A view computing from a model must not end in an error (the error stories set data, not models).
    const modelErrors = await page.evaluate(() =>
      [...document.querySelectorAll('[model]')]
        .map((v) => v.shadowRoot?.querySelector('[part="error"]')?.textContent?.trim())
        .filter(Boolean),
    );
    for (const e of modelErrors) problems.push(`model error: ${e}`);
    const file = path.join(outDir, `${story.id}.png`);
    await wholePage(page);
    await page.screenshot({ path: file });
    if (flag('--themes')) {
      for (const theme of ['light', 'dark']) {
        await page.evaluate(async (theme) => {
          document.body.style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
          document.body.style.color = theme === 'dark' ? '#e6edf3' : '#1f2328';
          const views = [...document.querySelectorAll('*')].filter((el) => el.tagName.startsWith('ATTN-'));
          for (const v of views) v.setAttribute('theme', theme);
        }, theme);
        await page.evaluate(viewsDrawn);
        await wholePage(page);
        await page.screenshot({ path: path.join(outDir, `${story.id}.${theme}.png`) });
      }
    }
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${story.id} → ${file}`);
    for (const p of problems) console.log(`     ${p}`);
    failures += problems.length ? 1 : 0;
    await page.close();
  }
  if (flag('--readme')) {
    // The README's pictures, each of one element in one state, light unless named dark.
    const pictures = [
      { file: 'screenshot.png', story: 'head-view--sentence-pair', tag: 'attn-head-view', hover: '#query-4' },
      {
        file: 'head-view-dark.png',
        story: 'head-view--sentence-pair',
        tag: 'attn-head-view',
        hover: '#query-4',
        theme: 'dark',
      },
      {
        file: 'model-view.png',
        story: 'model-view--previous-token-heads',
        tag: 'attn-model-view',
        theme: 'light',
      },
      {
        file: 'model-view-dark.png',
        story: 'model-view--previous-token-heads',
        tag: 'attn-model-view',
        theme: 'dark',
      },
      {
        file: 'neuron-view.png',
        story: 'neuron-view--previous-token-head',
        tag: 'attn-neuron-view',
        theme: 'light',
      },
      {
        file: 'live-model-view.png',
        story: 'live-computed-in-the-browser--demo-gpt-model-view',
        tag: 'attn-model-view',
      },
      { file: 'flow.png', story: 'derived-attention--flow', tag: 'attn-model-view', theme: 'light' },
      {
        file: 'compare.png',
        story: 'explorer--compare',
        tag: 'attn-explorer',
        theme: 'light',
        ready: '[part="head-view-b"]',
      },
      {
        file: 'compare-dark.png',
        story: 'explorer--compare',
        tag: 'attn-explorer',
        theme: 'dark',
        ready: '[part="head-view-b"]',
      },
    ];
    mkdirSync('docs', { recursive: true });
    const picked = option('--picture');
    for (const p of pictures.filter((p) => !picked || p.file.includes(picked))) {
      const page = await browser.newPage();
      await page.setViewport({ width: 900, height: 640, deviceScaleFactor: 1 });
      await page.goto(`${base}/iframe.html?id=${p.story}&viewMode=story`, { waitUntil: 'load' });
      await page.waitForFunction(
        (tag, ready) => {
          const v = document.querySelector(tag);
          return v?.shadowRoot?.querySelector(ready) && !v.shadowRoot.querySelector('[part="loading"]');
        },
        { timeout: 120_000, polling: 200 },
        p.tag,
        p.ready ?? 'canvas',
      );
      await page.evaluate(async (p) => {
        const view = document.querySelector(p.tag);
        view.style.width = '860px';
        if (p.theme) {
          view.setAttribute('theme', p.theme);
          document.body.style.background = p.theme === 'dark' ? '#0d1117' : '#ffffff';
        }
        await view.updateComplete;
        await view.drawComplete;
        if (p.hover) {
          const token = view.shadowRoot.querySelector(p.hover);
          token.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
          await view.drawComplete;
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      }, p);
      const el = await page.$(p.tag);
      await el.screenshot({ path: `docs/${p.file}` });
      console.log(`README picture → docs/${p.file}`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${stories.length - failures} stories rendered cleanly, ${failures} with errors`);
process.exit(failures ? 1 : 0);
