import { expect } from '@open-wc/testing';
import { aggregateHeads, attentionFlow } from '../../../src/core/derived/index.js';
import { sentencePairBlock } from '../../../src/core/filters.js';
import type { FlowOptions } from '../../../src/core/derived/flow.js';
import { expectDataError } from '../expect-error.js';
import { crossComponent, f32, matrix, parse, randomAttention as random, twoLayers } from './support.js';

/** Sharp rows, so that some edges are narrow and cuts fall inside the graph. */
const randomAttention = (layers: number, heads: number, tokens: number, seed: number, causal = false) =>
  random(layers, heads, tokens, seed, { sharpness: 8, causal });

/**
 * The flow by brute force over cuts: for every target after layer l and source j, the least
 * capacity over all sets S of positions before layers 1 … l that holds the source and not the
 * target (edges from S to the rest count), each row then normalised. Â from the float32 weights
 * as stored, averaged over `heads` (indices) and mixed with the identity by `r`.
 */
function bruteFlow(A: number[][][][], heads: number[], r: number): number[][][] {
  const T = A[0]![0]!.length;
  const L = A.length;
  const hat = A.map((layer) => {
    const raw = (i: number, k: number) =>
      r * (i === k ? 1 : 0) +
      ((1 - r) * heads.reduce((sum, h) => sum + Math.fround(layer[h]![i]![k]!), 0)) / heads.length;
    return Array.from({ length: T }, (_, i) => {
      const row = Array.from({ length: T }, (_, k) => raw(i, k));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / sum);
    });
  });
  const minCut = (l: number, i: number, j: number) => {
    const inner = l * T; // positions before layers 1 … l, each in S or not
    let best = Infinity;
    for (let mask = 0; mask < 1 << inner; mask++) {
      const inS = (k: number, p: number) =>
        k === 0 ? p === j : k === l + 1 ? false : ((mask >> ((k - 1) * T + p)) & 1) === 1;
      let cut = 0;
      for (let k = 0; k <= l; k++) {
        for (let p = 0; p < T; p++) {
          if (!inS(k, p)) continue;
          if (k === l) cut += hat[k]![i]![p]!;
          else for (let q = 0; q < T; q++) if (!inS(k + 1, q)) cut += hat[k]![q]![p]!;
        }
      }
      best = Math.min(best, cut);
    }
    return best;
  };
  return Array.from({ length: L }, (_, l) =>
    Array.from({ length: T }, (_, i) => {
      const row = Array.from({ length: T }, (_, j) => minCut(l, i, j));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / sum);
    }),
  );
}

/** Â of each layer from float32 weights as stored: the mean over `heads`, mixed with the identity by `r`, rows renormalised. */
function hats(A: number[][][][], heads: number[], r: number): number[][][] {
  const T = A[0]![0]!.length;
  return A.map((layer) =>
    Array.from({ length: T }, (_, i) => {
      const row = Array.from(
        { length: T },
        (_, k) =>
          r * (i === k ? 1 : 0) +
          ((1 - r) * heads.reduce((sum, h) => sum + Math.fround(layer[h]![i]![k]!), 0)) / heads.length,
      );
      const sum = row.reduce((x, y) => x + y, 0);
      return row.map((v) => v / sum);
    }),
  );
}

/**
 * The flow by Edmonds–Karp (shortest augmenting paths by breadth-first search) on the layered
 * graph written out as a capacity matrix, one maximum flow per source, target and layer, from
 * nothing: another algorithm than the one under test, and no flow carried from one target to
 * the next. Each row normalised.
 */
