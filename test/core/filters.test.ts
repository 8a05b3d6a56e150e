import { expect } from '@open-wc/testing';
import {
  applyFilter,
  availableFilters,
  headMatrix,
  layerIndexOf,
  PAIR_BLOCKS,
  rangeText,
  selectSubset,
  sentencePairBlock,
} from '../../src/core/filters.js';
import { parseAttention } from '../../src/core/parse/index.js';
import type { AttentionComponent, AttentionData } from '../../src/core/types.js';
import { expectDataError } from './expect-error.js';

type Nested4 = number[][][][];

function nested(
  [L, H, Q, K]: [number, number, number, number],
  f: (l: number, h: number, q: number, k: number) => number,
): Nested4 {
  return Array.from({ length: L }, (_, l) =>
    Array.from({ length: H }, (_, h) =>
      Array.from({ length: Q }, (_, q) => Array.from({ length: K }, (_, k) => f(l, h, q, k))),
    ),
  );
}

const PAIR_TOKENS = ['[CLS]', 'a', '[SEP]', 'b', '[SEP]'];

/**
 * A sentence pair (B starts at 3), 1 layer × 2 heads, whose values name their position:
 * weight = 100·head + 10·query + key; query vector = 100·head + 10·token + dim; key vector the
 * same + 0.5; value = −(100·head + 10·token) − 1.
 */
function pairData(): AttentionData {
  return parseAttention(
    {
      tokens: PAIR_TOKENS,
      attention: nested([1, 2, 5, 5], (_, h, q, k) => 100 * h + 10 * q + k),
      sentenceBStart: 3,
      queries: nested([1, 2, 5, 2], (_, h, t, d) => 100 * h + 10 * t + d),
      keys: nested([1, 2, 5, 2], (_, h, t, d) => 100 * h + 10 * t + d + 0.5),
      values: nested([1, 2, 5, 1], (_, h, t) => -(100 * h + 10 * t) - 1),
      vectorsScaled: false,
    },
    { allowUnnormalized: true },
  );
}

const ENC_DEC = () =>
  parseAttention({
    encoderTokens: ['a', 'b'],
    decoderTokens: ['x'],
    encoder: {
      attention: [
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ],
    },
    decoder: { attention: [[[[1]]]] },
    cross: { attention: [[[[0.5, 0.5]]]] },
  });

describe('availableFilters', () => {
  it('availableFilters(self-attention) is ["all"]', () => {
    expect(
      availableFilters(
        parseAttention({
          tokens: ['a', 'b'],
          attention: [
            [
              [
                [1, 0],
                [0, 1],
              ],
            ],
          ],
        }),
      ),
    ).to.deep.equal(['all']);
  });

  it('availableFilters(sentence pair) adds the four blocks', () => {
    expect(availableFilters(pairData())).to.deep.equal(['all', 'aa', 'bb', 'ab', 'ba']);
  });

  it('availableFilters(encoder-decoder) lists its components in order', () => {
    expect(availableFilters(ENC_DEC())).to.deep.equal(['encoder', 'decoder', 'cross']);
    const crossOnly = parseAttention({
      encoderTokens: ['a'],
      decoderTokens: ['x'],
      cross: { attention: [[[[1]]]] },
    });
    expect(availableFilters(crossOnly)).to.deep.equal(['cross']);
  });
});

