import { expect } from '@open-wc/testing';
import { meanOverHeads } from '../../src/core/aggregate.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { expectDataError } from './expect-error.js';
import { threeHeads } from './fixtures.js';

const component = threeHeads;

describe('meanOverHeads', () => {
  it('meanOverHeads(c) averages every head of each layer into [layers, queries, keys]', () => {
    const mean = meanOverHeads(component());
    expect(mean.shape).to.deep.equal([2, 1, 2]);
    expect(mean.data).to.be.instanceOf(Float32Array);
    expect(Array.from(mean.data)).to.deep.equal([0.5, 0.5, Math.fround(1 / 3), Math.fround(2 / 3)]);
  });

  it('meanOverHeads(c, heads) averages the heads with those original numbers', () => {
    expect(Array.from(meanOverHeads(component(), [4]).data)).to.deep.equal([0.5, 0.5, 0, 1]);
    expect(Array.from(meanOverHeads(component(), [4, 2]).data)).to.deep.equal([0.75, 0.25, 0.5, 0.5]);
    expect(Array.from(meanOverHeads(component(), [6, 2]).data)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
  });

  it('meanOverHeads(c) sums in double precision: the mean of equal weights is that weight', () => {
    // In float32, 0.9f + 0.9f + 0.9f rounds, and a third of it is not 0.9f; in float64 it is.
    const w = Math.fround(0.9);
    expect(Math.fround(Math.fround(Math.fround(w + w) + w) / 3)).not.to.equal(w);
    const c = parseAttention(
      { tokens: ['a'], attention: [[[[w]], [[w]], [[w]]]] },
      { allowUnnormalized: true },
    ).components[0]!;
    expect(Array.from(meanOverHeads(c).data)).to.deep.equal([w]);
  });

  it('meanOverHeads(c) leaves the component unchanged', () => {
    const c = component();
    const before = Float32Array.from(c.weights);
    meanOverHeads(c, [2, 6]);
    expect(c.weights).to.deep.equal(before);
  });

  it('meanOverHeads(c, unknown, repeated or no heads) throws', () => {
    const c = component();
    expectDataError(() => meanOverHeads(c, []), 'heads', 'at least one head', 'an empty list');
    expectDataError(() => meanOverHeads(c, [2, 3]), 'heads[1]', 'one of the heads [2, 4, 6]', '3');
    expectDataError(() => meanOverHeads(c, [6, 6]), 'heads[1]', 'a head not listed before', '6');
  });
});