function edmondsKarpFlow(hat: number[][][]): number[][][] {
  const L = hat.length;
  const T = hat[0]!.length;
  const maxFlow = (l: number, i: number, j: number) => {
    // Nodes: (k, p) = k·T + p for k = 0 … l, then the target.
    const n = (l + 1) * T + 1;
    const target = n - 1;
    const cap = Array.from({ length: n }, () => new Float64Array(n));
    for (let k = 0; k < l; k++)
      for (let p = 0; p < T; p++)
        for (let q = 0; q < T; q++) cap[k * T + p]![(k + 1) * T + q] = hat[k]![q]![p]!;
    for (let p = 0; p < T; p++) cap[l * T + p]![target] = hat[l]![i]![p]!;
    let total = 0;
    for (;;) {
      const from = new Int32Array(n).fill(-1);
      from[j] = j;
      const queue = [j];
      while (queue.length > 0 && from[target] === -1) {
        const u = queue.shift()!;
        for (let v = 0; v < n; v++) {
          if (from[v] === -1 && cap[u]![v]! > 1e-13) {
            from[v] = u;
            queue.push(v);
          }
        }
      }
      if (from[target] === -1) return total;
      let d = Infinity;
      for (let v = target; v !== j; v = from[v]!) d = Math.min(d, cap[from[v]!]![v]!);
      for (let v = target; v !== j; v = from[v]!) {
        const u = from[v]!;
        cap[u]![v] = cap[u]![v]! - d;
        cap[v]![u] = cap[v]![u]! + d;
      }
      total += d;
    }
  };
  return Array.from({ length: L }, (_, l) =>
    Array.from({ length: T }, (_, i) => {
      const row = Array.from({ length: T }, (_, j) => maxFlow(l, i, j));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / sum);
    }),
  );
}

/** Attention within `width` positions of the query (zeros on both sides of each row): a sliding window. */
function windowed(A: number[][][][], width: number): number[][][][] {
  return A.map((layer) =>
    layer.map((head) =>
      head.map((row, i) => {
        const kept = row.map((v, k) => (Math.abs(k - i) <= width ? v : 0));
        const sum = kept.reduce((a, b) => a + b, 0);
        return kept.map((v) => v / sum);
      }),
    ),
  );
}

function expectClose(got: number[][], want: number[][], tolerance: number): void {
  want.forEach((row, i) =>
    row.forEach((v, j) => expect(got[i]![j], `[${i}][${j}]`).to.be.closeTo(v, tolerance)),
  );
}

