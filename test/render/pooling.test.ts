import { expect } from '@open-wc/testing';
import { binEdges, poolMax, poolMean } from '../../src/render/pooling.js';

/** A row-major matrix from rows of numbers (all exact in float32). */
const matrix = (rows: number[][]) => Float32Array.from(rows.flat());

describe('binEdges', () => {
  it('splits n items into contiguous bins of near-equal size', () => {
    expect([...binEdges(10, 4)]).to.deep.equal([0, 2, 5, 7, 10]);
    expect([...binEdges(512, 64)].slice(0, 3)).to.deep.equal([0, 8, 16]);
  });

  it('gives every item its own bin when there are fewer items than bins', () => {
    expect([...binEdges(3, 8)]).to.deep.equal([0, 1, 2, 3]);
  });
});

describe('poolMax', () => {
  const m = matrix([
    [0.5, 0.25, 0, 0.25],
    [0, 0.125, 0.875, 0],
    [0.25, 0.25, 0.25, 0.25],
    [0, 0, 0, 1],
  ]);

  it('keeps the largest weight of each block of queries × keys', () => {
    const p = poolMax(m, 4, 4, 2, 2);
    expect([p.rows, p.cols]).to.deep.equal([2, 2]);
    expect([...p.data]).to.deep.equal([0.5, 0.875, 0.25, 1]);
  });

  it('is the matrix itself when every token has its own bin', () => {
    expect([...poolMax(m, 4, 4, 8, 8).data]).to.deep.equal([...m]);
  });

  it('pools rows and columns independently (cross attention)', () => {
    const p = poolMax(m.subarray(0, 8), 2, 4, 1, 2);
    expect([...p.data]).to.deep.equal([0.5, 0.875]);
  });

  it('reuses the output buffer when it is large enough', () => {
    const out = new Float32Array(16).fill(9);
    const p = poolMax(m, 4, 4, 2, 2, out);
    expect(p.data.buffer).to.equal(out.buffer);
    expect([...p.data]).to.deep.equal([0.5, 0.875, 0.25, 1]);
  });
});

describe('poolMean', () => {
  it('holds the mean over the block’s queries of the attention they give to its keys', () => {
    const m = matrix([
      [0.5, 0.25, 0, 0.25],
      [0, 0.125, 0.875, 0],
      [0.25, 0.25, 0.25, 0.25],
      [0, 0, 0, 1],
    ]);
    const p = poolMean(m, 4, 4, 2, 2);
    // Bin (0,0): (0.5 + 0.25 + 0 + 0.125) / 2 queries; bin (0,1): (0 + 0.25 + 0.875 + 0) / 2.
    expect([...p.data]).to.deep.equal([0.4375, 0.5625, 0.25, 0.75]);
    // Rows of probabilities still sum to 1 across a row of bins.
    expect(p.data[0]! + p.data[1]!).to.equal(1);
  });

  it('is the matrix itself with one token per bin', () => {
    const m = matrix([
      [1, 0],
      [0.5, 0.5],
    ]);
    expect([...poolMean(m, 2, 2, 4, 4).data]).to.deep.equal([1, 0, 0.5, 0.5]);
  });

  it('sums each query’s keys bin by bin, as a sum over each block would, with uneven bins', () => {
    // 7 queries × 9 keys into 3 × 4 bins: blocks of 2–3 queries and 2–3 keys.
    const Q = 7;
    const K = 9;
    const m = Float32Array.from({ length: Q * K }, (_, i) => ((i * 37) % 11) / 97);
    const p = poolMean(m, Q, K, 3, 4);
    const rows = [...binEdges(Q, 3)];
    const cols = [...binEdges(K, 4)];
    const expected = new Float32Array(12);
    for (let i = 0; i < 3; i++) {
      for (let q = rows[i]!; q < rows[i + 1]!; q++) {
        for (let j = 0; j < 4; j++) {
          let sum = 0;
          for (let k = cols[j]!; k < cols[j + 1]!; k++) sum += m[q * K + k]!;
          expected[i * 4 + j]! += sum;
        }
      }
      for (let j = 0; j < 4; j++) expected[i * 4 + j]! /= rows[i + 1]! - rows[i]!;
    }
    expect([...p.data]).to.deep.equal([...expected]);
  });

  it('pools keys alone when only the keys outnumber their bins', () => {
    const m = matrix([
      [0.5, 0.25, 0.25, 0],
      [0, 0, 0.5, 0.5],
    ]);
    const p = poolMean(m, 2, 4, 4, 2);
    expect([p.rows, p.cols]).to.deep.equal([2, 2]);
    expect([...p.data]).to.deep.equal([0.75, 0.25, 0, 1]);
  });
});
