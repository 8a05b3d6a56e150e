/**
 * computeAttention on the generated tiny models (test/fixtures/models, made by
 * scripts/models/generate.py), in Chromium, with both transformers.js packages: attention, queries,
 * keys and values against PyTorch's, tokens, causal masks, and the errors.
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
// The package's own browser build (its src imports Node modules the test server cannot stub).
import * as xenova from '@xenova/transformers/dist/transformers.min.js';
import * as ort from 'onnxruntime-web';
import type { AttentionComponent } from '../../src/core/types.js';
import '../../src/components/neuron-view/define.js';
import type { AttnNeuronView } from '../../src/components/neuron-view/neuron-view.js';
import {
  AttentionComputeError,
  computeAttention,
  useTransformers,
  type OrtModule,
  type TransformersModule,
} from '../../src/transformers/index.js';
import { lastTapThread } from '../../src/transformers/off-thread.js';

const BASE = '/test/fixtures/models';
ort.env.wasm.numThreads = 1;

interface Example {
  text: string;
  textPair?: string;
  tokens: string[];
  sentenceBStart?: number;
  attention: number[][][][];
  queries: number[][][][];
  keys: number[][][][];
  values: number[][][][];
}
interface Reference {
  causal: boolean;
  vectorsScaled: boolean;
  examples: Example[];
}

async function reference(name: string): Promise<Reference> {
  return (await fetch(`${BASE}/${name}/reference.json`)).json() as Promise<Reference>;
}

function maxDiff(actual: Float32Array, expected: number[][][][]): number {
  const flat = expected.flat(3);
  expect(actual.length).to.equal(flat.length);
  let m = 0;
  flat.forEach((v, i) => (m = Math.max(m, Math.abs(v - actual[i]!))));
  return m;
}

const PACKAGES: [string, TransformersModule][] = [
  ['@huggingface/transformers 4', hf as unknown as TransformersModule],
  ['@xenova/transformers 2.17', xenova as unknown as TransformersModule],
];

for (const [label, transformers] of PACKAGES) {
  describe(`computeAttention with ${label}`, function () {
    this.timeout(60_000);
    const run = (model: string, text: string, textPair?: string) =>
      computeAttention({
        model: `${BASE}/${model}`,
        text,
        ...(textPair !== undefined ? { textPair } : {}),
        transformers,
        dtype: 'fp32',
        ort: ort as unknown as OrtModule,
      });

    for (const model of ['tiny-bert', 'tiny-gpt2', 'tiny-gpt2-sdpa']) {
      it(`${model}: matches PyTorch within 1e-5 (attention, q, k, v), with its tokens`, async () => {
        const ref = await reference(model);
        for (const ex of ref.examples) {
          const data = await run(model, ex.text, ex.textPair);
          const c: AttentionComponent = data.components[0]!;
          expect(c.queryTokens).to.deep.equal(ex.tokens);
          expect(c.causal).to.equal(ref.causal);
          expect(c.vectorsScaled).to.equal(ref.vectorsScaled);
          expect(c.sentenceBStart).to.equal(ex.sentenceBStart);
          expect(maxDiff(c.weights, ex.attention), 'attention').to.be.below(1e-5);
          expect(maxDiff(c.queries!.data, ex.queries), 'queries').to.be.below(1e-5);
          expect(maxDiff(c.keys!.data, ex.keys), 'keys').to.be.below(1e-5);
          expect(maxDiff(c.values!.data, ex.values), 'values').to.be.below(1e-5);
          // Rows sum to 1; a causal model puts exact zeros on later keys.
          const [L, H, S] = c.shape;
          for (let r = 0; r < L * H * S; r++) {
            let sum = 0;
            for (let k = 0; k < S; k++) {
              const w = c.weights[r * S + k]!;
              sum += w;
              if (ref.causal && k > r % S) expect(w).to.equal(0);
            }
            expect(Math.abs(sum - 1)).to.be.below(1e-5);
          }
        }
      });
    }

    it('refuses a model whose attention is fused, naming the operator and the model', async () => {
      const error = await run('tiny-fused', 'the dog').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AttentionComputeError);
      expect((error as AttentionComputeError).kind).to.equal('unsupported');
      expect((error as Error).message).to.match(
        /tiny-fused \(onnx\/model\.onnx\): attention is fused into one operator \(com\.microsoft\.Attention\)/,
      );
    });

    it('names a model that does not exist', async () => {
      const error = (await run('no-such-model', 'x').catch((e: unknown) => e)) as AttentionComputeError;
      expect(error.kind, error.message).to.equal('not-found');
      expect(error.message).to.match(/no-such-model/);
    });

    it('refuses an input whose attention would exceed the limit, with the numbers', async () => {
      const error = (await computeAttention({
        model: `${BASE}/tiny-bert`,
        text: 'the dog',
        transformers,
        ort: ort as unknown as OrtModule,
        maxBytes: 100,
      }).catch((e: unknown) => e)) as AttentionComputeError;
      expect(error.kind).to.equal('too-long');
      expect(error.message).to.match(/^input too long: 2 layers × 2 heads × \d+ tokens need 0 MiB/);
    });

    it('stops when cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = (await computeAttention({
        model: `${BASE}/tiny-bert`,
        text: 'the dog',
        transformers,
        signal: controller.signal,
      }).catch((e: unknown) => e)) as AttentionComputeError;
      expect(error.kind).to.equal('aborted');
    });
  });
}

describe('an element with model and text', function () {
  this.timeout(60_000);

  it('renders the attention computed in the browser', async () => {
    useTransformers(hf as unknown as TransformersModule, { dtype: 'fp32', ort: ort as unknown as OrtModule });
    const ref = await reference('tiny-gpt2');
    const el = document.createElement('attn-neuron-view') as AttnNeuronView;
    const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
    el.setAttribute('model', `${BASE}/tiny-gpt2`);
    el.setAttribute('text', ref.examples[0]!.text);
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.not.equal(null);
    await loaded;
    await el.updateComplete;
    const raw = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.column.query [role="option"]')].map((o) =>
      o.title.replace(/ \(position \d+\)$/, ''),
    );
    expect(raw).to.deep.equal(ref.examples[0]!.tokens.slice(0, raw.length));
    // The model's own vectors and attention agree: no mismatch warning.
    expect(el.shadowRoot!.querySelector('[part="warning"]')).to.equal(null);
    el.remove();
  });
});

describe('off the main thread', function () {
  this.timeout(60_000);

  it('rewrites the graph in a worker and runs onnxruntime in its proxy worker', async () => {
    const ref = await reference('tiny-gpt2');
    const data = await computeAttention({
      model: `${BASE}/tiny-gpt2`,
      text: ref.examples[0]!.text,
      transformers: hf as unknown as TransformersModule,
      dtype: 'fp32',
      ort: ort as unknown as OrtModule,
    });
    expect(lastTapThread).to.equal('worker');
    expect(ort.env.wasm.proxy).to.equal(true);
    expect(maxDiff(data.components[0]!.weights, ref.examples[0]!.attention)).to.be.below(1e-5);
  });

  it('reports an unsupported model from the worker with its message', async () => {
    const error = (await computeAttention({
      model: `${BASE}/tiny-fused`,
      text: 'the dog',
      transformers: hf as unknown as TransformersModule,
      dtype: 'fp32',
      ort: ort as unknown as OrtModule,
    }).catch((e: unknown) => e)) as AttentionComputeError;
    expect(lastTapThread).to.equal('worker');
    expect(error.kind).to.equal('unsupported');
    expect(error.message).to.match(/com\.microsoft\.Attention/);
  });
});
