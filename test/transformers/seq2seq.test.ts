/**
 * Merged decoders and encoder-decoder models, in Chromium with both transformers.js packages:
 * inlining a merged decoder's branch without a past (on the graph, and run by onnxruntime-web),
 * tiny-gpt2-merged (`onnx/decoder_model_merged.onnx` only) and tiny-bart (encoder, decoder and
 * cross attention) against PyTorch's attention, queries, keys and values, and an element given
 * an encoder-decoder model.
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import '../../src/components/model-view/define.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type { AttentionComponent } from '../../src/core/types.js';
import { decoderInputIds } from '../../src/transformers/compute.js';
import {
  AttentionComputeError,
  computeAttention,
  tapModel,
  useTransformers,
} from '../../src/transformers/index.js';
import { inlineNoPastBranch } from '../../src/transformers/inline.js';
import { readModel, type OnnxGraph } from '../../src/transformers/onnx.js';
import { Writer } from '../../src/transformers/proto.js';
import { addGraphOutputs } from '../../src/transformers/tap.js';
import { maxDiff } from '../support/compare.js';
import { PACKAGES } from '../support/packages.js';

const BASE = '/test/fixtures/models';
ort.env.wasm.numThreads = 1;
const ORT = ort;

type Nested = number[][][][];
interface Tensors {
  attention: Nested;
  queries: Nested;
  keys: Nested;
  values: Nested;
}
interface DecoderReference {
  causal: boolean;
  vectorsScaled: boolean;
  examples: (Tensors & { text: string; tokens: string[] })[];
}
interface Seq2SeqReference {
  vectorsScaled: boolean;
  decoderStartTokenId: number;
  examples: {
    text: string;
    targetText: string;
    encoderTokens: string[];
    decoderTokens: string[];
    encoder: Tensors;
    decoder: Tensors;
    cross: Tensors;
  }[];
}

async function json<T>(path: string): Promise<T> {
  return (await fetch(`${BASE}/${path}`)).json() as Promise<T>;
}

async function bytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`${BASE}/${path}`)).arrayBuffer());
}

/** A component's weights, queries, keys and values against PyTorch's; rows sum to 1; causal zeros exact. */
function expectMatches(c: AttentionComponent, ref: Tensors, causal: boolean): void {
  expect(maxDiff(c.weights, ref.attention), `${c.name} attention`).to.be.below(1e-5);
  expect(maxDiff(c.queries!.data, ref.queries), `${c.name} queries`).to.be.below(1e-5);
  expect(maxDiff(c.keys!.data, ref.keys), `${c.name} keys`).to.be.below(1e-5);
  expect(maxDiff(c.values!.data, ref.values), `${c.name} values`).to.be.below(1e-5);
  expect(c.causal, `${c.name} causal`).to.equal(causal);
  const [L, H, Q, K] = c.shape;
  for (let r = 0; r < L * H * Q; r++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const w = c.weights[r * K + k]!;
      sum += w;
      if (causal && k > r % Q) expect(w, `${c.name} row ${r} key ${k}`).to.equal(0);
    }
    expect(Math.abs(sum - 1), `${c.name} row ${r} sum`).to.be.below(1e-5);
  }
}

function allNodes(graph: OnnxGraph): string[] {
  return graph.nodes.flatMap((n) => [
    n.opType,
    ...n.attributes.flatMap((a) => (a.graph ? allNodes(a.graph) : [])),
  ]);
}

// --- a hand-made model with two merged Ifs, whose else branches define the same names -----------

const FLOAT = 1;
const BOOL = 9;
const ATTRIBUTE_GRAPH = 5;

const valueInfo = (name: string, elemType: number, dims: number[]) =>
  new Writer().lengthField(1, name).lengthField(
    2,
    new Writer().lengthField(
      1,
      new Writer().varintField(1, elemType).lengthField(
        2,
        dims.reduce((shape, d) => shape.lengthField(1, new Writer().varintField(1, d)), new Writer()),
      ),
    ),
  );

const floats = (name: string, values: number[]) =>
  new Writer()
    .varintField(1, values.length)
    .varintField(2, FLOAT)
    .lengthField(8, name)
    .lengthField(9, new Uint8Array(Float32Array.from(values).buffer));

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  name = '',
  branches?: [Writer, Writer],
): Writer {
  const w = new Writer();
  for (const i of inputs) w.lengthField(1, i);
  for (const o of outputs) w.lengthField(2, o);
  if (name) w.lengthField(3, name);
  w.lengthField(4, opType);
  if (branches) {
    for (const [attr, g] of [
      ['then_branch', branches[0]],
      ['else_branch', branches[1]],
    ] as const) {
      w.lengthField(5, new Writer().lengthField(1, attr).lengthField(6, g).varintField(20, ATTRIBUTE_GRAPH));
    }
  }
  return w;
}

