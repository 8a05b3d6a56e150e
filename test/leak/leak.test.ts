/**
 * Nothing leaked: mounting and removing hundreds of views with data (and some with a model,
 * removed mid-load) returns the JS heap to near where it started after a forced garbage
 * collection, and leaves no animation frame, timer, idle callback, worker, media-query or
 * window/document listener, or resize observer behind. The browser counts are exact: every such
 * call is tracked while the test runs. The heap bound is generous (the benchmark prints figures).
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { registerAttentionLoader, attentionLoader, type AttentionLoader } from '../../src/core/loader.js';
import { ResourceTracker } from './tracker.js';
import { SELF, PAIR } from '../components/fixtures.js';

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

/** A larger self-attention set, so that a leaked view would show in the heap. */
function bigData(n = 64, layers = 2, heads = 4) {
  const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
  const attention = Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => (k <= q ? 1 / (q + 1) : 0))),
    ),
  );
  return { tokens, attention };
}

describe('leaks', function () {
  this.timeout(180_000);

  it('gc and precise heap figures are available (Chromium flags in web-test-runner.config.mjs)', () => {
    expect(gc, 'window.gc (--js-flags=--expose-gc)').to.be.a('function');
  });

  it('500 views mounted and removed leave no frames, timers, listeners, observers or workers, and the heap returns', async () => {
    const tracker = new ResourceTracker();
    const data = [SELF, PAIR, bigData()];
    const tags = ['attn-head-view', 'attn-model-view', 'attn-neuron-view'];
    const host = document.createElement('div');
    host.style.width = '800px';
    document.body.append(host);
    // Warm up: the first views compile code and fill caches that are not leaks.
    for (let i = 0; i < 6; i++) {
      const v = document.createElement(tags[i % 3]!) as HTMLElement & {
        data: unknown;
        updateComplete: Promise<unknown>;
      };
      v.data = data[i % 3];
      host.append(v);
      await v.updateComplete;
      await nextFrame();
      v.remove();
    }
    await nextFrame();
    const before = await collect();
    tracker.start();
    try {
      for (let i = 0; i < 500; i++) {
        const v = document.createElement(tags[i % 3]!) as HTMLElement & {
          data: unknown;
          updateComplete: Promise<unknown>;
        };
        v.data = data[i % 3];
        host.append(v);
        // Some are removed before their first frame is drawn, some after.
        if (i % 2 === 0) {
          await v.updateComplete;
          await nextFrame();
        }
        v.remove();
      }
      // Let anything that was asked for run out.
      for (let i = 0; i < 5; i++) await nextFrame();
      await new Promise((r) => setTimeout(r, 300));
      const after = await collect();
      const open = tracker.open();
      expect(open, 'resources still open after every view was removed').to.deep.equal({});
      const growth = (after - before) / before;
      expect(growth, `heap ${before} → ${after} bytes`).to.be.below(0.1);
    } finally {
      tracker.stop();
      host.remove();
    }
  });

  it('20 views removed while their model loads cancel the load and leave nothing running', async () => {
    const tracker = new ResourceTracker();
    const previous = attentionLoader();
    let aborted = 0;
    const pending: AttentionLoader = (request) =>
      new Promise((_, reject) => {
        // Never resolves by itself: only the element's cancel ends it.
        request.signal.addEventListener('abort', () => {
          aborted++;
          reject(request.signal.reason as Error);
        });
      });
    registerAttentionLoader(pending);
    tracker.start();
    try {
      for (let i = 0; i < 20; i++) {
        const v = document.createElement('attn-head-view') as HTMLElement & {
          updateComplete: Promise<unknown>;
        };
        v.setAttribute('model', `/models/none-${i}`);
        v.setAttribute('text', 'hello');
        document.body.append(v);
        await v.updateComplete;
        v.remove();
      }
      for (let i = 0; i < 3; i++) await nextFrame();
      expect(aborted, 'loads cancelled by removal').to.equal(20);
      expect(tracker.open()).to.deep.equal({});
    } finally {
      tracker.stop();
      if (previous) registerAttentionLoader(previous);
    }
  });
});
