/**
 * Fused attention unfused (src/transformers/unfuse.ts): the generated fixtures tiny-fused
 * (com.microsoft Attention), tiny-fused-mha (MultiHeadAttention) and tiny-fused-gqa
 * (GroupQueryAttention: packed QKV, rotary rotate-half and interleaved, partial rotary,
 * kv_num_heads, local_window_size, softcap, scale), built by scripts/models/fused*.py with the
 * onnx helper. The rewritten graph gives the fused graph's own outputs in onnxruntime-web, and
 * computeAttention gives PyTorch's attention, q, k and v, with both transformers.js packages; what
 * cannot be unfused is refused naming the operator and the attribute or input.
 *
 * Largest differences measured (onnxruntime-web 1.30, wasm, Chromium):
 *
 *                    rewritten − fused outputs      attention − PyTorch   q, k, v − PyTorch
 *   tiny-fused       9.5e-7 (last_hidden_state)     4.2e-7                9.5e-7
 *   tiny-fused-mha   3.0e-7 (logits), 6.0e-7 (present) 1.8e-7             9.5e-7
 *   tiny-fused-gqa   3.8e-6 (logits), 2.4e-6 (present) 1.1e-6             5.8e-6
 *
 * The float16 files (fused nodes in float16; PyTorch on the weights each file holds; logits of
 * ±2.1 and ±11.8, one float16 step 2.0e-3 and 7.8e-3; layer 0's presents bit-identical):
 *
 *   tiny-fused-mha fp16     9.8e-4 (logits)        6.1e-4                2.8e-3
 *   tiny-fused-mha q4f16    1.5e-3                 8.6e-4                2.2e-3
 *   tiny-fused-gqa fp16     3.9e-3                 2.5e-3                7.7e-3
 *   tiny-fused-gqa q4f16    2.0e-3                 2.6e-3                7.7e-3
 *
 * GroupQueryAttention one-node graphs (position_ids, attention_bias, causal 0): rewritten − fused
 * and − PyTorch within 2.4e-7 (output), 6.0e-8 (attention).
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import { AttentionComputeError, computeAttention } from '../../src/transformers/index.js';
import { halfToFloat } from '../../src/core/tensor.js';
import { readModel } from '../../src/transformers/onnx.js';
import { tapModel } from '../../src/transformers/tap.js';
import { expectWithin, maxDiff, tensorErrors, type Nested } from '../support/compare.js';
import { PACKAGES } from '../support/packages.js';

const BASE = '/test/fixtures/models';
ort.env.wasm.numThreads = 1;

interface Reference {
  causal: boolean;
  kvHeads?: number[];
  examples: {
    text: string;
    textPair?: string;
    tokens: string[];
    ids: number[];
    tokenTypeIds?: number[];
    attention: Nested[];
    queries: Nested[];
    keys: Nested[];
    values: Nested[];
  }[];
}

const FIXTURES = ['tiny-fused', 'tiny-fused-mha', 'tiny-fused-gqa'];

/** A one-node graph's feeds and PyTorch's output and attention probabilities, flattened. */
interface NodeRecord {
  feeds: Record<string, { dims: number[]; type: 'float32' | 'int64' | 'int32'; data: number[] }>;
  output: number[];
  attention: number[];
}

async function bytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`${BASE}/${path}`)).arrayBuffer());
}

async function reference(model: string): Promise<Reference> {
  return (await (await fetch(`${BASE}/${model}/reference.json`)).json()) as Reference;
}

const int64 = (values: readonly number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

/** The fixture's inputs for one example: ids, mask, token types, an empty past of the declared shape. */
function feeds(session: ort.InferenceSession, ex: Reference['examples'][number]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {
    input_ids: int64(ex.ids),
    attention_mask: int64(ex.ids.map(() => 1)),
  };
  if (ex.tokenTypeIds) out['token_type_ids'] = int64(ex.tokenTypeIds);
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.') || !meta.isTensor) continue;
    const dims = meta.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 0));
    out[meta.name] =
      meta.type === 'float16'
        ? new ort.Tensor('float16', new Uint16Array(0), dims)
        : new ort.Tensor('float32', new Float32Array(0), dims);
  }
  return out;
}

