import { expect } from '@open-wc/testing';
import { headOrder, highlightSet } from '../../src/render/grid-order.js';

describe('headOrder', () => {
  // Two layers × three heads.
  const values = Float64Array.from([0.5, 0.1, 0.9, NaN, 0.2, 0.2]);

  it('keeps model order without a sort or without values', () => {
    expect(headOrder(2, 3, values, 'none')).to.deep.equal([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(headOrder(2, 3, undefined, 'descending')).to.deep.equal([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  it('sorts each layer by its values, NaN last and ties in model order', () => {
    expect(headOrder(2, 3, values, 'ascending')).to.deep.equal([
      [1, 0, 2],
      [1, 2, 0],
    ]);
    expect(headOrder(2, 3, values, 'descending')).to.deep.equal([
      [2, 0, 1],
      [1, 2, 0],
    ]);
  });
});

describe('highlightSet', () => {
  const values = Float64Array.from([0, 0.25, 0.5, 1, NaN]);

  it('is undefined without a threshold', () => {
    expect(highlightSet(values, undefined, undefined)).to.equal(undefined);
  });

  it('keeps values at least `above` and at most `below`, never NaN', () => {
    expect([...highlightSet(values, 0.5, undefined)!]).to.deep.equal([2, 3]);
    expect([...highlightSet(values, undefined, 0.25)!]).to.deep.equal([0, 1]);
    expect([...highlightSet(values, 0.25, 0.5)!]).to.deep.equal([1, 2]);
  });
});
