import { expect } from '@open-wc/testing';
import { checkFinite, checkWeights, ROW_SUM_TOLERANCE } from '../../src/core/validate.js';
import { expectDataError } from './expect-error.js';

const STRICT = { tolerance: ROW_SUM_TOLERANCE, allowUnnormalized: false };

describe('checkWeights', () => {
  it('checkWeights(causal tensor) reports no future weight', () => {
    const data = Float32Array.of(1, 0, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.5);
    expect(checkWeights(data, [1, 1, 3, 3], 'w', STRICT)).to.deep.equal({ firstFutureIndex: -1 });
  });

  it('checkWeights(tensor) reports the flat index of the first weight to a later key', () => {
    // Row 0 is causal; row 1 gives 0.5 to key 2 (flat index 5); row 2 has no later key.
    const data = Float32Array.of(1, 0, 0, 0.5, 0, 0.5, 0.25, 0.25, 0.5);
    expect(checkWeights(data, [1, 1, 3, 3], 'w', STRICT)).to.deep.equal({ firstFutureIndex: 5 });
    // A zero weight to a later key is not a future weight.
    expect(checkWeights(Float32Array.of(1, 0, 0, 1), [1, 1, 2, 2], 'w', STRICT)).to.deep.equal({
      firstFutureIndex: -1,
    });
  });

  it('checkWeights(tensor) counts queries per head: row q of every head is compared with key q', () => {
    // Two heads of 2×2: the second head's first row has a future weight at flat index 5.
    const data = Float32Array.of(1, 0, 0, 1, 0.75, 0.25, 0, 1);
    expect(checkWeights(data, [1, 2, 2, 2], 'w', STRICT).firstFutureIndex).to.equal(5);
  });

  it('checkWeights(rows off by at most the tolerance) accepts them', () => {
    const data = Float32Array.of(0.5, 0.5 + 2 ** -10);
    expect(() => checkWeights(data, [1, 1, 1, 2], 'w', STRICT)).not.to.throw();
  });

  it('checkWeights(row off by more than the tolerance) names the row and its sum', () => {
    expectDataError(
      () => checkWeights(Float32Array.of(1, 0, 0.5, 0.5 + 2 ** -9), [1, 1, 2, 2], 'w', STRICT),
      'w[0][0][1]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 1.00195',
    );
    expectDataError(
      () =>
        checkWeights(Float32Array.of(0.5, 0.25), [1, 1, 1, 2], 'w', {
          tolerance: 0.2,
          allowUnnormalized: false,
        }),
      'w[0][0][0]',
      'a row of weights summing to 1 (±0.2); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
  });

  it('checkWeights(allowUnnormalized) skips the row sums but not the sign', () => {
    expect(
      checkWeights(Float32Array.of(3, 2, 0.5, 7), [1, 1, 2, 2], 'w', {
        tolerance: 0,
        allowUnnormalized: true,
      }),
    ).to.deep.equal({ firstFutureIndex: 1 });
    expectDataError(
      () =>
        checkWeights(Float32Array.of(3, -0.5), [1, 1, 1, 2], 'w', { tolerance: 0, allowUnnormalized: true }),
      'w[0][0][0][1]',
      'a weight ≥ 0',
      '-0.5',
    );
  });

  it('checkWeights(NaN, ±Infinity) names the value as not finite', () => {
    expectDataError(
      () => checkWeights(Float32Array.of(1, 0, NaN, 1), [1, 1, 2, 2], 'w', STRICT),
      'w[0][0][1][0]',
      'a finite number',
      'NaN',
    );
    expectDataError(
      () => checkWeights(Float32Array.of(Infinity, 0), [1, 1, 1, 2], 'w', STRICT),
      'w[0][0][0][0]',
      'a finite number',
      'Infinity',
    );
    expectDataError(
      () => checkWeights(Float32Array.of(1, -Infinity), [1, 1, 1, 2], 'w', STRICT),
      'w[0][0][0][1]',
      'a finite number',
      '-Infinity',
    );
  });
});

describe('checkFinite', () => {
  it('checkFinite(finite vectors) passes, including negatives', () => {
    expect(() => checkFinite(Float32Array.of(-1, 2, 0, -0.5), [1, 1, 2, 2], 'v')).not.to.throw();
  });

  it('checkFinite(vectors) names the first non-finite value', () => {
    expectDataError(
      () => checkFinite(Float32Array.of(1, 2, 3, NaN, Infinity, 0), [1, 1, 3, 2], 'v'),
      'v[0][0][1][1]',
      'a finite number',
      'NaN',
    );
  });
});
