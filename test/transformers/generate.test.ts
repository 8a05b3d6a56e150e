/**
 * computeAttention's `generate`, `layers`, `heads`, `float16` and memory limit, on the tiny decoder
 * fixtures, with both transformers.js packages: the greedy continuation PyTorch produced
 * (scripts/models/gpt2.py, greedy_continuation) and its attention over prompt + continuation.
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import type { AttentionData } from '../../src/core/types.js';
import {
  type AttentionComputeError,
  computeAttention,
  type ComputeOptions,
  type Progress,
  useTransformers,
} from '../../src/transformers/index.js';
import '../../src/components/head-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { maxDiff, type Nested } from '../support/compare.js';
import { PACKAGES } from '../support/packages.js';

const BASE = '/test/fixtures/models';
ort.env.wasm.numThreads = 1;

interface Generated {
  maxNewTokens: number;
  ids: number[];
  tokens: string[];
  attention: Nested[];
}
interface Example {
  text: string;
  tokens: string[];
  attention: number[][][][];
  queries: number[][][][];
  generated: Generated;
}

async function example(name: string): Promise<Example> {
  const ref = (await (await fetch(`${BASE}/${name}/reference.json`)).json()) as { examples: Example[] };
  return ref.examples[0]!;
}

const DECODERS = [
  'tiny-gpt2',
  'tiny-gpt2-merged',
  'tiny-llama',
  'tiny-qwen2',
  'tiny-gemma',
  'tiny-phi3',
  'tiny-neox',
];

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected an error'),
    (e: unknown) => e as AttentionComputeError,
  );

for (const [label, transformers] of PACKAGES) {
  describe(`generate with ${label}`, function () {
    this.timeout(60_000);
    const run = (model: string, text: string, more: Partial<ComputeOptions> = {}) =>
      computeAttention({ model: `${BASE}/${model}`, text, transformers, dtype: 'fp32', ort, ...more });

    for (const model of DECODERS) {
      it(`${model}: the greedy continuation is PyTorch's, and its attention a whole forward pass's within 1e-5`, async () => {
        const ex = await example(model);
        const g = ex.generated;
        const steps: AttentionData[] = [];
        const data = await run(model, ex.text, {
          generate: { maxNewTokens: g.maxNewTokens },
          onProgress: (p: Progress) => {
            if (p.stage === 'generating') steps.push(p.data!);
          },
        });
        const c = data.components[0]!;
        const S = ex.tokens.length;
        expect(c.queryTokens).to.deep.equal([...ex.tokens, ...g.tokens]);
        expect(c.generatedStart).to.equal(S);
        expect(c.causal).to.equal(true);
        expect(maxDiff(c.weights, g.attention), 'attention').to.be.below(1e-5);
        // The prompt's rows are those of the prompt alone (causal: later tokens change nothing).
        const [L, H] = c.shape;
        const T = S + g.ids.length;
        for (let lh = 0; lh < L * H; lh++) {
          for (let q = 0; q < S; q++) {
            for (let k = 0; k < S; k++) {
              const w = c.weights[(lh * T + q) * T + k]!;
              expect(Math.abs(w - ex.attention[Math.floor(lh / H)]![lh % H]![q]![k]!)).to.be.below(1e-5);
            }
          }
        }
        // Streamed: the prompt first, then one more row a step, the final one being the result.
        expect(steps.map((d) => d.components[0]!.shape[2])).to.deep.equal(
          Array.from({ length: g.ids.length }, (_, i) => S + i),
        );
        expect(steps.map((d) => d.components[0]!.generatedStart)).to.deep.equal(
          Array.from({ length: g.ids.length }, (_, i) => (i === 0 ? undefined : S)),
        );
      });
    }
  });
}

describe('generate: sampling, errors and cancel', function () {
  this.timeout(60_000);
  const run = (model: string, text: string, more: Partial<ComputeOptions> = {}) =>
    computeAttention({ model: `${BASE}/${model}`, text, transformers: hf, dtype: 'fp32', ort, ...more });
  const continuation = (d: AttentionData) => {
    const c = d.components[0]!;
    return c.queryTokens.slice(c.generatedStart);
  };

  it('samples with a seed: the same seed the same tokens, top-k 1 the greedy ones', async () => {
    const ex = await example('tiny-llama');
    const sample = (seed: number, topK?: number) =>
      run('tiny-llama', ex.text, {
        generate: { maxNewTokens: 6, doSample: true, temperature: 2, seed, ...(topK ? { topK } : {}) },
      }).then(continuation);
    const [a, b, c, greedy] = await Promise.all([sample(1), sample(1), sample(2), sample(3, 1)]);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    expect(greedy).to.deep.equal(ex.generated.tokens);
  });

  it('refuses a model that is not a causal decoder, naming it, its type and the field', async () => {
    const bert = await failure(run('tiny-bert', 'the dog', { generate: { maxNewTokens: 2 } }));
    expect(bert.kind).to.equal('unsupported');
    expect(bert.message).to.match(/^generate: expected a causal language model .*tiny-bert" \(bert\)/);
    const bart = await failure(run('tiny-bart', 'the dog', { generate: { maxNewTokens: 2 } }));
    expect(bart.message).to.match(
      /^generate: expected a decoder-only or encoder-only model, received .*tiny-bart" \(bart\)/,
    );
  });

  it('names a bad option, what it expects and what it received', async () => {
    const cases: [unknown, RegExp][] = [
      [{ maxNewTokens: 0 }, /^generate\.maxNewTokens: expected an integer from 1 to 512, received 0$/],
      [
        { maxNewTokens: 2, temperature: -1 },
        /^generate\.temperature: expected a finite number > 0, received -1$/,
      ],
      [{ maxNewTokens: 2, topK: 1.5 }, /^generate\.topK: expected an integer ≥ 1, received 1\.5$/],
      [{ maxNewTokens: 2, seed: 'x' }, /^generate\.seed: expected an integer, received "x"$/],
    ];
    for (const [generate, message] of cases) {
      const e = await failure(
        run('tiny-gpt2', 'the dog', { generate: generate as { maxNewTokens: number } }),
      );
      expect(e.message).to.match(message);
    }
    const long = await failure(run('tiny-gpt2', 'the dog', { generate: { maxNewTokens: 100 } }));
    expect(long.kind).to.equal('too-long');
    expect(long.message).to.match(
      /\d+ tokens \(\d+ and generate\.maxNewTokens 100\), and .* takes at most 64/,
    );
  });

  it('stops generating when cancelled', async () => {
    const controller = new AbortController();
    let steps = 0;
    const e = await failure(
      run('tiny-llama', 'The cat sat', {
        generate: { maxNewTokens: 20 },
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage !== 'generating') return;
          steps++;
          if (steps === 2) controller.abort();
        },
      }),
    );
    expect(e.kind).to.equal('aborted');
    expect(steps).to.equal(2);
  });
});

describe('layers, heads, float16 and the memory limit', function () {
  this.timeout(60_000);
  const run = (model: string, text: string, more: Partial<ComputeOptions> = {}) =>
    computeAttention({ model: `${BASE}/${model}`, text, transformers: hf, dtype: 'fp32', ort, ...more });

  it('taps only the layers asked for, keeps the heads asked for, with their numbers', async () => {
    const ex = await example('tiny-llama');
    const data = await run('tiny-llama', ex.text, { layers: [1], heads: [3, 0] });
    const c = data.components[0]!;
    const S = ex.tokens.length;
    expect(c.shape).to.deep.equal([1, 2, S, S]);
    expect(c.layers).to.deep.equal([1]);
    expect(c.heads).to.deep.equal([3, 0]);
    expect(c.kvHeads).to.deep.equal([1, 0]);
    expect(maxDiff(c.weights, [ex.attention[1]![3]!, ex.attention[1]![0]!]), 'attention').to.be.below(1e-5);
    expect(maxDiff(c.queries!.data, [ex.queries[1]![3]!, ex.queries[1]![0]!]), 'queries').to.be.below(1e-5);
  });

  it('names a layer or head the model does not have', async () => {
    const layer = await failure(run('tiny-llama', 'the dog', { layers: [0, 2] }));
    expect(layer.message).to.equal(
      'layers[1]: expected a layer number from 0 to 1 (the model has 2 layers), received 2',
    );
    const head = await failure(run('tiny-llama', 'the dog', { heads: [1, 1] }));
    expect(head.message).to.equal('heads[1]: expected a head not listed before, received 1 again');
  });

  it('returns float16 weights that views read like float32 ones', async () => {
    const ex = await example('tiny-gpt2');
    const data = await run('tiny-gpt2', ex.text, { float16: true });
    const c = data.components[0]!;
    expect(c.weights.constructor.name).to.equal('Float16Array');
    expect(c.weights.BYTES_PER_ELEMENT).to.equal(2);
    expect(maxDiff(c.weights, ex.attention)).to.be.below(1e-3);
  });

  it('checks the memory limit before running, naming layers, heads, tokens, bytes and the limit', async () => {
    const ex = await example('tiny-llama');
    const S = ex.tokens.length;
    // 2 layers × 4 heads × S × (S·4 + 3·8·4) bytes: over a limit that one layer fits in.
    const all = 2 * 4 * S * (S * 4 + 96);
    const limit = all - 1;
    const e = await failure(run('tiny-llama', ex.text, { maxBytes: limit }));
    expect(e.kind).to.equal('too-long');
    expect(e.message).to.contain(`2 layers × 4 heads × ${S} tokens need ${all} bytes`);
    expect(e.message).to.contain(`over the limit of ${limit} bytes`);
    const one = await run('tiny-llama', ex.text, { maxBytes: limit, layers: [0] });
    expect(one.components[0]!.shape[0]).to.equal(1);
    // float16 weights count 2 bytes each.
    const half = await failure(run('tiny-llama', ex.text, { maxBytes: 100, float16: true }));
    expect(half.message).to.contain(`need ${2 * 4 * S * (S * 2 + 96)} bytes`);
  });
});

describe('an element with generate', function () {
  this.timeout(60_000);

  it('streams the continuation in, a row a token, and marks the generated tokens', async () => {
    useTransformers(hf, { dtype: 'fp32', ort });
    const ex = await example('tiny-llama');
    const el = document.createElement('attn-head-view') as AttnHeadView;
    const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
    el.setAttribute('model', `${BASE}/tiny-llama`);
    el.setAttribute('text', ex.text);
    el.setAttribute('generate', '6');
    // What the view shows at each render while the load runs: query rows, and the progress bar.
    const seen: [number, boolean][] = [];
    const observer = new MutationObserver(() => {
      const rows = el.shadowRoot!.querySelectorAll('.column.query [role="option"]').length;
      const loading = !!el.shadowRoot!.querySelector('[part="loading"]');
      if (rows > 0 && loading && seen[seen.length - 1]?.[0] !== rows) seen.push([rows, loading]);
    });
    document.body.append(el);
    observer.observe(el.shadowRoot!, { subtree: true, childList: true });
    await loaded;
    await el.updateComplete;
    observer.disconnect();
    const S = ex.tokens.length;
    // Each step's rows appear while the progress bar (with Cancel) stays.
    expect(seen.map(([rows]) => rows)).to.deep.equal([S, S + 1, S + 2, S + 3, S + 4, S + 5]);
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.equal(null);
    const options = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.column.query [role="option"]')];
    expect(options.length).to.equal(S + 6);
    const generated = options.filter((o) => o.classList.contains('generated'));
    expect(generated.map((o) => Number(o.dataset.index))).to.deep.equal([0, 1, 2, 3, 4, 5].map((i) => S + i));
    expect(generated[0]!.title).to.match(/\(position \d+, generated\)$/);
    expect(generated[0]!.textContent).to.contain(', generated');
    expect(getComputedStyle(generated[0]!.querySelector('.label')!).fontStyle).to.equal('italic');
    expect(options[0]!.classList.contains('generated')).to.equal(false);
    expect(el.shadowRoot!.querySelector('.column.query')!.getAttribute('aria-label')).to.contain(
      `generated tokens (from row ${S + 1}) in italics, underlined`,
    );
    expect(el.shadowRoot!.querySelector('[part="generated-legend"]')).to.not.equal(null);
    // The generated filter: their rows alone, over every key.
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('[part="filter-select"]')!;
    expect([...select.options].map((o) => o.value)).to.deep.equal(['all', 'generated']);
    el.filter = 'generated';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('.column.query [role="option"]').length).to.equal(6);
    expect(el.shadowRoot!.querySelectorAll('.column.key [role="option"]').length).to.equal(S + 6);
    el.remove();
  });

  it('stops generating on Cancel, keeping what was shown', async () => {
    useTransformers(hf, { dtype: 'fp32', ort });
    const el = document.createElement('attn-head-view') as AttnHeadView;
    el.setAttribute('model', `${BASE}/tiny-gpt2`);
    el.setAttribute('text', 'The cat sat');
    el.setAttribute('generate', '40');
    document.body.append(el);
    // Cancel once the first generated token's row is shown.
    await new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        const g = el.shadowRoot!.querySelector('.column.query .generated');
        if (g) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(el.shadowRoot!, { subtree: true, childList: true });
    });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="loading"] button')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('data-reason')).to.equal('aborted');
    el.remove();
  });
});
