/** attnviz's own format: `{tokens, attention, …}` sets and bare tensors with their tokens. */
import { expect } from '@open-wc/testing';
import { parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { TOKENS, ATTN, FLAT, CAUSAL, withValue, vectors, attnComponent, only } from './fixtures.js';

describe('parseAttention: attnviz sets', () => {
  it('parseAttention({tokens, attention: nested arrays}) builds one self-attention component', () => {
    const data = parseAttention({ tokens: TOKENS, attention: ATTN });
    expect(data).to.deep.equal({ components: [attnComponent()], hints: {} });
    expect(only(data).weights).to.be.instanceOf(Float32Array);
  });

  it('parseAttention(bare tensor, {tokens}) reads self-attention', () => {
    expect(parseAttention(ATTN, { tokens: TOKENS })).to.deep.equal({
      components: [attnComponent()],
      hints: {},
    });
    const tensor = { dims: [2, 2, 3, 3], data: Float32Array.from(FLAT) };
    expect(only(parseAttention(tensor, { tokens: TOKENS }))).to.deep.equal(attnComponent());
  });

  it('parseAttention(bare tensor, {tokens, keyTokens}) reads cross attention', () => {
    const square = [
      [
        [
          [1, 0],
          [0.5, 0.5],
        ],
      ],
    ];
    const c = only(parseAttention(square, { tokens: ['x', 'y'], keyTokens: ['a', 'b'] }));
    expect(c).to.deep.equal({
      name: 'cross',
      queryTokens: ['x', 'y'],
      keyTokens: ['a', 'b'],
      weights: Float32Array.of(1, 0, 0.5, 0.5),
      shape: [1, 1, 2, 2],
      layers: [0],
      heads: [0],
      causal: false, // never inferred between different token lists
      normalized: true,
      queryStart: 0,
      keyStart: 0,
    });
  });

  it('parseAttention({queryTokens, keyTokens, attention}) reads cross attention with both token lists', () => {
    const attention = [
      [
        [
          [0.5, 0.25, 0.25],
          [0, 0.5, 0.5],
        ],
      ],
    ];
    const c = only(parseAttention({ queryTokens: ['x', 'y'], keyTokens: TOKENS, attention }));
    expect(c).to.deep.equal({
      name: 'cross',
      queryTokens: ['x', 'y'],
      keyTokens: TOKENS,
      weights: Float32Array.of(0.5, 0.25, 0.25, 0, 0.5, 0.5),
      shape: [1, 1, 2, 3],
      layers: [0],
      heads: [0],
      causal: false,
      normalized: true,
      queryStart: 0,
      keyStart: 0,
    });
  });

  it('parseAttention({queryTokens, keyTokens, attention: lower-triangular}) does not infer causal', () => {
    const c = only(parseAttention({ queryTokens: ['x', 'y', 'z'], keyTokens: TOKENS, attention: CAUSAL }));
    expect(c.name).to.equal('cross');
    expect(c.causal).to.equal(false);
  });

  it('parseAttention({tokens, attention, layers, heads}) keeps the model numbering', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, layers: [3, 7], heads: [0, 5] }));
    expect(c).to.deep.equal(attnComponent({ layers: [3, 7], heads: [0, 5] }));
  });

  it('parseAttention(causal weights) infers causal', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: CAUSAL }));
    expect(c.causal).to.equal(true);
    expect(c.shape).to.deep.equal([1, 1, 3, 3]);
  });

  it('parseAttention(one token) does not infer causal', () => {
    expect(only(parseAttention({ tokens: ['a'], attention: [[[[1]]]] })).causal).to.equal(false);
  });

  it('parseAttention({causal: true | false}) overrides the inference', () => {
    expect(only(parseAttention({ tokens: TOKENS, attention: CAUSAL, causal: false })).causal).to.equal(false);
    expect(only(parseAttention({ tokens: TOKENS, attention: CAUSAL, causal: true })).causal).to.equal(true);
  });

  it('parseAttention({sentenceBStart}) records where sentence B starts', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: 2 }));
    expect(c).to.deep.equal(attnComponent({ sentenceBStart: 2 }));
    expect(
      only(parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: 1 })).sentenceBStart,
    ).to.equal(1);
  });

  it('parseAttention({queries, keys, values, vectorsScaled}) keeps the per-head vectors', () => {
    const q = vectors([2, 2, 3, 2], (l, h, t, d) => 1000 * l + 100 * h + 10 * t + d);
    const k = vectors([2, 2, 3, 2], (l, h, t, d) => -(1000 * l + 100 * h + 10 * t + d));
    const v = vectors([2, 2, 3, 1], (l, h, t) => 0.5 * (l + h + t));
    const c = only(
      parseAttention({
        tokens: TOKENS,
        attention: ATTN,
        queries: q,
        keys: k,
        values: v,
        vectorsScaled: true,
      }),
    );
    expect(c).to.deep.equal(
      attnComponent({
        queries: { data: Float32Array.from(q.flat(3)), shape: [2, 2, 3, 2] },
        keys: { data: Float32Array.from(k.flat(3)), shape: [2, 2, 3, 2] },
        values: {
          data: Float32Array.of(0, 0.5, 1, 0.5, 1, 1.5, 0.5, 1, 1.5, 1, 1.5, 2),
          shape: [2, 2, 3, 1],
        },
        vectorsScaled: true,
      }),
    );
    // Flat index 13 is [1][0][0][1].
    expect(c.queries!.data[13]).to.equal(1001);
  });
});