/** An output's values as numbers (float16 decoded: a Uint16Array, or a Float16Array where the platform has one). */
function values(t: ort.Tensor): ArrayLike<number> {
  if (t.type !== 'float16') return t.data as Float32Array;
  return t.data instanceof Uint16Array
    ? Array.from(t.data, halfToFloat)
    : (t.data as unknown as ArrayLike<number>);
}

/** float16's, as test/transformers/lowbit.test.ts's q4f16 (activations rounded to float16). */
const HALF = { attention: 2e-3, queries: 1e-2, keys: 1e-2, values: 1e-2 };
/**
 * tiny-fused-gqa's q and k reach ±12 (tiny-llama's ±4.5), where float16's step is 7.8e-3: q and k
 * are rounded twice (projection, rotation), and the scores' error grows with them.
 */
const HALF_WIDE = { attention: 4e-3, queries: 1.5e-2, keys: 1.5e-2, values: 1.5e-2 };

/**
 * The float16 files of the fused decoders (transformers.js's dtype names): their weight MatMuls
 * (MatMulNBits in q4f16: 3 projections and 1 output per layer, or 1 packed QKV, and the LM head),
 * and PyTorch's tolerance on the weights each file holds.
 */
const HALF_FILES: [string, 'fp16' | 'q4f16', number, typeof HALF][] = [
  ['tiny-fused-mha', 'fp16', 0, HALF],
  ['tiny-fused-mha', 'q4f16', 9, HALF],
  ['tiny-fused-gqa', 'fp16', 0, HALF_WIDE],
  ['tiny-fused-gqa', 'q4f16', 7, HALF_WIDE],
];

