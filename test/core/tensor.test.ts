import { expect } from '@open-wc/testing';
import { halfToFloat, indexPath, isTensorLike, readTensor } from '../../src/core/tensor.js';
import { expectDataError } from './expect-error.js';

/** Float16Array where the browser has it (Chromium ≥ 135). */
const Float16 = (globalThis as { Float16Array?: new (values: number[]) => ArrayLike<number> }).Float16Array;

describe('halfToFloat', () => {
  it('halfToFloat(bits) decodes normal numbers', () => {
    expect(halfToFloat(0x3c00)).to.equal(1);
    expect(halfToFloat(0x3800)).to.equal(0.5);
    expect(halfToFloat(0x3400)).to.equal(0.25);
    expect(halfToFloat(0xc000)).to.equal(-2);
    expect(halfToFloat(0x3555)).to.equal(0.333251953125);
    expect(halfToFloat(0x7bff)).to.equal(65504);
  });

  it('halfToFloat(bits) decodes zeros and subnormals', () => {
    expect(halfToFloat(0x0000)).to.equal(0);
    expect(Object.is(halfToFloat(0x8000), -0)).to.equal(true);
    expect(halfToFloat(0x0001)).to.equal(2 ** -24);
    expect(halfToFloat(0x03ff)).to.equal(1023 * 2 ** -24);
  });

  it('halfToFloat(bits) decodes infinities and NaN', () => {
    expect(halfToFloat(0x7c00)).to.equal(Infinity);
    expect(halfToFloat(0xfc00)).to.equal(-Infinity);
    expect(Number.isNaN(halfToFloat(0x7e00))).to.equal(true);
  });
});

describe('indexPath', () => {
  it('indexPath(flat, shape) gives the row-major [a][b]… path', () => {
    expect(indexPath(0, [1, 1, 2, 2])).to.equal('[0][0][0][0]');
    expect(indexPath(5, [2, 3])).to.equal('[1][2]');
    expect(indexPath(7, [1, 2, 2, 2])).to.equal('[0][1][1][1]');
    expect(indexPath(13, [2, 2, 2, 2])).to.equal('[1][1][0][1]');
  });
});

describe('isTensorLike', () => {
  it('isTensorLike(value) is true for {dims, data} and {shape, data} only', () => {
    expect(isTensorLike({ dims: [2], data: [1, 2] })).to.equal(true);
    expect(isTensorLike({ shape: [2], data: [1, 2] })).to.equal(true);
    expect(isTensorLike({ dims: new Int32Array([2]), data: [1, 2] })).to.equal(true);
    expect(isTensorLike({ data: [1, 2] })).to.equal(false);
    expect(isTensorLike({ dims: [2] })).to.equal(false);
    expect(isTensorLike([1, 2])).to.equal(false);
    expect(isTensorLike(null)).to.equal(false);
  });
});

