// Tests run in Debian's Chromium (test tools cannot download their own browser here).
import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { frameworkBundlePlugin } from './test/support/framework-bundle-plugin.mjs';
import { countReporter } from './test/support/count-reporter.mjs';
import { faultMiddleware } from './test/support/faults.mjs';
import { readmeMiddleware, readmeSnippetsPlugin } from './test/readme/readme-plugin.mjs';
import { examplesPlugin } from './test/examples/examples-plugin.mjs';
import { CSP_HEADER } from './test/csp/policy.js';

// Source files are TypeScript: a request for src/**/x.js (a worker's `new URL('./x.js',
// import.meta.url)`, which names the built file) is served from x.ts, compiled by esbuild.
const tsForJs = async (ctx, next) => {
  if (ctx.path.startsWith('/src/') && ctx.path.endsWith('.js')) {
    const ts = ctx.path.slice(1, -3) + '.ts';
    if (!existsSync(ctx.path.slice(1)) && existsSync(ts)) ctx.path = '/' + ts;
  }
  return next();
};

// The CSP test's page is served under a strict policy, as a company page would serve it.
const strictCsp = async (ctx, next) => {
  await next();
  if (ctx.path === '/test/csp/page.html') ctx.set('Content-Security-Policy', CSP_HEADER);
};

// The fuzz test's size and seed, from the environment (`npm run fuzz` sets a longer run).
const fuzzSettings = async (ctx, next) => {
  if (ctx.path !== '/test/fuzz/settings.js') return next();
  const steps = Number(process.env.FUZZ_STEPS ?? 2000);
  const seed = Number(process.env.FUZZ_SEED ?? 1);
  ctx.type = 'text/javascript';
  ctx.body = `export function fuzzSettings() { return { steps: ${steps}, seed: ${seed} }; }`;
};

export default {
  // test/consumers/ holds whole apps with their own node_modules, run by test/consumers/run.mjs.
  files: ['test/**/*.test.{ts,tsx}', '!test/consumers/**'],
  nodeResolve: true,
  // /faults/…: the tiny models served wrongly on purpose, for the adapter's fault tests.
  // /node_modules/attnviz/… and /models/…: where the README's pages find the package and the
  // demo models.
  middleware: [tsForJs, strictCsp, fuzzSettings, faultMiddleware(), readmeMiddleware()],
  // One page at a time: Chromium does not run requestAnimationFrame in a page that is not
  // in front, and the views draw in animation frames, so concurrent pages could hang
  // (modernweb-dev/web#2588).
  concurrency: 1,
  testsFinishTimeout: 300_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [
    frameworkBundlePlugin(),
    readmeSnippetsPlugin(),
    examplesPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [
          ...CHROMIUM_ARGS,
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
          // The leak test forces garbage collection and reads exact heap sizes.
          '--js-flags=--expose-gc',
          '--enable-precise-memory-info',
        ],
      },
    }),
  ],
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countReporter()],
};