describe('attentionFlow', () => {
  it('matches the hand-worked example: layer 1 row b is (0.75, 0.5) normalised, (0.6, 0.4), where rollout says (0.625, 0.375)', () => {
    // Â₀ = [[1, 0], [.25, .75]], Â₁ = [[1, 0], [.5, .5]]. Into b after layer 1 the edges carry at
    // most .5 from a and .5 from b; from input a, a reaches a (1) and b (.25): min(1, .5) +
    // min(.25, .5) = .75; from input b, only b (.75): min(.75, .5) = .5.
    const f = attentionFlow(twoLayers());
    expect(f.shape).to.deep.equal([2, 1, 2, 2]);
    expect(matrix(f, 0)).to.deep.equal(
      f32([
        [1, 0],
        [0.25, 0.75],
      ]),
    );
    expect(matrix(f, 1)).to.deep.equal(
      f32([
        [1, 0],
        [0.6, 0.4],
      ]),
    );
    expect(f.layerLabels).to.deep.equal(['flow to layer 0', 'flow to layer 1']);
    expect(f.headLabels).to.deep.equal(['mean of head 0']);
    expect(f.normalized).to.equal(true);
    expect(f.queries).to.equal(undefined);
  });

  it('matches a minimum cut found by brute force (3 layers, 3 tokens, 2 heads, residual 0.3)', () => {
    const A = randomAttention(3, 2, 3, 11);
    const f = attentionFlow(parse({ tokens: ['a', 'b', 'c'], attention: A }), { residual: 0.3 });
    const want = bruteFlow(A, [0, 1], 0.3);
    for (let l = 0; l < 3; l++) expectClose(matrix(f, l), want[l]!, 1e-6);
  });

  it('matches the brute force on causal attention over one chosen head (3 layers, 4 tokens, residual 0.1)', () => {
    const A = randomAttention(3, 2, 4, 5, true);
    const c = parse({ tokens: ['a', 'b', 'c', 'd'], heads: [4, 7], attention: A });
    const f = attentionFlow(c, { residual: 0.1, heads: [7] });
    const want = bruteFlow(A, [1], 0.1);
    for (let l = 0; l < 3; l++) expectClose(matrix(f, l), want[l]!, 1e-6);
    expect(f.headLabels).to.deep.equal(['mean of head 7']);
    // Nothing flows backwards in time.
    expect(matrix(f, 2)[0]!.slice(1)).to.deep.equal([0, 0, 0]);
  });

  it('matches Edmonds–Karp from scratch on larger graphs: dense, causal, and a sliding window (5 layers, 12 tokens)', () => {
    const tokens = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const cases: [string, number[][][][]][] = [
      ['dense', randomAttention(5, 3, 12, 21)],
      ['causal', randomAttention(5, 3, 12, 22, true)],
      ['window', windowed(randomAttention(5, 3, 12, 23), 2)],
    ];
    for (const [name, A] of cases) {
      const f = attentionFlow(parse({ tokens, attention: A }), { residual: 0.2 });
      const want = edmondsKarpFlow(hats(A, [0, 1, 2], 0.2));
      for (let l = 0; l < 5; l++) {
        const got = matrix(f, l);
        want[l]!.forEach((row, i) =>
          row.forEach((v, j) => expect(got[i]![j], `${name} [${l}][${i}][${j}]`).to.be.closeTo(v, 1e-6)),
        );
      }
    }
  });

  it('names each misuse', () => {
    expectDataError(
      () => attentionFlow(crossComponent()),
      'attentionFlow: c',
      'self-attention (encoder, decoder or self)',
      'cross attention',
    );
    expectDataError(
      () => attentionFlow({} as never),
      'attentionFlow: c',
      'an attention component (one of parseAttention(...).components)',
      'an object',
    );
    const subset = parse({ tokens: ['a', 'b'], layers: [1, 2], attention: randomAttention(2, 1, 2, 5) });
    expectDataError(
      () => attentionFlow(subset),
      'attentionFlow: c.layers',
      'the layers from the first, in order, without gaps (0, 1, 2, …)',
      '[1, 2]',
    );
    expectDataError(
      () => attentionFlow(aggregateHeads(twoLayers(), 'max')),
      'attentionFlow: c',
      'attention probabilities (normalized: true)',
      'unnormalised weights',
    );
    expectDataError(
      () => attentionFlow(twoLayers(), null as unknown as FlowOptions),
      'attentionFlow: options',
      'an object ({residual, heads, maxTokens})',
      'null',
    );
    expectDataError(
      () => attentionFlow(twoLayers(), { residual: -0.5 }),
      'attentionFlow: residual',
      'a number from 0 to 1',
      '-0.5',
    );
    expectDataError(
      () => attentionFlow(twoLayers(), { heads: [2] }),
      'attentionFlow: heads[0]',
      'one of the heads [0]',
      '2',
    );
    expectDataError(
      () => attentionFlow(twoLayers(), { heads: [] }),
      'attentionFlow: heads',
      'at least one head',
      'an empty list',
    );
    for (const [bad, shown] of [
      [0, '0'],
      [2.5, '2.5'],
      ['64', '"64"'],
    ] as const) {
      expectDataError(
        () => attentionFlow(twoLayers(), { maxTokens: bad as number }),
        'attentionFlow: maxTokens',
        'a whole number of at least 1',
        shown,
      );
    }
    const three = parse({ tokens: ['a', 'b', 'c'], attention: randomAttention(1, 1, 3, 2) });
    expectDataError(
      () => attentionFlow(three, { maxTokens: 2 }),
      'attentionFlow: c',
      'at most 2 tokens (maxTokens: the cost grows with about tokens⁴ × layers²)',
      '3 tokens',
    );
    const long = parse({
      tokens: Array.from({ length: 65 }, (_, i) => `t${i}`),
      attention: randomAttention(1, 1, 65, 3),
    });
    expectDataError(
      () => attentionFlow(long),
      'attentionFlow: c',
      'at most 64 tokens (maxTokens: the cost grows with about tokens⁴ × layers²)',
      '65 tokens',
    );
    const pair = sentencePairBlock(
      parse({ tokens: ['a', 'b', 'c'], sentenceBStart: 1, attention: randomAttention(1, 1, 3, 9) }),
      'ab',
    );
    expectDataError(
      () => attentionFlow(pair),
      'attentionFlow: c',
      'the whole self-attention (queries and keys the same tokens)',
      'a block of 1 queries from position 0 × 2 keys from position 1',
    );
  });
});