describe('readTensor', () => {
  it('readTensor(nested arrays) reads the shape and row-major data', () => {
    const t = readTensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'x',
    );
    expect(t.shape).to.deep.equal([2, 3]);
    expect(Array.from(t.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(t.data).to.be.instanceOf(Float32Array);
    expect(t.halfPrecision).to.equal(false);
  });

  it('readTensor(nested arrays) accepts typed arrays as the innermost level', () => {
    const t = readTensor([[Float32Array.of(1, 2)], [Float64Array.of(3, 4)]], 'x');
    expect(t.shape).to.deep.equal([2, 1, 2]);
    expect(Array.from(t.data)).to.deep.equal([1, 2, 3, 4]);
  });

  it('readTensor({dims, data}) copies the data into a new Float32Array', () => {
    const source = Float32Array.of(1, 2, 3, 4);
    const t = readTensor({ dims: [2, 2], data: source }, 'x');
    expect(t.shape).to.deep.equal([2, 2]);
    expect(Array.from(t.data)).to.deep.equal([1, 2, 3, 4]);
    source[0] = 9;
    expect(t.data[0]).to.equal(1);
  });

  it('readTensor({shape, data}) reads Float64Array and number[] data, rounding to float32', () => {
    expect(Array.from(readTensor({ shape: [2], data: Float64Array.of(0.1, 2) }, 'x').data)).to.deep.equal([
      Math.fround(0.1),
      2,
    ]);
    expect(Array.from(readTensor({ shape: [1, 2], data: [0.25, 0.75] }, 'x').data)).to.deep.equal([
      0.25, 0.75,
    ]);
  });

  it('readTensor({dims: bigint[], data}) accepts bigint dims', () => {
    const t = readTensor({ dims: BigInt64Array.of(1n, 2n), data: [0.5, 0.5] }, 'x');
    expect(t.shape).to.deep.equal([1, 2]);
  });

  it('readTensor({type: "float16", data: Uint16Array}) decodes half-precision bits', () => {
    const t = readTensor(
      { dims: [4], type: 'float16', data: Uint16Array.of(0x3c00, 0x3800, 0xb400, 0) },
      'x',
    );
    expect(Array.from(t.data)).to.deep.equal([1, 0.5, -0.25, 0]);
    expect(t.halfPrecision).to.equal(true);
  });

  it('readTensor({data: Uint16Array}) without type float16 reads integers', () => {
    const t = readTensor({ dims: [2], data: Uint16Array.of(0x3c00, 1) }, 'x');
    expect(Array.from(t.data)).to.deep.equal([15360, 1]);
    expect(t.halfPrecision).to.equal(false);
  });

  it('readTensor({data: Float16Array}) marks the tensor half-precision', function () {
    if (!Float16) this.skip();
    const t = readTensor({ dims: [2], data: new Float16!([0.5, 0.25]) }, 'x');
    expect(Array.from(t.data)).to.deep.equal([0.5, 0.25]);
    expect(t.halfPrecision).to.equal(true);
  });

  it('readTensor([tensor, tensor]) stacks a per-layer list along a new first axis', () => {
    const t = readTensor(
      [
        { dims: [1, 2], data: [1, 2] },
        { dims: [1, 2], type: 'float16', data: Uint16Array.of(0x3800, 0x3400) },
      ],
      'x',
    );
    expect(t.shape).to.deep.equal([2, 1, 2]);
    expect(Array.from(t.data)).to.deep.equal([1, 2, 0.5, 0.25]);
    expect(t.halfPrecision).to.equal(true);
  });

  it('readTensor(empty input) throws', () => {
    expectDataError(() => readTensor([], 'x'), 'x', 'a non-empty tensor', 'an empty array');
    expectDataError(() => readTensor([[], []], 'x'), 'x', 'a non-empty tensor', 'shape [2, 0]');
    expectDataError(() => readTensor(null, 'x'), 'x', 'a tensor (nested arrays or {dims, data})', 'null');
    expectDataError(() => readTensor('abc', 'x'), 'x', 'a tensor (nested arrays or {dims, data})', '"abc"');
  });

  it('readTensor(typed array) without a shape throws', () => {
    expectDataError(
      () => readTensor(new Float32Array(4), 'x'),
      'x',
      'a tensor with a shape ({dims, data} or nested arrays)',
      'a Float32Array of length 4 without a shape',
    );
  });

  it('readTensor(ragged nested arrays) names the ragged level', () => {
    expectDataError(() => readTensor([[1, 2], [3]], 'x'), 'x[1]', '2 values (ragged array)', '1');
    expectDataError(() => readTensor([[[1]], [[1], [2]]], 'x'), 'x[1]', '1 entry (ragged array)', '2');
    expectDataError(() => readTensor([[[1]], 5], 'x'), 'x[1]', 'an array of 1 entry', '5');
    expectDataError(() => readTensor([[1, 2], 5], 'x'), 'x[1]', 'an array of 2 numbers', '5');
  });

  it('readTensor(nested arrays) rejects non-numbers and non-finite numbers with their path', () => {
    expectDataError(() => readTensor([[1, '2']], 'x'), 'x[0][1]', 'a finite number', '"2"');
    expectDataError(() => readTensor([[1, null]], 'x'), 'x[0][1]', 'a finite number', 'null');
    expectDataError(() => readTensor([[1], [NaN]], 'x'), 'x[1][0]', 'a finite number', 'NaN');
    expectDataError(() => readTensor([[Infinity]], 'x'), 'x[0][0]', 'a finite number', 'Infinity');
    const deep = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 'x'],
      ],
    ];
    expectDataError(() => readTensor(deep, 'x'), 'x[1][1][1]', 'a finite number', '"x"');
    expectDataError(() => readTensor([[1, [2]]], 'x'), 'x[0][1]', 'a finite number', 'an array of length 1');
  });

  it('readTensor({dims, data: number[]}) rejects non-numbers with their path', () => {
    expectDataError(
      () => readTensor({ dims: [2, 2], data: [1, 2, '3', 4] }, 'x'),
      'x[1][0]',
      'a finite number',
      '"3"',
    );
    expectDataError(() => readTensor({ dims: [2], data: [1, NaN] }, 'x'), 'x[1]', 'a finite number', 'NaN');
  });

  it('readTensor({dims, data}) checks dims and the data length', () => {
    expectDataError(
      () => readTensor({ dims: [2, 2], data: [1, 2, 3] }, 'x'),
      'x.data',
      '4 values for dims [2, 2]',
      '3 values',
    );
    expectDataError(
      () => readTensor({ dims: [2, -1], data: [] }, 'x'),
      'x.dims[1]',
      'a non-negative integer',
      '-1',
    );
    expectDataError(
      () => readTensor({ dims: [1.5], data: [1] }, 'x'),
      'x.dims[0]',
      'a non-negative integer',
      '1.5',
    );
    expectDataError(() => readTensor({ dims: [1], data: 5 }, 'x'), 'x.data', 'an array of numbers', '5');
  });

  it('readTensor({data: BigInt64Array}) rejects integer tensors', () => {
    expectDataError(
      () => readTensor({ dims: [2], data: BigInt64Array.of(1n, 0n) }, 'x'),
      'x.type',
      'a float tensor',
      'bigint data',
    );
    expectDataError(
      () => readTensor({ dims: [2], type: 'int64', data: BigInt64Array.of(1n, 0n) }, 'x'),
      'x.type',
      'a float tensor',
      'int64',
    );
  });

  it('readTensor([tensor, …]) rejects lists with differing shapes or non-tensors', () => {
    expectDataError(
      () =>
        readTensor(
          [
            { dims: [1, 2], data: [1, 2] },
            { dims: [2, 1], data: [1, 2] },
          ],
          'x',
        ),
      'x[1].dims',
      '[1, 2] like x[0]',
      '[2, 1]',
    );
    expectDataError(
      () => readTensor([{ dims: [1, 2], data: [1, 2] }, [[1, 2]]], 'x'),
      'x[1]',
      'a tensor like the others in the list',
      'an array of length 1',
    );
  });
});

describe('readTensor(nested arrays, { rowSums: true })', () => {
  it('adds up each innermost row’s float32 values while copying them', () => {
    const rows = [
      [0.1, 0.2, 0.7],
      [1 / 3, 1 / 3, 1 / 3],
    ];
    const t = readTensor([rows], 'attention', { rowSums: true });
    const data = Float32Array.from(rows.flat());
    expect([...t.rowSums!]).to.deep.equal([data[0]! + data[1]! + data[2]!, data[3]! + data[4]! + data[5]!]);
    expect(readTensor([rows], 'attention').rowSums).to.equal(undefined);
  });

  it('marks a row holding a negative weight, or one that is infinite in float32, with NaN', () => {
    const t = readTensor(
      [
        [-0.5, 1.5, 0],
        [1e39, 0, 0],
        [0.5, 0.5, 0],
      ],
      'attention',
      { rowSums: true },
    );
    expect([...t.rowSums!]).to.deep.equal([NaN, NaN, 1]);
  });
});
