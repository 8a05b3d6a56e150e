/**
 * A hostile page: seeded random steps that set valid and malformed `data` and attributes on the
 * three views, remove and re-insert them, switch themes and resize them, waiting for each update
 * and a frame. Fails on any uncaught error, unhandled rejection, console error, step slower than
 * 2 s, or an element left blank. CI runs a bounded number of steps; `npm run fuzz` runs more
 * (FUZZ_STEPS, FUZZ_SEED).
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { seededRandom } from '../../src/transformers/generate.js';
import { fuzzSettings } from './settings.js';

type View = HTMLElement & { data: unknown; updateComplete: Promise<boolean>; drawComplete: Promise<void> };

const TAGS = ['attn-head-view', 'attn-model-view', 'attn-neuron-view'] as const;
const STEP_LIMIT_MS = 2000;

function fuzzer(seed: number) {
  // Seeded (mulberry32, as the adapter samples generated tokens): a failing run replays by its seed.
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;

  /** A valid attention set: random shape, rows that sum to 1, sometimes vectors, pairs or causal. */
  function validData(): unknown {
    const L = 1 + int(3);
    const H = 1 + int(4);
    const n = 1 + int(pick([4, 12, 40, 150]));
    const D = 2 + int(4);
    const causal = random() < 0.3;
    const tokens = Array.from({ length: n }, (_, i) =>
      pick(['[CLS]', '[SEP]', 'Ġthe', '##ing', '▁word', '<img src=x onerror=alert(1)>', '', ' ', `t${i}`]),
    );
    const tensor = (cols: number, fill: (l: number, h: number, q: number, k: number) => number) =>
      Array.from({ length: L }, (_, l) =>
        Array.from({ length: H }, (_, h) =>
          Array.from({ length: n }, (_, q) => Array.from({ length: cols }, (_, k) => fill(l, h, q, k))),
        ),
      );
    const raw = tensor(n, (_l, _h, q, k) => (causal && k > q ? 0 : random() ** 3));
    const attention = raw.map((layer) =>
      layer.map((head) =>
        head.map((row) => {
          const sum = row.reduce((a, b) => a + b, 0) || 1;
          return row.map((v, k) => (sum === 1 && row.every((x) => x === 0) ? (k === 0 ? 1 : 0) : v / sum));
        }),
      ),
    );
    const data: Record<string, unknown> = { tokens, attention };
    if (random() < 0.5) {
      data['queries'] = tensor(D, () => random() * 2 - 1);
      data['keys'] = tensor(D, () => random() * 2 - 1);
      if (random() < 0.5) data['values'] = tensor(D, () => random() * 2 - 1);
    }
    if (n > 3 && random() < 0.3) data['sentenceBStart'] = 1 + int(n - 2);
    return data;
  }

  /** Something a careless or hostile page might set as `data`. */
  function malformedData(): unknown {
    const good = validData() as Record<string, unknown>;
    return pick([
      () => null,
      () => undefined,
      () => 42,
      () => 'attention',
      () => [],
      () => ({}),
      () => ({ ...good, tokens: (good['tokens'] as string[]).slice(1) }),
      () => ({ ...good, attention: [[[[NaN]]]] }),
      () => ({ ...good, attention: [[[[0.5, 0.6]]]] }),
      () => ({ ...good, attention: 'x' }),
      () => ({ ...good, queries: [[[[1]]]] }),
      () => ({ attention: [{ name: 'all', attn: [[[[1]]]], left_text: ['a'], right_text: ['a', 'b'] }] }),
      () => ({ dims: [1, 1, 2, 2], data: new Float32Array([1, 0, 0.5, 0.5]) }),
      () => ({ dims: [1, 1, 2, 2], data: new Float32Array(3) }),
      () => ({ ...good, sentenceBStart: -3 }),
    ])();
  }

  const ATTRIBUTES: Record<string, () => string> = {
    layer: () => pick(['0', '1', '2', '7', '-1', 'x', '1.5', '']),
    head: () => pick(['0', '1', '3', '9', 'NaN', '']),
    heads: () => pick(['0', '0,1', '1,3', '', ',', '0,x', '99', '2,2,2']),
    'include-layers': () => pick(['0', '0,1', '1', 'a', '5']),
    'include-heads': () => pick(['0', '0,2', '1,3', 'b', '8']),
    filter: () => pick(['all', 'aa', 'ab', 'ba', 'bb', 'encoder', 'cross', 'nope']),
    theme: () => pick(['light', 'dark', 'auto', 'sepia']),
    'line-opacity': () => pick(['shared', 'full', 'half']),
    thumbnail: () => pick(['lines', 'heatmap', 'pie']),
    summary: () => pick(['none', 'entropy', 'first', 'previous', 'self', 'delimiters', 'vibes']),
    sort: () => pick(['none', 'descending', 'ascending', 'random']),
    'highlight-above': () => pick(['0.5', '0', 'high', '']),
    'selected-layer': () => pick(['0', '1', '4', 'x']),
    'selected-head': () => pick(['0', '2', '5', 'y']),
    token: () => pick(['0', '3', '39', '500', 'z']),
    neuron: () => pick(['0', '1', '5', '-2']),
    'dimension-order': () => pick(['none', 'contribution', 'alphabetical']),
    words: () => pick(['', 'true']),
    hide: () => pick(['none', 'first', 'special', 'sink']),
    aggregate: () => pick(['none', 'mean', 'max', 'rollout', 'sum']),
  };

  return { random, int, pick, validData, malformedData, ATTRIBUTES };
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Settles within the step's time limit, or says what is still pending. */
async function settle(view: View): Promise<void> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`${view.localName} did not settle in ${STEP_LIMIT_MS} ms`)),
      STEP_LIMIT_MS,
    ),
  );
  await Promise.race([
    (async () => {
      await view.updateComplete;
      if (view.isConnected) await view.drawComplete;
      await nextFrame();
    })(),
    timeout,
  ]);
}

