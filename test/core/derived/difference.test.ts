import { expect } from '@open-wc/testing';
import { alignTokens, attentionDifference } from '../../../src/core/derived/index.js';
import { headTile } from '../../../src/render/thumbnails.js';
import { expectDataError } from '../expect-error.js';
import { crossComponent, f32, matrix, parse } from './support.js';

const A = () =>
  parse({
    tokens: ['the', 'nurse', 'She'],
    attention: [
      [
        [
          [1, 0, 0],
          [0.5, 0.5, 0],
          [0.25, 0.5, 0.25],
        ],
      ],
    ],
  });
const B = (tokens = ['the', 'nurse', 'He']) =>
  parse({
    tokens,
    attention: [
      [
        Array.from({ length: tokens.length }, (_, i) =>
          Array.from({ length: tokens.length }, (_, j) => (j === 0 ? 1 : 0) * (i >= 0 ? 1 : 0)),
        ),
      ],
    ],
  });

describe('attentionDifference', () => {
  it('is A − B per head over every position when the counts agree, a changed token shown as "A/B"', () => {
    const d = attentionDifference(A(), B());
    expect(d.shape).to.deep.equal([1, 1, 3, 3]);
    expect(matrix(d)).to.deep.equal(
      f32([
        [0, 0, 0],
        [-0.5, 0.5, 0],
        [-0.75, 0.5, 0.25],
      ]),
    );
    expect(d.queryTokens).to.deep.equal(['the', 'nurse', 'She/He']);
    expect(d.signed).to.equal(true);
    expect(d.normalized).to.equal(false);
  });

  it('compares inputs of different lengths over the tokens they begin with, and names the rest', () => {
    expect(alignTokens(['the', 'nurse', 'She'], ['the', 'nurse', 'He', 'said'])).to.deep.equal({
      compared: 2,
      onlyA: ['She'],
      onlyB: ['He', 'said'],
    });
    const d = attentionDifference(A(), B(['the', 'nurse', 'He', 'said']));
    expect(d.shape).to.deep.equal([1, 1, 2, 2]);
    expect(matrix(d)).to.deep.equal(
      f32([
        [0, 0],
        [-0.5, 0.5],
      ]),
    );
  });

  it('names each misuse', () => {
    const twoHeads = parse({
      tokens: ['the', 'nurse', 'He'],
      attention: [
        [B().weights, B().weights].map(() => [
          [1, 0, 0],
          [1, 0, 0],
          [1, 0, 0],
        ]),
      ],
    });
    expectDataError(
      () => attentionDifference(A(), twoHeads),
      'attentionDifference: b',
      'attention of the same layers and heads as a (1 layers × 1 heads)',
      '1 layers × 2 heads',
    );
    expectDataError(
      () => attentionDifference(A(), B(['a', 'b'])),
      'attentionDifference: b',
      "tokens that begin as a's do (or as many tokens as a)",
      '"a" where a has "the"',
    );
    expectDataError(
      () => attentionDifference(A(), crossComponent()),
      'attentionDifference: b',
      'the same kind of attention as a (self)',
      'cross',
    );
    expectDataError(
      () => attentionDifference(A(), 'B' as never),
      'attentionDifference: b',
      'an attention component (one of parseAttention(...).components)',
      '"B"',
    );
  });

  it('is drawn in two colours: where A attends more in one, where B does in the other, opacity by |A − B|', () => {
    const d = attentionDifference(A(), B());
    const positive = [1, 0.5, 0] as const;
    const negative = [0, 0.25, 1] as const;
    const background = [1, 1, 1] as const;
    const spec = {
      mode: 'heatmap',
      width: 3,
      height: 3,
      lineBins: 3,
      background,
      masked: background,
    } as const;
    const px = headTile(d, 0, 0, [0, 0, 0], { ...spec, diverging: { positive, negative, scale: 1 / 0.75 } });
    const at = (x: number, y: number) => Array.from(px.subarray((y * 3 + x) * 4, (y * 3 + x) * 4 + 3));
    // (row 2, key 0): −0.75, full B colour; (row 1, key 1): +0.5, two thirds of A's; (0, 0): nothing.
    expect(at(0, 2)).to.deep.equal([0, 64, 255]);
    expect(at(1, 1)).to.deep.equal([
      255,
      Math.round((0.5 * (2 / 3) + 1 / 3) * 255),
      Math.round((1 / 3) * 255),
    ]);
    expect(at(0, 0)).to.deep.equal([255, 255, 255]);
  });
});