function graph(
  name: string,
  nodes: Writer[],
  outputs: string[],
  weights: Writer[] = [],
  inputs: Writer[] = [],
): Writer {
  const g = new Writer();
  for (const n of nodes) g.lengthField(1, n);
  g.lengthField(2, name);
  for (const w of weights) g.lengthField(5, w);
  for (const i of inputs) g.lengthField(11, i);
  for (const o of outputs) g.lengthField(12, valueInfo(o, FLOAT, [2]));
  return g;
}

/**
 * a = (x + [10, 20])², b = a + [1, 2] when use_cache_branch is false. Both else branches define
 * "h", a weight "c" and a node "add" (onnxruntime refuses two nodes of one name in a graph); the
 * second's output "out" is not named as its If's "b".
 */
function twoMergedIfs(): Uint8Array {
  const ifA = node('If', ['use_cache_branch'], ['a'], 'if_a', [
    graph('then', [node('Identity', ['x'], ['a'])], ['a']),
    graph(
      'else',
      [node('Add', ['x', 'c'], ['h'], 'add'), node('Mul', ['h', 'h'], ['a'], 'mul')],
      ['a'],
      [floats('c', [10, 20])],
    ),
  ]);
  const ifB = node('If', ['use_cache_branch'], ['b'], 'if_b', [
    graph('then', [node('Identity', ['a'], ['b'])], ['b']),
    graph(
      'else',
      [node('Add', ['a', 'c'], ['h'], 'add'), node('Identity', ['h'], ['out'])],
      ['out'],
      [floats('c', [1, 2])],
    ),
  ]);
  const main = graph(
    'main',
    [ifA, ifB],
    ['a', 'b'],
    [],
    [valueInfo('x', FLOAT, [2]), valueInfo('use_cache_branch', BOOL, [1])],
  );
  return new Writer()
    .varintField(1, 8)
    .lengthField(8, new Writer().lengthField(1, '').varintField(2, 17))
    .lengthField(7, main)
    .finish();
}

async function runAB(model: Uint8Array): Promise<[number[], number[]]> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) };
  if (session.inputNames.includes('use_cache_branch')) {
    feeds['use_cache_branch'] = new ort.Tensor('bool', Uint8Array.from([0]), [1]);
  }
  const out = await session.run(feeds);
  await session.release();
  return [Array.from(out['a']!.data as Float32Array), Array.from(out['b']!.data as Float32Array)];
}

describe('inlining a merged decoder', function () {
  this.timeout(30_000);

  it('tiny-gpt2-merged: the tapped model has no If, and the tapped tensors are graph outputs', async () => {
    const original = await bytes('tiny-gpt2-merged/onnx/decoder_model_merged.onnx');
    const before = readModel(original).graph;
    expect(before.nodes.map((n) => n.opType)).to.deep.equal(['If']);
    const elseBranch = before.nodes[0]!.attributes.find((a) => a.name === 'else_branch')!.graph!;

    const tapped = tapModel(original, 'tiny-gpt2-merged');
    const after = readModel(tapped.bytes).graph;
    expect(allNodes(after)).to.not.include('If');
    expect(after.nodes.map((n) => n.name)).to.deep.equal(elseBranch.nodes.map((n) => n.name));
    // The branch's own weights join the shared ones; the inputs stay those of the merged model.
    for (const w of elseBranch.initializers) expect(after.initializers.has(w)).to.equal(true);
    for (const w of before.initializers) expect(after.initializers.has(w)).to.equal(true);
    expect(after.inputs).to.deep.equal(before.inputs);
    expect(tapped.taps).to.have.length(2);
    for (const tap of tapped.taps) {
      expect(after.outputs).to.include.members([tap.probs, tap.query, tap.keyT, tap.value]);
      expect(tap.keySources).to.include('input_ids');
    }
    expect(after.outputs.slice(0, before.outputs.length)).to.deep.equal(before.outputs);
  });

  it('renames what two branches both define, and runs as the else branches do', async () => {
    const model = readModel(twoMergedIfs());
    const inlined = inlineNoPastBranch(model.graph)!;
    expect(
      inlined.graph.nodes.map((n) => `${n.opType} ${n.name}: ${n.inputs.join(' ')} → ${n.outputs.join(' ')}`),
    ).to.deep.equal([
      'Add add: x c → h',
      'Mul mul: h h → a',
      'Add add_no_past: a c_no_past → h_no_past',
      'Identity : h_no_past → out',
      'Identity if_b/b: out → b',
    ]);
    expect([...inlined.graph.initializers].sort()).to.deep.equal(['c', 'c_no_past']);
    const rewritten = addGraphOutputs(model, ['h'], inlined.body);
    const again = readModel(rewritten).graph;
    expect(again.nodes.map((n) => n.opType)).to.not.include('If');
    expect(again.outputs).to.deep.equal(['a', 'b', 'h']);
    expect(await runAB(rewritten)).to.deep.equal(await runAB(twoMergedIfs()));
    expect(await runAB(rewritten)).to.deep.equal([
      [121, 484],
      [122, 486],
    ]);
  });

  it('leaves a model without a merged If alone', async () => {
    expect(inlineNoPastBranch(readModel(await bytes('tiny-gpt2/onnx/model.onnx')).graph)).to.equal(null);
  });
});

