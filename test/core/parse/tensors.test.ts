/** Tensor inputs: tensor objects, half precision, per-layer lists, ranks and values. */
import { expect } from '@open-wc/testing';
import { parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { TOKENS, ATTN, FLAT, HALF, clone, withValue, vectors, attnComponent, only } from './fixtures.js';

describe('parseAttention: tensors', () => {
  it('parseAttention({tokens, attention: {dims, data: Float32Array}}) reads a transformers.js tensor', () => {
    const source = Float32Array.from(FLAT);
    const c = only(
      parseAttention({ tokens: TOKENS, attention: { dims: [2, 2, 3, 3], type: 'float32', data: source } }),
    );
    expect(c).to.deep.equal(attnComponent());
    source[0] = 0;
    expect(c.weights[0], 'the weights are a copy').to.equal(1);
  });

  it('parseAttention({tokens, attention: {shape, data: Float64Array | number[]}}) reads other tensor objects', () => {
    const f64 = only(
      parseAttention({ tokens: TOKENS, attention: { shape: [2, 2, 3, 3], data: Float64Array.from(FLAT) } }),
    );
    expect(f64).to.deep.equal(attnComponent());
    const plain = only(
      parseAttention({ tokens: TOKENS, attention: { shape: [2, 2, 3, 3], data: [...FLAT] } }),
    );
    expect(plain).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: {type: "float16", data: Uint16Array}}) decodes half precision', () => {
    const bits = Uint16Array.from(FLAT, (v) => HALF[v]!);
    const c = only(
      parseAttention({ tokens: TOKENS, attention: { dims: [2, 2, 3, 3], type: 'float16', data: bits } }),
    );
    expect(c).to.deep.equal(attnComponent());
  });

  it('parseAttention(float16 input) allows row sums off by up to 1e-2', () => {
    // 0.5 + 0.5078125 = 1.0078125: beyond float32's 1e-3, within float16's 1e-2.
    const bits = Uint16Array.of(0x3800, 0x3810, 0x3c00, 0);
    const c = only(
      parseAttention({ tokens: ['a', 'b'], attention: { dims: [1, 1, 2, 2], type: 'float16', data: bits } }),
    );
    expect(Array.from(c.weights)).to.deep.equal([0.5, 0.5078125, 1, 0]);
    const floats = Float32Array.of(0.5, 0.5078125, 1, 0);
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b'], attention: { dims: [1, 1, 2, 2], data: floats } }),
      'attention[0][0][0]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 1.00781',
    );
  });

  it('parseAttention({attention: {data: Float16Array}}) reads native half precision with its tolerance', function () {
    const Float16 = (globalThis as { Float16Array?: new (values: number[]) => ArrayLike<number> })
      .Float16Array;
    if (!Float16) this.skip();
    const c = only(
      parseAttention({
        tokens: ['a', 'b'],
        attention: { dims: [1, 1, 2, 2], data: new Float16!([0.5, 0.5078125, 1, 0]) },
      }),
    );
    expect(Array.from(c.weights)).to.deep.equal([0.5, 0.5078125, 1, 0]);
  });

  it('parseAttention({attention: {data: Uint16Array}}) without type float16 reads integers, which fail the row sums', () => {
    expectDataError(
      () =>
        parseAttention({ tokens: ['a'], attention: { dims: [1, 1, 1, 1], data: Uint16Array.of(0x3c00) } }),
      'attention[0][0][0]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 15360',
    );
  });

  it('parseAttention({attention: [per-layer tensors [1, H, Q, K]]}) stacks the layers (HF output_attentions)', () => {
    const perLayer = ATTN.map((layer) => ({
      dims: [1, 2, 3, 3],
      type: 'float32',
      data: Float32Array.from(layer.flat(2)),
    }));
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: [per-layer nested arrays [1][H][Q][K]]}) stacks the layers', () => {
    const perLayer = ATTN.map((layer) => [layer]);
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: [per-layer tensors [H, Q, K]]}) stacks layers without a batch axis', () => {
    const perLayer = ATTN.map((layer) => ({ dims: [2, 3, 3], data: layer.flat(2) }));
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });
});