describe('fused attention, unfused', function () {
  this.timeout(60_000);

  for (const model of FIXTURES) {
    it(`${model}: the rewritten graph has a Softmax per layer and no fused node, and gives the fused graph's outputs`, async () => {
      const original = await bytes(`${model}/onnx/model.onnx`);
      const tapped = tapModel(original, model);
      const { graph } = readModel(tapped.bytes);
      expect(graph.nodes.filter((n) => n.domain === 'com.microsoft').map((n) => n.opType)).to.deep.equal([]);
      const softmaxes = graph.nodes.filter((n) => n.opType === 'Softmax').length;
      expect(softmaxes).to.equal(tapped.taps.length);
      expect(softmaxes).to.be.greaterThan(0);
      const fused = await ort.InferenceSession.create(original, { executionProviders: ['wasm'] });
      const rewritten = await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
      for (const ex of (await reference(model)).examples) {
        const expected = await fused.run(feeds(fused, ex));
        const actual = await rewritten.run(feeds(rewritten, ex), fused.outputNames);
        for (const name of fused.outputNames) {
          const diff = maxDiff(actual[name]!.data as Float32Array, expected[name]!.data as Float32Array);
          expect(diff, name).to.be.below(1e-4);
        }
      }
      await fused.release();
      await rewritten.release();
    });
  }

  for (const [model, dtype, nBits] of HALF_FILES) {
    it(`${model}, model_${dtype}.onnx: the float16 fused node unfused gives its outputs within two float16 steps, and float32 attention`, async () => {
      const original = await bytes(`${model}/onnx/model_${dtype}.onnx`);
      const tapped = tapModel(original, model);
      const { graph } = readModel(tapped.bytes);
      expect(graph.nodes.filter((n) => n.domain === 'com.microsoft').map((n) => n.opType)).to.deep.equal(
        Array<string>(nBits).fill('MatMulNBits'),
      );
      const fused = await ort.InferenceSession.create(original, { executionProviders: ['wasm'] });
      const rewritten = await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
      for (const ex of (await reference(model)).examples) {
        const expected = await fused.run(feeds(fused, ex));
        const actual = await rewritten.run(feeds(rewritten, ex));
        for (const name of fused.outputNames) {
          expect(actual[name]!.type, name).to.equal('float16');
          const want = values(expected[name]!);
          const largest = Math.max(...Array.from(want, Math.abs));
          // Two float16 steps at the largest value: what one rounding more or less can move.
          expect(maxDiff(values(actual[name]!), want), name).to.be.at.most(2 ** -9 * largest);
        }
        for (const tap of tapped.taps) expect(actual[tap.probs]!.type, tap.probs).to.equal('float32');
      }
      await fused.release();
      await rewritten.release();
    });
  }

  for (const [label, transformers] of PACKAGES) {
    for (const [model, dtype, , tolerance] of HALF_FILES) {
      it(`${label}, ${model} dtype ${dtype}: PyTorch's attention, q, k and v on the file's weights within float16's error`, async () => {
        const ref = (await (await fetch(`${BASE}/${model}/reference_${dtype}.json`)).json()) as Reference;
        for (const ex of ref.examples) {
          const data = await computeAttention({
            model: `${BASE}/${model}`,
            text: ex.text,
            transformers,
            dtype,
            ort,
          });
          const c = data.components[0]!;
          expect(c.queryTokens).to.deep.equal(ex.tokens);
          expect(c.causal).to.equal(true);
          expect(c.kvHeads).to.deep.equal(ref.kvHeads);
          const errors = tensorErrors(c, ex);
          expectWithin(errors, tolerance);
        }
      });
    }
  }

  for (const [label, transformers] of PACKAGES) {
    for (const model of FIXTURES) {
      it(`${label}, ${model}: PyTorch's attention, q, k and v within 1e-5`, async () => {
        const ref = await reference(model);
        for (const ex of ref.examples) {
          const data = await computeAttention({
            model: `${BASE}/${model}`,
            text: ex.text,
            ...(ex.textPair !== undefined ? { textPair: ex.textPair } : {}),
            transformers,
            dtype: 'fp32',
            ort,
          });
          const c = data.components[0]!;
          expect(c.queryTokens).to.deep.equal(ex.tokens);
          expect(c.causal).to.equal(ref.causal);
          expect(c.kvHeads).to.deep.equal(ref.kvHeads);
          const errors = tensorErrors(c, ex);
          expectWithin(errors, 1e-5);
        }
      });
    }
  }

  // GroupQueryAttention's paths tiny-fused-gqa's layers do not take, as one-node graphs
  // (scripts/models/gqa_nodes.py): position_ids with a past and on a first prompt (where
  // onnxruntime counts on from the first id), attention_bias, causal = 0.
  for (const node of ['position-ids', 'position-ids-prompt', 'attention-bias', 'not-causal']) {
    it(`GroupQueryAttention ${node}: the rewrite gives onnxruntime's fused outputs and PyTorch's attention`, async () => {
      const path = `tiny-fused-gqa/nodes/${node}`;
      const record = (await (await fetch(`${BASE}/${path}.json`)).json()) as NodeRecord;
      const inputs: Record<string, ort.Tensor> = {};
      for (const [name, { dims, type, data }] of Object.entries(record.feeds)) {
        inputs[name] =
          type === 'int64'
            ? new ort.Tensor(
                'int64',
                BigInt64Array.from(data, (v) => BigInt(v)),
                dims,
              )
            : type === 'int32'
              ? new ort.Tensor('int32', Int32Array.from(data), dims)
              : new ort.Tensor('float32', Float32Array.from(data), dims);
      }
      const original = await bytes(`${path}.onnx`);
      const tapped = tapModel(original, node);
      const fused = await ort.InferenceSession.create(original, { executionProviders: ['wasm'] });
      const rewritten = await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
      const expected = await fused.run(inputs);
      const actual = await rewritten.run(inputs);
      for (const name of fused.outputNames) {
        expect(
          maxDiff(actual[name]!.data as Float32Array, expected[name]!.data as Float32Array),
          name,
        ).to.be.below(1e-5);
      }
      expect(maxDiff(actual['output']!.data as Float32Array, record.output), 'output − PyTorch').to.be.below(
        1e-5,
      );
      const probs = actual[tapped.taps[0]!.probs]!.data as Float32Array;
      expect(maxDiff(probs, record.attention), 'attention − PyTorch').to.be.below(1e-5);
      await fused.release();
      await rewritten.release();
    });
  }

  it('refuses a folder whose Attention has do_rotary, naming the operator and the attribute', async () => {
    const error = (await computeAttention({
      model: `${BASE}/tiny-fused-refused`,
      text: 'the dog',
      transformers: hf,
      dtype: 'fp32',
      ort,
    }).catch((e: unknown) => e)) as AttentionComputeError;
    expect(error).to.be.instanceOf(AttentionComputeError);
    expect(error.kind).to.equal('unsupported');
    expect(error.message).to.equal(
      `${BASE}/tiny-fused-refused (onnx/model.onnx): com.microsoft.Attention cannot be unfused: attribute do_rotary = 1; the standard-operator rewrite needs do_rotary = 0`,
    );
  });

  // Each refusal's message: the operator, what it has, what the rewrite needs.
  const REFUSALS: [string, string][] = [
    [
      'attention-shared-buffer',
      'com.microsoft.Attention cannot be unfused: attribute past_present_share_buffer = 1; the standard-operator rewrite needs past_present_share_buffer = 0',
    ],
    [
      'attention-mask-lengths',
      'com.microsoft.Attention cannot be unfused: its mask_index has 1 dimension (sequence lengths or start/end positions); the standard-operator rewrite needs a 0/1 mask of 2 dimensions (batch, keys) or 3 (batch, queries, keys) whose rank the graph declares',
    ],
    [
      'mha-packed-qkv',
      'com.microsoft.MultiHeadAttention cannot be unfused: no key input (packed QKV); the standard-operator rewrite needs separate query, key and value inputs',
    ],
    [
      'mha-cache-indirection',
      'com.microsoft.MultiHeadAttention cannot be unfused: input cache_indirection "beams"; the standard-operator rewrite needs no cache_indirection input',
    ],
    [
      'gqa-smooth-softmax',
      'com.microsoft.GroupQueryAttention cannot be unfused: attribute smooth_softmax = 1; the standard-operator rewrite needs smooth_softmax = 0',
    ],
    [
      'gqa-quantized-cache',
      'com.microsoft.GroupQueryAttention cannot be unfused: attribute k_quant_type = "PER_TENSOR"; the standard-operator rewrite needs k_quant_type = "NONE" (a float cache)',
    ],
    [
      'gqa-head-sink',
      'com.microsoft.GroupQueryAttention cannot be unfused: input head_sink "sink"; the standard-operator rewrite needs no head_sink input',
    ],
    [
      'gqa-window-not-causal',
      'com.microsoft.GroupQueryAttention cannot be unfused: local_window_size = 4 with causal = 0; the standard-operator rewrite needs local_window_size = -1 when not causal',
    ],
    [
      'gqa-double',
      'com.microsoft.GroupQueryAttention cannot be unfused: its query "q" is double; the standard-operator rewrite needs float or float16',
    ],
    [
      'gqa-untyped',
      'com.microsoft.GroupQueryAttention cannot be unfused: the element type of its query "q" is neither declared nor shown by the nodes that compute it; the standard-operator rewrite needs a query whose type the graph declares or its producers show (a weight, a Cast, a declared value)',
    ],
    [
      'attention-opset-10',
      'com.microsoft.Attention cannot be unfused: the model imports ai.onnx opset 10; the standard-operator rewrite needs opset 11 or later (Range)',
    ],
    [
      'packed-attention',
      "attention is fused into one operator (com.microsoft.PackedAttention), which has no softmax to read; export the model without fused attention (e.g. without ONNX Runtime's transformer optimisations)",
    ],
    [
      'gqa-in-subgraph',
      "attention is fused into one operator (com.microsoft.GroupQueryAttention (inside a subgraph)), which has no softmax to read; export the model without fused attention (e.g. without ONNX Runtime's transformer optimisations)",
    ],
  ];
  for (const [file, message] of REFUSALS) {
    it(`refuses ${file}, naming the operator and what it has`, async () => {
      const model = await bytes(`tiny-fused-refused/refusals/${file}.onnx`);
      expect(() => tapModel(model, file)).to.throw(`${file}: ${message}`);
    });
  }
});