describe('the decoder input of an encoder-decoder model', () => {
  it('is decoder_start_token_id, then the target shifted right', () => {
    // BART: <s> A B </s> → </s> <s> A B.
    expect(decoderInputIds([0, 7, 8, 2], { decoder_start_token_id: 2, eos_token_id: 2 })).to.deep.equal([
      2, 0, 7, 8,
    ]);
    // T5 and Marian: A B </s> → <pad> A B; eos may be a list.
    expect(decoderInputIds([7, 8, 1], { decoder_start_token_id: 0, eos_token_id: [1] })).to.deep.equal([
      0, 7, 8,
    ]);
    // No end token to drop; no target at all.
    expect(decoderInputIds([7, 8], { decoder_start_token_id: 0, eos_token_id: 1 })).to.deep.equal([0, 7, 8]);
    expect(decoderInputIds([], { pad_token_id: 5 })).to.deep.equal([5]);
  });
});

for (const [label, transformers] of PACKAGES) {
  describe(`merged decoders and encoder-decoder models with ${label}`, function () {
    this.timeout(60_000);
    const compute = (model: string, text: string, targetText?: string) =>
      computeAttention({
        model: `${BASE}/${model}`,
        text,
        ...(targetText !== undefined ? { targetText } : {}),
        transformers,
        dtype: 'fp32',
        ort: ORT,
      });

    it('tiny-gpt2-merged (decoder_model_merged.onnx only): tiny-gpt2’s PyTorch attention, q, k and v within 1e-5', async () => {
      const ref = await json<DecoderReference>('tiny-gpt2-merged/reference.json');
      for (const ex of ref.examples) {
        const data = await compute('tiny-gpt2-merged', ex.text);
        expect(data.components).to.have.length(1);
        const c = data.components[0]!;
        expect(c.name).to.equal('self');
        expect(c.queryTokens).to.deep.equal(ex.tokens);
        expect(c.vectorsScaled).to.equal(ref.vectorsScaled);
        expectMatches(c, ex, true);
      }
    });

    it('tiny-bart: encoder, decoder and cross attention, q, k and v match PyTorch within 1e-5, with their tokens', async () => {
      const ref = await json<Seq2SeqReference>('tiny-bart/reference.json');
      for (const ex of ref.examples) {
        const data = await compute('tiny-bart', ex.text, ex.targetText);
        expect(data.components.map((c) => c.name)).to.deep.equal(['encoder', 'decoder', 'cross']);
        const [encoder, decoder, cross] = data.components as [
          AttentionComponent,
          AttentionComponent,
          AttentionComponent,
        ];
        expect(encoder.queryTokens).to.deep.equal(ex.encoderTokens);
        expect(encoder.keyTokens).to.deep.equal(ex.encoderTokens);
        expect(decoder.queryTokens).to.deep.equal(ex.decoderTokens);
        expect(decoder.keyTokens).to.deep.equal(ex.decoderTokens);
        expect(cross.queryTokens).to.deep.equal(ex.decoderTokens);
        expect(cross.keyTokens).to.deep.equal(ex.encoderTokens);
        expect(cross.shape).to.deep.equal([2, 2, ex.decoderTokens.length, ex.encoderTokens.length]);
        for (const c of data.components) expect(c.vectorsScaled).to.equal(ref.vectorsScaled);
        expectMatches(encoder, ex.encoder, false);
        expectMatches(decoder, ex.decoder, true);
        expectMatches(cross, ex.cross, false);
      }
    });

    it('tiny-bart without a target: the decoder sees its start token alone', async () => {
      const ref = await json<Seq2SeqReference>('tiny-bart/reference.json');
      const data = await compute('tiny-bart', ref.examples[0]!.text);
      const [, decoder, cross] = data.components as [
        AttentionComponent,
        AttentionComponent,
        AttentionComponent,
      ];
      expect(decoder.queryTokens).to.deep.equal(['</s>']);
      expect(cross.shape).to.deep.equal([2, 2, 1, ref.examples[0]!.encoderTokens.length]);
      // The first row of the whole target's cross attention: nothing before it changes.
      const whole = ref.examples[0]!.cross.attention;
      for (let l = 0; l < 2; l++) {
        for (let h = 0; h < 2; h++) {
          const row = Array.from(
            cross.weights.subarray((l * 2 + h) * cross.shape[3], (l * 2 + h + 1) * cross.shape[3]),
          );
          row.forEach((w, k) => expect(Math.abs(w - whole[l]![h]![0]![k]!)).to.be.below(1e-5));
        }
      }
    });

    it('refuses a target text for a model that is not encoder-decoder', async () => {
      const error = (await compute('tiny-gpt2', 'the dog', 'le chien').catch(
        (e: unknown) => e,
      )) as AttentionComputeError;
      expect(error).to.be.instanceOf(AttentionComputeError);
      expect(error.kind).to.equal('unsupported');
      expect(error.message).to.match(
        /targetText is for encoder-decoder models, and ".*tiny-gpt2" \(gpt2\) is not one/,
      );
    });
  });
}

