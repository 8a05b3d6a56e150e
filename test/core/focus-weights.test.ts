import { expect } from '@open-wc/testing';
import { focusWeights } from '../../src/core/focus-weights.js';
import { parseAttention } from '../../src/core/parse/index.js';

// One layer, two heads over three tokens; every weight exact in float32.
const c = parseAttention({
  tokens: ['a', 'b', 'c'],
  attention: [
    [
      [
        [0.5, 0.25, 0.25],
        [0, 1, 0],
        [0.25, 0.25, 0.5],
      ],
      [
        [1, 0, 0],
        [0.5, 0.5, 0],
        [0.25, 0.5, 0.25],
      ],
    ],
  ],
}).components[0]!;

describe('focusWeights', () => {
  it("focusWeights(c, 0, heads, 'query', 0, 2) lists a query's strongest keys per head, ties by index", () => {
    expect(focusWeights(c, 0, [0, 1], 'query', 0, 2)).to.deep.equal([
      {
        head: 0,
        strongest: [
          [0, 0.5],
          [1, 0.25],
        ],
        partner: undefined,
      },
      { head: 1, strongest: [[0, 1]], partner: undefined },
    ]);
  });

  it("focusWeights(c, 0, heads, 'key', 1, 3, 2) lists the queries attending to a key, and the partner's weight", () => {
    expect(focusWeights(c, 0, [1], 'key', 1, 3, 2)).to.deep.equal([
      {
        head: 1,
        strongest: [
          [1, 0.5],
          [2, 0.5],
        ],
        partner: 0.5,
      },
    ]);
  });
});
