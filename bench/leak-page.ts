/**
 * The page side of `npm run bench:leak`: `warm()` mounts every view with every data set once (so
 * that compiled code and filled caches are in the heap before it is measured), `churn()` mounts
 * and removes views with data (and views with a model, removed mid-load) and reports what was
 * left running (the same tracker as the leak test). The runner measures the heap around churn().
 */
import '../src/define.js';
import { registerAttentionLoader } from '../src/core/loader.js';
import { ResourceTracker } from '../test/leak/tracker.js';

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

function data(n: number, layers: number, heads: number) {
  const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
  const attention = Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => (k <= q ? 1 / (q + 1) : 0))),
    ),
  );
  return { tokens, attention };
}

type View = HTMLElement & { data: unknown; updateComplete: Promise<unknown> };

const sets = [data(16, 2, 4), data(64, 4, 12), data(128, 2, 4)];
const tags = ['attn-head-view', 'attn-model-view', 'attn-neuron-view'];
const host = document.createElement('div');
host.style.width = '900px';
document.body.append(host);

async function warm() {
  // Warm-up: every view with every data set, removed before and after its first frame, so that
  // code compiled and caches filled once (not leaks) are in the heap before it is measured.
  for (let i = 0; i < 18; i++) {
    const v = document.createElement(tags[i % 3]!) as View;
    v.data = sets[Math.floor(i / 3) % 3];
    host.append(v);
    if (i >= 9) {
      await v.updateComplete;
      await nextFrame();
    }
    v.remove();
  }
  for (let i = 0; i < 3; i++) await nextFrame();
}

async function churn(count: number, loading: number) {
  const tracker = new ResourceTracker();
  tracker.start();
  const started = performance.now();
  let peak = 0;
  for (let i = 0; i < count; i++) {
    const v = document.createElement(tags[i % 3]!) as View;
    v.data = sets[i % 3];
    host.append(v);
    if (i % 2 === 0) {
      await v.updateComplete;
      await nextFrame();
    }
    if (i % 50 === 0) {
      peak = Math.max(
        peak,
        (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
      );
    }
    v.remove();
  }
  let cancelled = 0;
  registerAttentionLoader(
    (request) =>
      new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => {
          cancelled++;
          reject(request.signal.reason as Error);
        }),
      ),
  );
  for (let i = 0; i < loading; i++) {
    const v = document.createElement('attn-head-view') as View;
    v.setAttribute('model', `/models/none-${i}`);
    v.setAttribute('text', 'hello');
    host.append(v);
    await v.updateComplete;
    v.remove();
  }
  const elapsed = performance.now() - started;
  for (let i = 0; i < 5; i++) await nextFrame();
  await new Promise((r) => setTimeout(r, 300));
  const open = tracker.open();
  tracker.stop();
  return { count, loading, cancelled, peak, open, elapsed };
}

Object.assign(window, { benchLeak: { warm, churn } });