describe('an encoder-decoder model’s files', function () {
  this.timeout(30_000);

  it('are looked for as decoder_model_merged.onnx, then decoder_model.onnx', async () => {
    const merged = `${BASE}/tiny-bart/onnx/decoder_model_merged.onnx`;
    const cache = await caches.open('transformers-cache');
    const requested: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/onnx/')) requested.push(url.slice(url.indexOf('/onnx/') + 1));
      return url.endsWith(merged)
        ? Promise.resolve(new Response('', { status: 404 }))
        : realFetch(input, init);
    };
    try {
      await cache.delete(merged);
      const error = (await computeAttention({
        model: `${BASE}/tiny-bart`,
        text: 'The cat sat.',
        targetText: 'A dog.',
        transformers: hf,
        dtype: 'fp32',
        ort: ORT,
      }).catch((e: unknown) => e)) as AttentionComputeError;
      expect(error.kind, error.message).to.equal('not-found');
      expect(error.message).to.match(
        /tiny-bart" has no onnx\/decoder_model_merged\.onnx or onnx\/decoder_model\.onnx at /,
      );
      // (The encoder may come from the cache.)
      expect(requested.filter((f) => f.includes('decoder'))).to.deep.equal([
        'onnx/decoder_model_merged.onnx',
        'onnx/decoder_model.onnx',
      ]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('an element with an encoder-decoder model', function () {
  this.timeout(60_000);

  it('renders encoder, decoder and cross attention from model, text and target-text', async () => {
    useTransformers(hf, { dtype: 'fp32', ort: ORT });
    const ref = await json<Seq2SeqReference>('tiny-bart/reference.json');
    const el = document.createElement('attn-model-view') as AttnModelView;
    const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
    el.setAttribute('model', `${BASE}/tiny-bart`);
    el.setAttribute('text', ref.examples[0]!.text);
    el.setAttribute('target-text', ref.examples[0]!.targetText);
    document.body.append(el);
    await loaded;
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('[part="error"]')).to.equal(null);
    const filters = [...root.querySelectorAll<HTMLOptionElement>('[part="filter-select"] option')].map(
      (o) => o.value,
    );
    expect(filters).to.deep.equal(['encoder', 'decoder', 'cross']);
    expect(root.querySelectorAll('[part~="cell"]')).to.have.length(4);
    el.filter = 'cross';
    await el.updateComplete;
    expect(root.querySelector('[part="error"]')).to.equal(null);
    expect(root.querySelectorAll('[part~="cell"]')).to.have.length(4);
    el.remove();
  });
});
