import { expect } from '@open-wc/testing';
import { attentionRollout } from '../../../src/core/derived/index.js';
import { sentencePairBlock } from '../../../src/core/filters.js';
import { expectDataError } from '../expect-error.js';
import { crossComponent, matrix, parse, randomAttention, twoLayers } from './support.js';

describe('attentionRollout', () => {
  it('matches the hand-worked example: Â₀ = [[1,0],[.25,.75]], Â₁ = [[1,0],[.5,.5]], R₁ = [[1,0],[.625,.375]]', () => {
    const r = attentionRollout(twoLayers());
    expect(r.shape).to.deep.equal([2, 1, 2, 2]);
    expect(matrix(r, 0)).to.deep.equal([
      [1, 0],
      [0.25, 0.75],
    ]);
    expect(matrix(r, 1)).to.deep.equal([
      [1, 0],
      [0.625, 0.375],
    ]);
    expect(r.layerLabels).to.deep.equal(['rollout to layer 0', 'rollout to layer 1']);
    expect(r.headLabels).to.deep.equal(['mean of head 0']);
    expect(r.normalized).to.equal(true);
  });

  it('matches an independent recursion over paths on random attention (3 layers, 2 heads, 4 tokens)', () => {
    const A = randomAttention(3, 2, 4, 7);
    const c = parse({ tokens: ['a', 'b', 'c', 'd'], attention: A });
    const r = attentionRollout(c, { residual: 0.3 });
    // Reference: the rollout as a sum over paths j → k₀ → … → i of the product of Â entries,
    // with Â built from the float32 weights as stored.
    const stored = (l: number, h: number, i: number, j: number) => Math.fround(A[l]![h]![i]![j]!);
    const hat = (l: number, i: number, j: number) => {
      const raw = (k: number) =>
        0.3 * (i === k ? 1 : 0) + 0.7 * ((stored(l, 0, i, k) + stored(l, 1, i, k)) / 2);
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += raw(k);
      return raw(j) / sum;
    };
    const paths = (l: number, i: number, j: number): number => {
      if (l === 0) return hat(0, i, j);
      let total = 0;
      for (let k = 0; k < 4; k++) total += hat(l, i, k) * paths(l - 1, k, j);
      return total;
    };
    for (let l = 0; l < 3; l++) {
      const got = matrix(r, l);
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) expect(got[i]![j]).to.be.closeTo(paths(l, i, j), 1e-7);
        expect(got[i]!.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-6);
      }
    }
  });

  it('residual 1 is the identity; residual 0 with one layer is the mean of the chosen heads', () => {
    const c = parse({ tokens: ['a', 'b'], heads: [3, 5], attention: randomAttention(1, 2, 2, 3) });
    expect(matrix(attentionRollout(c, { residual: 1 }))).to.deep.equal([
      [1, 0],
      [0, 1],
    ]);
    const one = attentionRollout(c, { residual: 0, heads: [5] });
    expect(matrix(one)).to.deep.equal(matrix(c, 0, 1));
    expect(one.headLabels).to.deep.equal(['mean of head 5']);
  });

  it('names each misuse', () => {
    expectDataError(
      () => attentionRollout(crossComponent()),
      'attentionRollout: c',
      'self-attention (encoder, decoder or self)',
      'cross attention',
    );
    const subset = parse({ tokens: ['a', 'b'], layers: [1, 2], attention: randomAttention(2, 1, 2, 5) });
    expectDataError(
      () => attentionRollout(subset),
      'attentionRollout: c.layers',
      'the layers from the first, in order, without gaps (0, 1, 2, …)',
      '[1, 2]',
    );
    expectDataError(
      () => attentionRollout(twoLayers(), { residual: 1.5 }),
      'attentionRollout: residual',
      'a number from 0 to 1',
      '1.5',
    );
    expectDataError(
      () => attentionRollout(twoLayers(), { heads: [1] }),
      'attentionRollout: heads[0]',
      'one of the heads [0]',
      '1',
    );
    const pair = sentencePairBlock(
      parse({ tokens: ['a', 'b', 'c'], sentenceBStart: 1, attention: randomAttention(1, 1, 3, 9) }),
      'ab',
    );
    expectDataError(
      () => attentionRollout(pair),
      'attentionRollout: c',
      'the whole self-attention (queries and keys the same tokens)',
      'a block of 1 queries from position 0 × 2 keys from position 1',
    );
  });
});