describe('parseAttention: tensor errors', () => {
  it('parseAttention(bare typed array) asks for a shape', () => {
    expectDataError(
      () => parseAttention(Float32Array.from(FLAT), { tokens: TOKENS }),
      'attention',
      'a tensor with a shape ({dims, data} or nested arrays)',
      'a Float32Array of length 36 without a shape',
    );
  });

  it('parseAttention(empty or missing attention) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [] }),
      'attention',
      'a non-empty tensor',
      'an empty array',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [[[]]] }),
      'attention',
      'a non-empty tensor',
      'shape [1, 1, 0]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: { dims: [1, 0, 3, 3], data: [] } }),
      'attention',
      'at least 1 of heads',
      'shape [1, 0, 3, 3]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: null }),
      'attention',
      'a tensor (nested arrays or {dims, data})',
      'null',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: undefined }),
      'attention',
      'an attention tensor',
      'undefined',
    );
  });

  it('parseAttention(tensor of the wrong rank) throws', () => {
    const expected =
      '4 dimensions [layers, heads, queries, keys] (or a per-layer list of [1, heads, queries, keys])';
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN[0] }),
      'attention',
      expected,
      '3 dimensions [2, 3, 3]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: { dims: [9], data: FLAT.slice(0, 9) } }),
      'attention',
      expected,
      '1 dimension [9]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [[ATTN]] }),
      'attention',
      expected,
      '6 dimensions [1, 1, 2, 2, 3, 3]',
    );
  });

  it('parseAttention(per-layer list with batch > 1) throws', () => {
    const expected = 'batch size 1 in each per-layer tensor [batch, heads, queries, keys]';
    const nested = ATTN.map((layer) => [layer, layer]);
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: nested }),
      'attention[0]',
      expected,
      'batch size 2',
    );
    const tensors = ATTN.map((layer) => ({ dims: [2, 1, 3, 3], data: layer.flat(2) }));
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: tensors }),
      'attention[0]',
      expected,
      'batch size 2',
    );
  });

  it('parseAttention(ragged arrays) names the ragged level', () => {
    const fewerHeads = clone(ATTN);
    fewerHeads[1]!.pop();
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: fewerHeads }),
      'attention[1]',
      '2 entries (ragged array)',
      '1',
    );
    const fewerRows = clone(ATTN);
    fewerRows[0]![1]!.pop();
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: fewerRows }),
      'attention[0][1]',
      '3 entries (ragged array)',
      '2',
    );
    const shortRow = clone(ATTN);
    shortRow[1]![0]![2] = [1, 0];
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: shortRow }),
      'attention[1][0][2]',
      '3 values (ragged array)',
      '2',
    );
    const numberRow = withValue(ATTN, [0, 0, 0, 0], 0) as unknown[][][];
    numberRow[0]![0]![1] = 0.5;
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: numberRow }),
      'attention[0][0][1]',
      'an array of 3 numbers',
      '0.5',
    );
  });

  it('parseAttention(NaN | Infinity | negative weights) names the value', () => {
    const at = (value: unknown) => ({ tokens: TOKENS, attention: withValue(ATTN, [1, 0, 2, 1], value) });
    expectDataError(() => parseAttention(at(NaN)), 'attention[1][0][2][1]', 'a finite number', 'NaN');
    expectDataError(
      () => parseAttention(at(Infinity)),
      'attention[1][0][2][1]',
      'a finite number',
      'Infinity',
    );
    expectDataError(() => parseAttention(at(-0.5)), 'attention[1][0][2][1]', 'a weight ≥ 0', '-0.5');
    expectDataError(() => parseAttention(at('0')), 'attention[1][0][2][1]', 'a finite number', '"0"');
    const typed = (value: number) => {
      const data = Float64Array.from(FLAT);
      data[22] = value; // [1][0][1][1]
      return { tokens: TOKENS, attention: { dims: [2, 2, 3, 3], data } };
    };
    expectDataError(() => parseAttention(typed(NaN)), 'attention[1][0][1][1]', 'a finite number', 'NaN');
    expectDataError(
      () => parseAttention(typed(-Infinity)),
      'attention[1][0][1][1]',
      'a finite number',
      '-Infinity',
    );
    expectDataError(() => parseAttention(typed(-0.5)), 'attention[1][0][1][1]', 'a weight ≥ 0', '-0.5');
  });

  it('parseAttention({queries | keys | values} of the wrong shape) throws', () => {
    const q = (shape: [number, number, number, number]) => vectors(shape, () => 1);
    const set = (extra: object) => ({ tokens: TOKENS, attention: ATTN, ...extra });
    expectDataError(
      () => parseAttention(set({ queries: q([2, 1, 3, 2]) })),
      'queries',
      '[2, 2, 3, dim] to match the attention (heads = 2)',
      '[2, 1, 3, 2]',
    );
    expectDataError(
      () => parseAttention(set({ queries: q([1, 2, 3, 2]) })),
      'queries',
      '[2, 2, 3, dim] to match the attention (layers = 2)',
      '[1, 2, 3, 2]',
    );
    expectDataError(
      () => parseAttention(set({ keys: q([2, 2, 2, 2]) })),
      'keys',
      '[2, 2, 3, dim] to match the attention (keys = 3)',
      '[2, 2, 2, 2]',
    );
    expectDataError(
      () => parseAttention(set({ values: q([2, 2, 4, 2]) })),
      'values',
      '[2, 2, 3, dim] to match the attention (keys = 3)',
      '[2, 2, 4, 2]',
    );
    expectDataError(
      () => parseAttention(set({ queries: ATTN[0] })),
      'queries',
      '4 dimensions [layers, heads, tokens, dim]',
      '3 [2, 3, 3]',
    );
    expectDataError(
      () => parseAttention(set({ queries: { dims: [2, 2, 3, 0], data: [] } })),
      'queries',
      'vectors of dimension ≥ 1',
      'dimension 0',
    );
    expectDataError(
      () => parseAttention(set({ queries: q([2, 2, 3, 2]), keys: q([2, 2, 3, 3]) })),
      'keys',
      'vectors of dimension 2 like the queries',
      'dimension 3',
    );
  });

  it('parseAttention(per-layer vector lists) squeezes the batch axis, and rejects batch > 1', () => {
    const layer = { dims: [1, 2, 3, 1], data: [1, 2, 3, 4, 5, 6] };
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, values: [layer, layer] }));
    expect(c.values).to.deep.equal({
      data: Float32Array.of(1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6),
      shape: [2, 2, 3, 1],
    });
    const batch2 = { dims: [2, 2, 3, 1], data: new Array(12).fill(0) };
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, values: [batch2, batch2] }),
      'values[0]',
      'batch size 1 in each per-layer tensor',
      'batch size 2',
    );
  });

  it('parseAttention(non-finite vectors) names the value', () => {
    const nested = vectors([2, 2, 3, 2], (l, h, t, d) =>
      l === 1 && h === 0 && t === 2 && d === 1 ? Infinity : 0,
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, keys: nested }),
      'keys[1][0][2][1]',
      'a finite number',
      'Infinity',
    );
    const data = new Float32Array(24);
    data[3] = NaN; // [0][0][1][1]
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, queries: { dims: [2, 2, 3, 2], data } }),
      'queries[0][0][1][1]',
      'a finite number',
      'NaN',
    );
  });
});