describe('fuzz: the views under hostile use', function () {
  const { steps, seed } = fuzzSettings();
  this.timeout(steps * STEP_LIMIT_MS + 10_000);

  it(`survives ${steps} random steps (seed ${seed}) with no error, hang or blank element`, async () => {
    const problems: string[] = [];
    const onError = (e: ErrorEvent) => problems.push(`uncaught: ${e.message}`);
    const onRejection = (e: PromiseRejectionEvent) =>
      problems.push(`unhandled rejection: ${String(e.reason)}`);
    const consoleError = console.error;
    console.error = (...args: unknown[]) => {
      problems.push(`console.error: ${args.map(String).join(' ')}`);
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    const f = fuzzer(seed);
    const container = document.createElement('div');
    container.style.width = '900px';
    document.body.append(container);
    const views = TAGS.map((tag) => {
      const view = document.createElement(tag) as View;
      view.data = f.validData();
      container.append(view);
      return view;
    });
    try {
      for (let step = 0; step < steps && problems.length === 0; step++) {
        const view = f.pick(views);
        const action = f.int(10);
        let what: string;
        if (action < 3) {
          view.data = f.validData();
          what = 'valid data';
        } else if (action < 5) {
          view.data = f.malformedData();
          what = 'malformed data';
        } else if (action < 8) {
          const name = f.pick(Object.keys(f.ATTRIBUTES));
          const value = f.ATTRIBUTES[name]!();
          if (f.random() < 0.15) view.removeAttribute(name);
          else view.setAttribute(name, value);
          what = `${name}="${value}"`;
        } else if (action < 9) {
          view.remove();
          // Sometimes re-inserted at once (mid-draw), sometimes after a frame.
          if (f.random() < 0.5) await nextFrame();
          container.append(view);
          what = 'removed and re-inserted';
        } else {
          view.style.width = `${f.pick([120, 320, 640, 900])}px`;
          what = 'resized';
        }
        const started = performance.now();
        try {
          await settle(view);
        } catch (e) {
          problems.push(`step ${step} (${view.localName}, ${what}): ${(e as Error).message}`);
        }
        const took = performance.now() - started;
        if (took > STEP_LIMIT_MS)
          problems.push(`step ${step} (${view.localName}, ${what}) took ${took.toFixed(0)} ms`);
        const root = view.shadowRoot;
        if (!root || root.childElementCount === 0 || view.getBoundingClientRect().height < 10) {
          problems.push(`step ${step} (${view.localName}, ${what}): blank element`);
        }
        if (problems.length) problems.unshift(`seed ${seed}, failing at step ${step}`);
      }
    } finally {
      console.error = consoleError;
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
      container.remove();
    }
    expect(problems).to.deep.equal([]);
  });
});