describe('parseAttention: attnviz set errors', () => {
  it('parseAttention(bare tensor) without tokens throws', () => {
    expectDataError(
      () => parseAttention(ATTN),
      'tokens',
      'a token list (pass {tokens} in the options, or give {tokens, attention})',
      'undefined',
    );
  });

  it('parseAttention(a row summing to 1 with a negative weight) names the negative weight', () => {
    const row = [-0.5, 1.5, 0];
    const attention = ATTN.map((layer, l) =>
      layer.map((head, h) => head.map((r, q) => (l === 1 && h === 0 && q === 2 ? row : r))),
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention }),
      'attention[1][0][2][0]',
      'a weight ≥ 0',
      '-0.5',
    );
  });

  it('parseAttention(a weight too large for float32) names it as not finite', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: withValue(ATTN, [0, 1, 0, 1], 1e39) }),
      'attention[0][1][0][1]',
      'a finite number',
      'Infinity',
    );
  });

  it('parseAttention(rows not summing to 1) throws, unless allowUnnormalized', () => {
    const input = { tokens: TOKENS, attention: withValue(ATTN, [1, 0, 1, 2], 0.75) };
    expectDataError(
      () => parseAttention(input),
      'attention[1][0][1]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
    const c = only(parseAttention(input, { allowUnnormalized: true }));
    expect(c.normalized).to.equal(false);
    expect(c.weights[23]).to.equal(0.75);
  });

  it('parseAttention(rows off by less than the tolerance) accepts them, with a custom tolerance too', () => {
    const within = withValue(ATTN, [0, 0, 0, 0], 1 + 2 ** -10);
    expect(only(parseAttention({ tokens: TOKENS, attention: within })).normalized).to.equal(true);
    const off = { tokens: TOKENS, attention: withValue(ATTN, [1, 0, 1, 2], 0.75) };
    expect(only(parseAttention(off, { tolerance: 0.25 })).normalized).to.equal(true);
    expectDataError(
      () => parseAttention(off, { tolerance: 0.2 }),
      'attention[1][0][1]',
      'a row of weights summing to 1 (±0.2); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
    expectDataError(() => parseAttention(off, { tolerance: -1 }), 'tolerance', 'a finite number ≥ 0', '-1');
    expectDataError(() => parseAttention(off, { tolerance: NaN }), 'tolerance', 'a finite number ≥ 0', 'NaN');
  });

  it('parseAttention(token count ≠ tensor size) names the token list', () => {
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b'], attention: ATTN }),
      'tokens',
      '3 tokens (the attention has 3 queries)',
      '2 tokens',
    );
    const wide = [[[[0.5, 0.25, 0.25]]]];
    expectDataError(
      () => parseAttention({ tokens: ['a'], attention: wide }),
      'tokens',
      '3 tokens (the attention has 3 keys)',
      '1 token',
    );
    expectDataError(
      () => parseAttention({ queryTokens: ['x', 'y'], keyTokens: TOKENS, attention: ATTN }),
      'queryTokens',
      '3 tokens (the attention has 3 queries)',
      '2 tokens',
    );
    expectDataError(
      () => parseAttention({ queryTokens: TOKENS, keyTokens: ['a'], attention: ATTN }),
      'keyTokens',
      '3 tokens (the attention has 3 keys)',
      '1 token',
    );
    expectDataError(
      () => parseAttention(ATTN, { tokens: TOKENS, keyTokens: ['a', 'b'] }),
      'keyTokens',
      '3 tokens (the attention has 3 keys)',
      '2 tokens',
    );
  });

  it('parseAttention(missing, empty or non-string tokens) throws', () => {
    expectDataError(
      () => parseAttention({ attention: ATTN }),
      'tokens',
      'a list of token strings',
      'undefined',
    );
    expectDataError(
      () => parseAttention({ tokens: 'a b c', attention: ATTN }),
      'tokens',
      'a list of token strings',
      '"a b c"',
    );
    expectDataError(
      () => parseAttention({ tokens: [], attention: ATTN }),
      'tokens',
      'at least 1 token',
      '0 tokens',
    );
    expectDataError(
      () => parseAttention({ tokens: ['a', 5, 'c'], attention: ATTN }),
      'tokens[1]',
      'a string',
      '5',
    );
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b', null], attention: ATTN }),
      'tokens[2]',
      'a string',
      'null',
    );
  });

  it('parseAttention({layers | heads} that do not fit) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: [3] }),
      'layers',
      '2 layer numbers (one per layer in the tensor)',
      '1',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: 3 }),
      'layers',
      'a list of 2 layer numbers',
      '3',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: [0, -1] }),
      'layers[1]',
      'a layer number ≥ 0',
      '-1',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, heads: [0, 0.5] }),
      'heads[1]',
      'a head number ≥ 0',
      '0.5',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, heads: [4, 4] }),
      'heads[1]',
      'a head number not listed before',
      '4',
    );
  });

  it('parseAttention({causal: true}) with a weight to a later key throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, causal: true }),
      'attention[0][1][0][1]',
      'weight 0 to a later key, since causal is true',
      '0.25',
    );
    const wide = [[[[0.5, 0.25, 0.25]]]];
    expectDataError(
      () => parseAttention({ queryTokens: ['x'], keyTokens: TOKENS, attention: wide, causal: true }),
      'causal',
      'false for attention between different token lists',
      'true',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, causal: 'yes' }),
      'causal',
      'true or false',
      '"yes"',
    );
  });

  it('parseAttention({sentenceBStart} outside the tokens) throws', () => {
    const expected = 'an integer from 1 to 2 (both sentences need a token)';
    for (const [s, got] of [
      [0, '0'],
      [3, '3'],
      [1.5, '1.5'],
      ['1', '"1"'],
    ] as const) {
      expectDataError(
        () => parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: s }),
        'sentenceBStart',
        expected,
        got,
      );
    }
    expectDataError(
      () => parseAttention({ tokens: ['a'], attention: [[[[1]]]], sentenceBStart: 1 }),
      'sentenceBStart',
      'an integer from 1 to 0 (both sentences need a token)',
      '1',
    );
  });

  it('parseAttention({vectorsScaled: not a boolean}) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, vectorsScaled: 1 }),
      'vectorsScaled',
      'true or false',
      '1',
    );
  });

  it('parseAttention({kvHeads}) keeps the key/value head of each head, and checks it', () => {
    // ATTN has 2 heads: both reading key/value head 0 is multi-query attention.
    expect(only(parseAttention({ tokens: TOKENS, attention: ATTN, kvHeads: [0, 0] })).kvHeads).to.deep.equal([
      0, 0,
    ]);
    expect(only(parseAttention({ tokens: TOKENS, attention: ATTN })).kvHeads).to.equal(undefined);
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, kvHeads: [0, 0, 1] }),
      'kvHeads',
      'a list of 2 key/value head numbers (one per head)',
      '3',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, kvHeads: [0, -1] }),
      'kvHeads[1]',
      'a key/value head number ≥ 0',
      '-1',
    );
  });
});
