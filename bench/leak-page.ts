/**
 * The page side of `npm run bench:leak`: mounts and removes views with data (and views with a
 * model, removed mid-load), then reports the heap before and after a forced collection and what
 * was left running (the same tracker as the leak test).
 */
import '../src/define.js';
import { registerAttentionLoader } from '../src/core/loader.js';
import { ResourceTracker } from '../test/leak/tracker.js';

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function heap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run Chromium with --js-flags=--expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

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

async function run(count: number, loading: number) {
  const host = document.createElement('div');
  host.style.width = '900px';
  document.body.append(host);
  const sets = [data(16, 2, 4), data(64, 4, 12), data(128, 2, 4)];
  const tags = ['attn-head-view', 'attn-model-view', 'attn-neuron-view'];
  for (let i = 0; i < 6; i++) {
    const v = document.createElement(tags[i % 3]!) as View;
    v.data = sets[i % 3];
    host.append(v);
    await v.updateComplete;
    await nextFrame();
    v.remove();
  }
  const before = await heap();
  const tracker = new ResourceTracker();
  tracker.start();
  const started = performance.now();
  let peak = before;
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
  const after = await heap();
  const open = tracker.open();
  tracker.stop();
  host.remove();
  return { count, loading, cancelled, before, peak, after, open, elapsed };
}

(window as unknown as { benchLeak: typeof run }).benchLeak = run;