describe('sentencePairBlock', () => {
  const h0h1 = (h0: number[]) => [...h0, ...h0.map((v) => v + 100)];

  it('sentencePairBlock(c, "aa") keeps sentence A on both sides', () => {
    const c = pairData().components[0]!;
    expect(sentencePairBlock(c, 'aa')).to.deep.equal({
      name: 'self',
      queryTokens: ['[CLS]', 'a', '[SEP]'],
      keyTokens: ['[CLS]', 'a', '[SEP]'],
      weights: Float32Array.from(h0h1([0, 1, 2, 10, 11, 12, 20, 21, 22])),
      shape: [1, 2, 3, 3],
      layers: [0],
      heads: [0, 1],
      causal: false,
      normalized: false,
      queryStart: 0,
      keyStart: 0,
      queries: { data: Float32Array.from(h0h1([0, 1, 10, 11, 20, 21])), shape: [1, 2, 3, 2] },
      keys: { data: Float32Array.from(h0h1([0.5, 1.5, 10.5, 11.5, 20.5, 21.5])), shape: [1, 2, 3, 2] },
      values: { data: Float32Array.of(-1, -11, -21, -101, -111, -121), shape: [1, 2, 3, 1] },
      vectorsScaled: false,
    });
  });

  it('sentencePairBlock(c, "bb") keeps sentence B on both sides', () => {
    const c = pairData().components[0]!;
    expect(sentencePairBlock(c, 'bb')).to.deep.equal({
      name: 'self',
      queryTokens: ['b', '[SEP]'],
      keyTokens: ['b', '[SEP]'],
      weights: Float32Array.from(h0h1([33, 34, 43, 44])),
      shape: [1, 2, 2, 2],
      layers: [0],
      heads: [0, 1],
      causal: false,
      normalized: false,
      queryStart: 3,
      keyStart: 3,
      queries: { data: Float32Array.from(h0h1([30, 31, 40, 41])), shape: [1, 2, 2, 2] },
      keys: { data: Float32Array.from(h0h1([30.5, 31.5, 40.5, 41.5])), shape: [1, 2, 2, 2] },
      values: { data: Float32Array.of(-31, -41, -131, -141), shape: [1, 2, 2, 1] },
      vectorsScaled: false,
    });
  });

  it('sentencePairBlock(c, "ab") keeps queries in A and keys in B', () => {
    const c = pairData().components[0]!;
    expect(sentencePairBlock(c, 'ab')).to.deep.equal({
      name: 'self',
      queryTokens: ['[CLS]', 'a', '[SEP]'],
      keyTokens: ['b', '[SEP]'],
      weights: Float32Array.from(h0h1([3, 4, 13, 14, 23, 24])),
      shape: [1, 2, 3, 2],
      layers: [0],
      heads: [0, 1],
      causal: false,
      normalized: false,
      queryStart: 0,
      keyStart: 3,
      queries: { data: Float32Array.from(h0h1([0, 1, 10, 11, 20, 21])), shape: [1, 2, 3, 2] },
      keys: { data: Float32Array.from(h0h1([30.5, 31.5, 40.5, 41.5])), shape: [1, 2, 2, 2] },
      values: { data: Float32Array.of(-31, -41, -131, -141), shape: [1, 2, 2, 1] },
      vectorsScaled: false,
    });
  });

  it('sentencePairBlock(c, "ba") keeps queries in B and keys in A', () => {
    const c = pairData().components[0]!;
    expect(sentencePairBlock(c, 'ba')).to.deep.equal({
      name: 'self',
      queryTokens: ['b', '[SEP]'],
      keyTokens: ['[CLS]', 'a', '[SEP]'],
      weights: Float32Array.from(h0h1([30, 31, 32, 40, 41, 42])),
      shape: [1, 2, 2, 3],
      layers: [0],
      heads: [0, 1],
      causal: false,
      normalized: false,
      queryStart: 3,
      keyStart: 0,
      queries: { data: Float32Array.from(h0h1([30, 31, 40, 41])), shape: [1, 2, 2, 2] },
      keys: { data: Float32Array.from(h0h1([0.5, 1.5, 10.5, 11.5, 20.5, 21.5])), shape: [1, 2, 3, 2] },
      values: { data: Float32Array.of(-1, -11, -21, -101, -111, -121), shape: [1, 2, 3, 1] },
      vectorsScaled: false,
    });
  });

  it('sentencePairBlock(c, block) adds the block offset to the component offsets', () => {
    const c: AttentionComponent = { ...pairData().components[0]!, queryStart: 10, keyStart: 20 };
    const ab = sentencePairBlock(c, 'ab');
    expect([ab.queryStart, ab.keyStart]).to.deep.equal([10, 23]);
  });

  it('sentencePairBlock(c, block) leaves the component unchanged', () => {
    const c = pairData().components[0]!;
    const before = Float32Array.from(c.weights);
    const ab = sentencePairBlock(c, 'ab');
    ab.weights[0] = -1;
    expect(c.weights).to.deep.equal(before);
    expect(c.queryTokens).to.deep.equal(PAIR_TOKENS);
  });

  it('sentencePairBlock(c without a pair) throws', () => {
    const c = parseAttention({ tokens: ['a'], attention: [[[[1]]]] }).components[0]!;
    expectDataError(
      () => sentencePairBlock(c, 'aa'),
      'sentenceBStart',
      'a sentence pair for a pair filter',
      'undefined',
    );
    const block = sentencePairBlock(pairData().components[0]!, 'aa');
    expect(block.sentenceBStart).to.equal(undefined);
    expectDataError(
      () => sentencePairBlock(block, 'bb'),
      'sentenceBStart',
      'a sentence pair for a pair filter',
      'undefined',
    );
  });
});

