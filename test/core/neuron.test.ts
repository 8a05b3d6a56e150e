import { expect } from '@open-wc/testing';
import { headMatrix, sentencePairBlock } from '../../src/core/filters.js';
import {
  checkSoftmax,
  dimensionContributions,
  dimensionOrder,
  hasVectors,
  neuronRow,
  valueMix,
} from '../../src/core/neuron.js';
import { parseAttention } from '../../src/core/parse/index.js';
import type { AttentionComponent } from '../../src/core/types.js';
import { expectDataError } from './expect-error.js';

type Matrix = number[][];

/** Asserts `actual` holds exactly `expected` (with ===, so that −0 equals 0). */
function expectExact(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, `${what}.length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `${what}[${i}]`).to.equal(expected[i]);
}

/** Asserts every value of `actual` within `delta` of `expected`. */
function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  delta: number,
  what: string,
): void {
  expect(actual.length, `${what}.length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(actual[i], `${what}[${i}]`).to.be.closeTo(expected[i]!, delta);
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

/** Reference softmax over the visible keys (0 for the others); the test's dots are small, so no shift. */
function referenceSoftmax(dots: readonly number[], visible: readonly boolean[]): number[] {
  const e = dots.map((d, k) => (visible[k] ? Math.exp(d) : 0));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** The attention `[heads, queries, keys]` that `queries` and `keys` produce: softmax(scale·q·k), masked if causal. */
function attentionFrom(queries: Matrix[], keys: Matrix[], scale: number, causal: boolean): Matrix[] {
  return queries.map((qs, h) =>
    qs.map((q, t) => {
      const dots = keys[h]!.map((k) => scale * q.reduce((s, x, i) => s + x * k[i]!, 0));
      return referenceSoftmax(
        dots,
        dots.map((_, k) => !causal || k <= t),
      );
    }),
  );
}

const TOKENS = ['the', 'cat', 'sat'];

/** Per-head vectors `[heads, tokens, dim]`, d = 4, so that 1/√d = 0.5 exactly. */
const QUERIES: Matrix[] = [
  [
    [1, 0, 2, -1],
    [0, 1, 1, 0],
    [2, 1, 0, 1],
  ],
  [
    [1, 1, 1, 1],
    [2, 0, 0, 0],
    [0, 0, 0, 3],
  ],
];
const KEYS: Matrix[] = [
  [
    [1, 1, 0, 0],
    [0, 2, 1, 1],
    [-1, 0, 1, 2],
  ],
  [
    [0, 0, 0, 0],
    [1, 0, 1, 0],
    [0, 2, 0, 2],
  ],
];
/** 3-4-5, 6-8-10 and 5-12-13 triangles, so that every norm is exact. */
const VALUES: Matrix[] = [
  [
    [3, 4, 0, 0],
    [0, 0, 6, 8],
    [0, 0, 0, 2],
  ],
  [
    [0, 5, 12, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 0],
  ],
];

const e = Math.E;

interface FixtureOptions {
  readonly causal?: boolean;
  readonly vectorsScaled?: boolean;
  /** Attention `[heads, queries, keys]` to report instead of the one the vectors produce. */
  readonly attention?: (own: Matrix[]) => Matrix[];
  readonly values?: boolean;
}

/** 1 layer × 2 heads over 3 tokens, d = 4, with attention computed from the vectors unless replaced. */
function component({
  causal = false,
  vectorsScaled,
  attention = (own) => own,
  values = true,
}: FixtureOptions = {}): AttentionComponent {
  const own = attentionFrom(QUERIES, KEYS, vectorsScaled ? 1 : 0.5, causal);
  return parseAttention({
    tokens: TOKENS,
    attention: [attention(own)],
    queries: [QUERIES],
    keys: [KEYS],
    ...(values ? { values: [VALUES] } : {}),
    ...(vectorsScaled !== undefined ? { vectorsScaled } : {}),
    causal,
  }).components[0]!;
}

/** Row `query` of the reported attention of one head. */
function reportedRow(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  query: number,
): Float32Array {
  const K = c.shape[3];
  return headMatrix(c, layerIndex, headIndex).subarray(query * K, (query + 1) * K);
}

describe('hasVectors', () => {
  it('hasVectors(component with queries and keys) is true, without them false', () => {
    expect(hasVectors(component())).to.equal(true);
    expect(hasVectors(component({ values: false }))).to.equal(true);
    const bare = parseAttention({ tokens: TOKENS, attention: [attentionFrom(QUERIES, KEYS, 0.5, false)] });
    expect(hasVectors(bare.components[0]!)).to.equal(false);
    const queriesOnly = parseAttention({
      tokens: TOKENS,
      attention: [attentionFrom(QUERIES, KEYS, 0.5, false)],
      queries: [QUERIES],
    });
    expect(hasVectors(queriesOnly.components[0]!)).to.equal(false);
  });
});

describe('neuronRow', () => {
  it('neuronRow(c, 0, 0, 0) multiplies q and k element-wise and scales q·k by 1/√4', () => {
    const row = neuronRow(component(), 0, 0, 0);
    expect({ query: row.query, keyCount: row.keyCount, dim: row.dim, scale: row.scale }).to.deep.equal({
      query: 0,
      keyCount: 3,
      dim: 4,
      scale: 0.5,
    });
    expectExact(row.q, [1, 0, 2, -1], 'q');
    expectExact(
      row.products,
      [
        // q0 = [1, 0, 2, -1] × k0 = [1, 1, 0, 0]
        1, 0, 0, 0,
        // × k1 = [0, 2, 1, 1]
        0, 0, 2, -1,
        // × k2 = [-1, 0, 1, 2]
        -1, 0, 2, -2,
      ],
      'products',
    );
    // q·k = 1, 1, −1, times 0.5.
    expectExact(row.dots, [0.5, 0.5, -0.5], 'dots');
    expectExact(row.hidden, [0, 0, 0], 'hidden');
  });

  it('neuronRow(c, 0, 0, q) computes the dots of every query', () => {
    const c = component();
    // q1 = [0, 1, 1, 0]: q·k = 1, 3, 1.
    expectExact(neuronRow(c, 0, 0, 1).products, [0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 0], 'products of q1');
    expectExact(neuronRow(c, 0, 0, 1).dots, [0.5, 1.5, 0.5], 'dots of q1');
    // q2 = [2, 1, 0, 1]: q·k = 3, 3, 0.
    expectExact(neuronRow(c, 0, 0, 2).products, [2, 1, 0, 0, 0, 2, 0, 1, -2, 0, 0, 2], 'products of q2');
    expectExact(neuronRow(c, 0, 0, 2).dots, [1.5, 1.5, 0], 'dots of q2');
  });

  it('neuronRow(c, 0, 1, q) reads the vectors of head 1', () => {
    const c = component();
    const row = neuronRow(c, 0, 1, 0);
    expectExact(row.q, [1, 1, 1, 1], 'q');
    expectExact(
      row.products,
      [
        // q0 = [1, 1, 1, 1] × k0 = [0, 0, 0, 0]
        0, 0, 0, 0,
        // × k1 = [1, 0, 1, 0]
        1, 0, 1, 0,
        // × k2 = [0, 2, 0, 2]
        0, 2, 0, 2,
      ],
      'products',
    );
    expectExact(row.dots, [0, 1, 2], 'dots');
    // q2 = [0, 0, 0, 3]: q·k = 0, 0, 6.
    expectExact(neuronRow(c, 0, 1, 2).dots, [0, 0, 3], 'dots of q2');
  });

  it('neuronRow(vectorsScaled) uses scale 1; vectorsScaled false or absent uses 1/√d', () => {
    const row = neuronRow(component({ vectorsScaled: true }), 0, 0, 0);
    expect(row.scale).to.equal(1);
    expectExact(row.dots, [1, 1, -1], 'dots');
    expectClose(
      row.softmax,
      [e / (2 * e + 1 / e), e / (2 * e + 1 / e), 1 / e / (2 * e + 1 / e)],
      1e-12,
      'softmax',
    );
    expect(neuronRow(component({ vectorsScaled: false }), 0, 0, 0).scale).to.equal(0.5);
    expect(neuronRow(component(), 0, 0, 0).scale).to.equal(0.5);
  });

  it('neuronRow(c, l, h, q).softmax is the softmax of the dots and sums to 1', () => {
    const c = component();
    const E = Math.exp(1.5);
    const expected: [number, number, number[]][] = [
      // Head 0, dots 0.5, 0.5, −0.5: times e^0.5 gives e, e, 1.
      [0, 0, [e / (2 * e + 1), e / (2 * e + 1), 1 / (2 * e + 1)]],
      // Dots 0.5, 1.5, 0.5: times e^−0.5 gives 1, e, 1.
      [0, 1, [1 / (e + 2), e / (e + 2), 1 / (e + 2)]],
      // Dots 1.5, 1.5, 0.
      [0, 2, [E / (2 * E + 1), E / (2 * E + 1), 1 / (2 * E + 1)]],
      // Head 1, dots 0, 1, 2.
      [1, 0, [1 / (1 + e + e * e), e / (1 + e + e * e), (e * e) / (1 + e + e * e)]],
      // Dots 0, 1, 0.
      [1, 1, [1 / (e + 2), e / (e + 2), 1 / (e + 2)]],
      // Dots 0, 0, 3.
      [1, 2, [1 / (2 + e ** 3), 1 / (2 + e ** 3), e ** 3 / (2 + e ** 3)]],
    ];
    for (const [h, q, softmax] of expected) {
      const row = neuronRow(c, 0, h, q);
      expectClose(row.softmax, softmax, 1e-12, `softmax of head ${h} query ${q}`);
      expect(sum(row.softmax), `sum of head ${h} query ${q}`).to.be.closeTo(1, 1e-15);
    }
  });

  it('neuronRow(large dots) subtracts the largest dot, so the softmax stays finite', () => {
    const c = parseAttention({
      tokens: ['a', 'b'],
      attention: [
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ],
      queries: [
        [
          [
            [400, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ],
      ],
      keys: [
        [
          [
            [2, 0, 0, 0],
            [1, 0, 0, 0],
          ],
        ],
      ],
      vectorsScaled: true,
      causal: false,
    }).components[0]!;
    const row = neuronRow(c, 0, 0, 0);
    // exp(800) overflows; exp(0) and exp(−400) do not.
    expectExact(row.dots, [800, 400], 'dots');
    expectExact(row.softmax, [1, Math.exp(-400)], 'softmax');
  });

  it('neuronRow(causal, large hidden dot) takes the largest dot over visible keys only', () => {
    const c = parseAttention({
      tokens: ['a', 'b'],
      attention: [
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ],
      queries: [
        [
          [
            [1, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ],
      ],
      keys: [
        [
          [
            [0, 0, 0, 0],
            [1000, 0, 0, 0],
          ],
        ],
      ],
      vectorsScaled: true,
      causal: true,
    }).components[0]!;
    const row = neuronRow(c, 0, 0, 0);
    expectExact(row.dots, [0, 1000], 'dots');
    expectExact(row.hidden, [0, 1], 'hidden');
    // Shifting by the hidden 1000 would underflow exp(0 − 1000) to 0 and leave no weight at all.
    expectExact(row.softmax, [1, 0], 'softmax');
  });

  it('neuronRow(causal) hides later keys and renormalises over the visible ones', () => {
    const c = component({ causal: true });
    expect(c.causal).to.equal(true);
    const q0 = neuronRow(c, 0, 0, 0);
    expectExact(q0.hidden, [0, 1, 1], 'hidden of q0');
    // Dots are computed for hidden keys too.
    expectExact(q0.dots, [0.5, 0.5, -0.5], 'dots of q0');
    expectExact(q0.softmax, [1, 0, 0], 'softmax of q0');
    const q1 = neuronRow(c, 0, 0, 1);
    expectExact(q1.hidden, [0, 0, 1], 'hidden of q1');
    // Dots 0.5, 1.5 over the visible keys: times e^−0.5 gives 1, e.
    expectClose(q1.softmax, [1 / (1 + e), e / (1 + e), 0], 1e-12, 'softmax of q1');
    expect(q1.softmax[2]).to.equal(0);
    expect(sum(q1.softmax)).to.be.closeTo(1, 1e-15);
    const q2 = neuronRow(c, 0, 0, 2);
    expectExact(q2.hidden, [0, 0, 0], 'hidden of q2');
    expectClose(q2.softmax, Array.from(neuronRow(component(), 0, 0, 2).softmax), 1e-15, 'softmax of q2');
  });

  it('neuronRow(non-causal) hides nothing', () => {
    const c = component();
    for (let q = 0; q < 3; q++) expectExact(neuronRow(c, 0, 0, q).hidden, [0, 0, 0], `hidden of q${q}`);
  });

  it('neuronRow(no vectors) throws naming queries, and keys when only they are missing', () => {
    const attention = [attentionFrom(QUERIES, KEYS, 0.5, false)];
    const expected =
      'per-head query and key vectors [layers, heads, tokens, dim] (e.g. bertviz neuron-view JSON with queries and keys)';
    const bare = parseAttention({ tokens: TOKENS, attention }).components[0]!;
    expectDataError(() => neuronRow(bare, 0, 0, 0), 'queries', expected, 'none');
    const queriesOnly = parseAttention({ tokens: TOKENS, attention, queries: [QUERIES] }).components[0]!;
    expectDataError(() => neuronRow(queriesOnly, 0, 0, 0), 'keys', expected, 'none');
    const keysOnly = parseAttention({ tokens: TOKENS, attention, keys: [KEYS] }).components[0]!;
    expectDataError(() => neuronRow(keysOnly, 0, 0, 0), 'queries', expected, 'none');
  });

  it('neuronRow(index out of range) throws naming the index', () => {
    const c = component();
    expectDataError(() => neuronRow(c, 0, 0, 3), 'query', 'an integer from 0 to 2', '3');
    expectDataError(() => neuronRow(c, 0, 0, -1), 'query', 'an integer from 0 to 2', '-1');
    expectDataError(() => neuronRow(c, 0, 0, 1.5), 'query', 'an integer from 0 to 2', '1.5');
    expectDataError(() => neuronRow(c, 1, 0, 0), 'layerIndex', 'an integer from 0 to 0', '1');
    expectDataError(() => neuronRow(c, 0, 2, 0), 'headIndex', 'an integer from 0 to 1', '2');
    expectDataError(() => neuronRow(c, 0, NaN, 0), 'headIndex', 'an integer from 0 to 1', 'NaN');
  });
});

describe('checkSoftmax', () => {
  it('checkSoftmax(row, attention from the same vectors) is ok for every head and query', () => {
    for (const causal of [false, true]) {
      const c = component({ causal });
      for (let h = 0; h < 2; h++) {
        for (let q = 0; q < 3; q++) {
          const check = checkSoftmax(neuronRow(c, 0, h, q), reportedRow(c, 0, h, q));
          const where = `causal ${causal}, head ${h}, query ${q}`;
          expect(check.ok, where).to.equal(true);
          // Only the float32 rounding of the reported weights differs.
          expect(check.maxDiff, where).to.be.below(1e-7);
        }
      }
    }
  });

  it('checkSoftmax(row, attention of another head) is not ok and names the worst key', () => {
    const c = component({ attention: ([h0, h1]) => [h1!, h0!] });
    const check = checkSoftmax(neuronRow(c, 0, 0, 0), reportedRow(c, 0, 0, 0));
    // Computed: e, e, 1 over 2e + 1 ≈ 0.42, 0.42, 0.16. Reported (head 1): 1, e, e² over
    // 1 + e + e² ≈ 0.09, 0.24, 0.67. The largest difference is at key 2.
    const computed = 1 / (2 * e + 1);
    const reported = (e * e) / (1 + e + e * e);
    expect(check.ok).to.equal(false);
    expect(check.key).to.equal(2);
    expect(check.computed).to.be.closeTo(computed, 1e-12);
    expect(check.reported).to.equal(Math.fround(reported));
    expect(check.maxDiff).to.equal(Math.abs(check.computed - check.reported));
    expect(check.maxDiff).to.be.closeTo(reported - computed, 1e-7);
  });

  it('checkSoftmax(row, a swapped row) is not ok and names the worst key', () => {
    const c = component({ attention: ([h0, h1]) => [[h0![0]!, h0![2]!, h0![1]!], h1!] });
    const check = checkSoftmax(neuronRow(c, 0, 0, 1), reportedRow(c, 0, 0, 1));
    // Computed: 1, e, 1 over e + 2 ≈ 0.21, 0.58, 0.21. Reported (row 2): E, E, 1 over 2E + 1
    // with E = e^1.5 ≈ 0.45, 0.45, 0.10. The largest difference is at key 0.
    const E = Math.exp(1.5);
    const computed = 1 / (e + 2);
    const reported = E / (2 * E + 1);
    expect(check.ok).to.equal(false);
    expect(check.key).to.equal(0);
    expect(check.computed).to.be.closeTo(computed, 1e-12);
    expect(check.reported).to.equal(Math.fround(reported));
    expect(check.maxDiff).to.equal(Math.abs(check.computed - check.reported));
    expect(check.maxDiff).to.be.closeTo(reported - computed, 1e-7);
    // The rows that were not swapped still check out.
    expect(checkSoftmax(neuronRow(c, 0, 0, 0), reportedRow(c, 0, 0, 0)).ok).to.equal(true);
  });

  it('checkSoftmax(row, equal row) has maxDiff 0 at key 0', () => {
    const row = neuronRow(component({ causal: true }), 0, 0, 0);
    expect(checkSoftmax(row, [1, 0, 0])).to.deep.equal({
      ok: true,
      maxDiff: 0,
      key: 0,
      computed: 1,
      reported: 1,
    });
  });

  it('checkSoftmax(row, reported, tolerance) is ok up to the tolerance, inclusive', () => {
    // Causal query 0: softmax exactly 1, 0, 0.
    const row = neuronRow(component({ causal: true }), 0, 0, 0);
    expect(checkSoftmax(row, [1, 0.005, 0])).to.deep.equal({
      ok: true,
      maxDiff: 0.005,
      key: 1,
      computed: 0,
      reported: 0.005,
    });
    expect(checkSoftmax(row, [1, 0, 0.0051])).to.deep.equal({
      ok: false,
      maxDiff: 0.0051,
      key: 2,
      computed: 0,
      reported: 0.0051,
    });
    expect(checkSoftmax(row, [1, 0, 0.0051], 0.01).ok).to.equal(true);
    expect(checkSoftmax(row, [1, 0.004, 0], 0.001).ok).to.equal(false);
  });
});

describe('valueMix', () => {
  it('valueMix(c, 0, 0, weights) mixes head 0 values and gives exact norms', () => {
    const mix = valueMix(component(), 0, 0, [0.5, 0.25, 0.25]);
    // 0.5·[3, 4, 0, 0] + 0.25·[0, 0, 6, 8] + 0.25·[0, 0, 0, 2]
    expectExact(mix.output, [1.5, 2, 1.5, 2.5], 'output');
    expectExact(mix.valueNorms, [5, 10, 2], 'valueNorms');
    expectExact(mix.weightedNorms, [2.5, 2.5, 0.5], 'weightedNorms');
  });

  it('valueMix(c, 0, 1, weights) reads the values of head 1', () => {
    const mix = valueMix(component(), 0, 1, [0.25, 0.5, 0.25]);
    // 0.25·[0, 5, 12, 0] + 0.5·[1, 0, 0, 0] + 0.25·[0, 0, 0, 0]
    expectExact(mix.output, [0.5, 1.25, 3, 0], 'output');
    expectExact(mix.valueNorms, [13, 1, 0], 'valueNorms');
    expectExact(mix.weightedNorms, [3.25, 0.5, 0], 'weightedNorms');
  });

  it('valueMix(c, l, h, negative weights) takes the weighted norm as |α|·‖v‖', () => {
    const mix = valueMix(component(), 0, 0, [-0.5, 0, 0]);
    expectExact(mix.output, [-1.5, -2, 0, 0], 'output');
    expectExact(mix.weightedNorms, [2.5, 0, 0], 'weightedNorms');
  });

  it('valueMix(c, l, h, reported row) uses the weights as given', () => {
    const c = component({ causal: true });
    const weights = reportedRow(c, 0, 0, 1);
    const mix = valueMix(c, 0, 0, weights);
    expectExact(mix.output, [3 * weights[0]!, 4 * weights[0]!, 6 * weights[1]!, 8 * weights[1]!], 'output');
    expectExact(mix.weightedNorms, [5 * weights[0]!, 10 * weights[1]!, 0], 'weightedNorms');
  });

  it('valueMix(no values) throws naming values', () => {
    expectDataError(
      () => valueMix(component({ values: false }), 0, 0, [1, 0, 0]),
      'values',
      'per-head value vectors [layers, heads, tokens, dim]',
      'none',
    );
  });

  it('valueMix(index out of range) throws naming the index', () => {
    const c = component();
    expectDataError(() => valueMix(c, 1, 0, [1, 0, 0]), 'layerIndex', 'an integer from 0 to 0', '1');
    expectDataError(() => valueMix(c, 0, 2, [1, 0, 0]), 'headIndex', 'an integer from 0 to 1', '2');
    expectDataError(() => valueMix(c, 0, -1, [1, 0, 0]), 'headIndex', 'an integer from 0 to 1', '-1');
  });
});

describe('dimensionContributions', () => {
  it('dimensionContributions(row) is the mean of |q_i·k_i| over the keys', () => {
    // Products of head 0 query 0: [1, 0, 0, 0], [0, 0, 2, −1], [−1, 0, 2, −2];
    // absolute sums 2, 0, 4, 3 over 3 keys.
    const out = dimensionContributions(neuronRow(component(), 0, 0, 0));
    expectClose(out, [2 / 3, 0, 4 / 3, 1], 1e-15, 'contributions');
    expect(out[1]).to.equal(0);
    expect(out[3]).to.equal(1);
  });

  it('dimensionContributions(causal row) leaves hidden keys out of sum and count', () => {
    // Head 0 query 1 sees keys 0 and 1: [0, 1, 0, 0] and [0, 2, 1, 0] over 2 keys. Hidden key 2,
    // [0, 0, 1, 0], would give [0, 1, 2/3, 0].
    const out = dimensionContributions(neuronRow(component({ causal: true }), 0, 0, 1));
    expectExact(out, [0, 1.5, 0.5, 0], 'contributions');
  });

  it('dimensionContributions(row with every key hidden) is all 0', () => {
    const block = sentencePairBlock(pairComponent(), 'ab');
    const row = neuronRow(block, 0, 0, 0);
    expectExact(row.hidden, [1, 1], 'hidden');
    expectExact(dimensionContributions(row), [0, 0, 0, 0], 'contributions');
  });
});

describe('dimensionOrder', () => {
  it('dimensionOrder(contributions) sorts dimensions by descending contribution', () => {
    expect(dimensionOrder(Float64Array.of(2 / 3, 0, 4 / 3, 1))).to.deep.equal([2, 3, 0, 1]);
  });

  it('dimensionOrder(ties) keeps index order', () => {
    expect(dimensionOrder(Float64Array.of(0, 1.5, 0.5, 0))).to.deep.equal([1, 2, 0, 3]);
    expect(dimensionOrder([1, 2, 2, 1, 0])).to.deep.equal([1, 2, 0, 3, 4]);
    expect(dimensionOrder([0, 0, 0])).to.deep.equal([0, 1, 2]);
  });

  it('dimensionOrder([]) is []', () => {
    expect(dimensionOrder([])).to.deep.equal([]);
  });
});

/**
 * A causal sentence pair `[CLS] a [SEP] | b [SEP]` (B starts at 3), 1 layer × 1 head, d = 4:
 * q_t = k_t = [t, 0, 0, 1], so q_t·k_s = t·s + 1, and the attention is their softmax.
 */
function pairComponent(): AttentionComponent {
  const vectors = [[0, 1, 2, 3, 4].map((t) => [t, 0, 0, 1])];
  return parseAttention({
    tokens: ['[CLS]', 'a', '[SEP]', 'b', '[SEP]'],
    sentenceBStart: 3,
    attention: [attentionFrom(vectors, vectors, 0.5, true)],
    queries: [vectors],
    keys: [vectors],
    causal: true,
  }).components[0]!;
}

describe('neuronRow(sentence-pair block)', () => {
  it('neuronRow(block B→A) hides keys by model position: sentence B sees all of A', () => {
    const block = sentencePairBlock(pairComponent(), 'ba');
    expect({ queryStart: block.queryStart, keyStart: block.keyStart }).to.deep.equal({
      queryStart: 3,
      keyStart: 0,
    });
    const q0 = neuronRow(block, 0, 0, 0);
    expectExact(q0.q, [3, 0, 0, 1], 'q of position 3');
    // 0.5·(3·s + 1) for s = 0, 1, 2.
    expectExact(q0.dots, [0.5, 2, 3.5], 'dots of position 3');
    expectExact(q0.hidden, [0, 0, 0], 'hidden of position 3');
    expectClose(q0.softmax, referenceSoftmax([0.5, 2, 3.5], [true, true, true]), 1e-12, 'softmax');
    expectExact(neuronRow(block, 0, 0, 1).dots, [0.5, 2.5, 4.5], 'dots of position 4');
  });

  it('neuronRow(block A→B) hides every key: sentence B is later than all of A', () => {
    const block = sentencePairBlock(pairComponent(), 'ab');
    for (let q = 0; q < 3; q++) {
      const row = neuronRow(block, 0, 0, q);
      expectExact(row.hidden, [1, 1], `hidden of position ${q}`);
      expectExact(row.softmax, [0, 0], `softmax of position ${q}`);
      // 0.5·(q·s + 1) for s = 3, 4.
      expectExact(row.dots, [0.5 * (3 * q + 1), 0.5 * (4 * q + 1)], `dots of position ${q}`);
    }
  });

  it('neuronRow(block B→B) hides the keys after the query position', () => {
    const block = sentencePairBlock(pairComponent(), 'bb');
    const q0 = neuronRow(block, 0, 0, 0);
    expectExact(q0.hidden, [0, 1], 'hidden of position 3');
    expectExact(q0.softmax, [1, 0], 'softmax of position 3');
    const q1 = neuronRow(block, 0, 0, 1);
    expectExact(q1.hidden, [0, 0], 'hidden of position 4');
    // 0.5·(4·3 + 1), 0.5·(4·4 + 1).
    expectExact(q1.dots, [6.5, 8.5], 'dots of position 4');
    expectClose(q1.softmax, [1 / (1 + e * e), (e * e) / (1 + e * e)], 1e-12, 'softmax of position 4');
  });

  it('neuronRow(block A→A) hides the keys after the query position', () => {
    const block = sentencePairBlock(pairComponent(), 'aa');
    expectExact(neuronRow(block, 0, 0, 1).hidden, [0, 0, 1], 'hidden of position 1');
    expectExact(neuronRow(block, 0, 0, 2).hidden, [0, 0, 0], 'hidden of position 2');
  });

  describe('row lengths', () => {
    it('checkSoftmax and valueMix name a reported row of the wrong length', () => {
      const c = component();
      const row = neuronRow(c, 0, 0, 1);
      expectDataError(() => checkSoftmax(row, [0.5, 0.5]), 'reported', '3 weights (one per key)', '2');
      expectDataError(() => valueMix(c, 0, 0, [1]), 'weights', '3 weights (one per key)', '1');
    });
  });
});