describe('applyFilter', () => {
  it('applyFilter(data, "all") returns the component itself', () => {
    const data = pairData();
    expect(applyFilter(data, 'all')).to.equal(data.components[0]);
  });

  it('applyFilter(data, pair block) cuts the block', () => {
    const data = pairData();
    for (const block of PAIR_BLOCKS) {
      expect(applyFilter(data, block)).to.deep.equal(sentencePairBlock(data.components[0]!, block));
    }
  });

  it('applyFilter(encoder-decoder, name) returns that component', () => {
    const data = ENC_DEC();
    expect(applyFilter(data, 'encoder')).to.equal(data.components[0]);
    expect(applyFilter(data, 'decoder')).to.equal(data.components[1]);
    expect(applyFilter(data, 'cross')).to.equal(data.components[2]);
  });

  it('applyFilter(data, unavailable filter) throws', () => {
    const single = parseAttention({ tokens: ['a'], attention: [[[[1]]]] });
    expectDataError(() => applyFilter(single, 'aa'), 'filter', 'one of "all"', '"aa"');
    expectDataError(
      () => applyFilter(ENC_DEC(), 'all'),
      'filter',
      'one of "encoder", "decoder", "cross"',
      '"all"',
    );
    expectDataError(
      () => applyFilter(pairData(), 'cross'),
      'filter',
      'one of "all", "aa", "bb", "ab", "ba"',
      '"cross"',
    );
  });
});

describe('selectSubset', () => {
  /** Layers numbered 4, 5, 6 × heads 0, 1, 2, one token: weight = 100·layerIndex + 10·head + 1. */
  const component = (): AttentionComponent =>
    parseAttention(
      {
        tokens: ['q'],
        attention: nested([3, 3, 1, 1], (l, h) => 100 * l + 10 * h + 1),
        layers: [4, 5, 6],
      },
      { allowUnnormalized: true },
    ).components[0]!;

  /**
   * Layers numbered 4, 5, 6 × heads 0, 1, 2, one query and two keys:
   * weight = 100·layerIndex + 10·head + key; query = 100·layerIndex + 10·head;
   * value = 100·layerIndex + 10·head + key + 0.5.
   */
  const wide = (): AttentionComponent =>
    parseAttention(
      {
        queryTokens: ['q'],
        keyTokens: ['k0', 'k1'],
        attention: nested([3, 3, 1, 2], (l, h, _, k) => 100 * l + 10 * h + k),
        layers: [4, 5, 6],
        queries: nested([3, 3, 1, 1], (l, h) => 100 * l + 10 * h),
        values: nested([3, 3, 2, 1], (l, h, t) => 100 * l + 10 * h + t + 0.5),
      },
      { allowUnnormalized: true },
    ).components[0]!;

  it('selectSubset(c, {layers, heads}) keeps those, in the order given, with their numbers', () => {
    const c = wide();
    expect(selectSubset(c, { layers: [6, 4], heads: [2, 0] })).to.deep.equal({
      ...c,
      weights: Float32Array.of(220, 221, 200, 201, 20, 21, 0, 1),
      shape: [2, 2, 1, 2],
      layers: [6, 4],
      heads: [2, 0],
      queries: { data: Float32Array.of(220, 200, 20, 0), shape: [2, 2, 1, 1] },
      values: {
        data: Float32Array.of(220.5, 221.5, 200.5, 201.5, 20.5, 21.5, 0.5, 1.5),
        shape: [2, 2, 2, 1],
      },
    });
  });

  it('selectSubset(c, {heads}) keeps the key/value head of each head kept', () => {
    const c = { ...wide(), kvHeads: [0, 0, 1] };
    expect(selectSubset(c, { heads: [2, 1] }).kvHeads).to.deep.equal([1, 0]);
  });

  it('selectSubset(c, {heads}) keeps every layer', () => {
    const s = selectSubset(wide(), { heads: [1] });
    expect(s.layers).to.deep.equal([4, 5, 6]);
    expect(s.heads).to.deep.equal([1]);
    expect(s.shape).to.deep.equal([3, 1, 1, 2]);
    expect(Array.from(s.weights)).to.deep.equal([10, 11, 110, 111, 210, 211]);
  });

  it('selectSubset(c, {layers}) keeps every head', () => {
    const s = selectSubset(component(), { layers: [5] });
    expect(s.layers).to.deep.equal([5]);
    expect(s.heads).to.deep.equal([0, 1, 2]);
    expect(Array.from(s.weights)).to.deep.equal([101, 111, 121]);
  });

  it('selectSubset(subset, {layers}) selects by original number again', () => {
    const s = selectSubset(selectSubset(wide(), { layers: [6, 4] }), { layers: [4], heads: [2] });
    expect(s.layers).to.deep.equal([4]);
    expect(Array.from(s.weights)).to.deep.equal([20, 21]);
  });

  it('selectSubset(c, {}) returns the component itself', () => {
    const c = wide();
    expect(selectSubset(c, {})).to.equal(c);
  });

  it('selectSubset(c, subset) leaves the component unchanged', () => {
    const c = wide();
    const before = Float32Array.from(c.weights);
    selectSubset(c, { layers: [5], heads: [1] }).weights.fill(-1);
    expect(c.weights).to.deep.equal(before);
  });

  it('selectSubset(c, unknown, repeated or no numbers) throws', () => {
    const c = wide();
    expectDataError(
      () => selectSubset(c, { layers: [3] }),
      'include-layers[0]',
      'one of the layers 4–6',
      '3',
    );
    expectDataError(
      () => selectSubset(c, { heads: [0, 3] }),
      'include-heads[1]',
      'one of the heads 0–2',
      '3',
    );
    expectDataError(
      () => selectSubset(c, { heads: [1, 1] }),
      'include-heads[1]',
      'a head not listed before',
      '1',
    );
    expectDataError(
      () => selectSubset(c, { layers: [] }),
      'include-layers',
      'at least one layer number',
      'an empty list',
    );
    expectDataError(
      () => selectSubset(c, { heads: [] }),
      'include-heads',
      'at least one head number',
      'an empty list',
    );
    const s = selectSubset(c, { layers: [6, 4] });
    expectDataError(
      () => selectSubset(s, { layers: [5] }),
      'include-layers[0]',
      'one of the layers [6, 4]',
      '5',
    );
  });
});

describe('headMatrix', () => {
  it('headMatrix(c, layerIndex, headIndex) is a zero-copy view of one [queries, keys] matrix', () => {
    const c = parseAttention(
      {
        queryTokens: ['q'],
        keyTokens: ['k0', 'k1'],
        attention: nested([3, 3, 1, 2], (l, h, _, k) => 100 * l + 10 * h + k),
      },
      { allowUnnormalized: true },
    ).components[0]!;
    const m = headMatrix(c, 2, 1);
    expect(Array.from(m)).to.deep.equal([210, 211]);
    expect(m.buffer).to.equal(c.weights.buffer);
    expect(m.byteOffset).to.equal((2 * 3 + 1) * 2 * 4);
    expect(Array.from(headMatrix(c, 0, 0))).to.deep.equal([0, 1]);
  });

  it('layerIndexOf(c, layer) finds a layer by its original number', () => {
    const c = parseAttention({ tokens: ['a'], attention: [[[[1]]], [[[1]]]], layers: [3, 9] }).components[0]!;
    expect(layerIndexOf(c, 9)).to.equal(1);
    expect(layerIndexOf(c, 3)).to.equal(0);
    expect(layerIndexOf(c, 1)).to.equal(-1);
  });
});

describe('rangeText', () => {
  it('rangeText(numbers) shortens runs of three or more', () => {
    expect(rangeText([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).to.equal('0–11');
    expect(rangeText([4, 5, 6])).to.equal('4–6');
  });

  it('rangeText(numbers) lists short or broken runs', () => {
    expect(rangeText([])).to.equal('(none)');
    expect(rangeText([3])).to.equal('[3]');
    expect(rangeText([0, 1])).to.equal('[0, 1]');
    expect(rangeText([0, 2, 3])).to.equal('[0, 2, 3]');
    expect(rangeText([2, 1, 0])).to.equal('[2, 1, 0]');
  });
});
