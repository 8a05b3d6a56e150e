import { expect } from '@open-wc/testing';
import { dropTokens } from '../../../src/core/derived/index.js';
import { expectDataError } from '../expect-error.js';
import { crossComponent, f32, matrix, parse } from './support.js';

const ROWS = [
  [1, 0, 0],
  [0.5, 0.5, 0],
  [0.2, 0.3, 0.5],
];

describe('dropTokens', () => {
  it('removes a position from both axes of self-attention and renormalises rows over the keys left', () => {
    const d = dropTokens(parse({ tokens: ['<s>', 'a', 'b'], attention: [[ROWS]] }), [0]);
    expect(d.queryTokens).to.deep.equal(['a', 'b']);
    expect(d.keyTokens).to.deep.equal(['a', 'b']);
    expect(matrix(d)).to.deep.equal(
      f32([
        [1, 0],
        [0.375, 0.625],
      ]),
    );
    expect(d.normalized).to.equal(true);
  });

  it('renormalize: false keeps the weights as they were, marked unnormalised', () => {
    const d = dropTokens(parse({ tokens: ['<s>', 'a', 'b'], attention: [[ROWS]] }), [0], {
      renormalize: false,
    });
    expect(matrix(d)).to.deep.equal(
      f32([
        [0.5, 0],
        [0.3, 0.5],
      ]),
    );
    expect(d.normalized).to.equal(false);
  });

  it('leaves a row that attended only to dropped keys at zero, and then says the data is not normalised', () => {
    const d = dropTokens(
      parse({ tokens: ['a', 'b', 'c'], attention: [[[ROWS[0]!, [1, 0, 0], ROWS[2]!]]] }),
      [0],
    );
    expect(matrix(d)[0]).to.deep.equal([0, 0]);
    expect(d.normalized).to.equal(false);
  });

  it('drops only keys from cross attention, and keeps the vectors of the positions left', () => {
    const d = dropTokens(crossComponent(), [1]);
    expect(d.queryTokens).to.deep.equal(['x', 'y']);
    expect(d.keyTokens).to.deep.equal(['a', 'c']);
    expect(matrix(d)).to.deep.equal(
      f32([
        [2 / 3, 1 / 3],
        [0, 1],
      ]),
    );
    const withVectors = parse({
      tokens: ['a', 'b', 'c'],
      attention: [[ROWS]],
      queries: [[[[1], [2], [3]]]],
      keys: [[[[4], [5], [6]]]],
      values: [[[[7], [8], [9]]]],
    });
    const v = dropTokens(withVectors, [1]);
    expect(Array.from(v.queries!.data)).to.deep.equal([1, 3]);
    expect(Array.from(v.keys!.data)).to.deep.equal([4, 6]);
    expect(Array.from(v.values!.data)).to.deep.equal([7, 9]);
    expect(v.keys!.shape).to.deep.equal([1, 1, 2, 1]);
  });

  it('moves sentence B with the positions dropped before it', () => {
    const c = parse({
      tokens: ['[CLS]', 'a', '[SEP]', 'b', '[SEP]'],
      sentenceBStart: 3,
      attention: [[uniform(5)]],
    });
    expect(dropTokens(c, [0, 2]).sentenceBStart).to.equal(1);
  });

  it('names each misuse', () => {
    const c = parse({ tokens: ['a', 'b', 'c'], attention: [[ROWS]] });
    expectDataError(() => dropTokens(c, [3]), 'dropTokens: positions[0]', 'a key position from 0 to 2', '3');
    expectDataError(
      () => dropTokens(c, [1, 1]),
      'dropTokens: positions[1]',
      'a position not listed before',
      '1',
    );
    expectDataError(
      () => dropTokens(c, [0, 1, 2]),
      'dropTokens: positions',
      'fewer than all 3 key positions',
      'all 3',
    );
    expectDataError(
      () => dropTokens(c, 0 as unknown as number[]),
      'dropTokens: positions',
      'a list of key positions',
      '0',
    );
    expectDataError(
      () => dropTokens(c, [0], { renormalize: 'yes' as unknown as boolean }),
      'dropTokens: renormalize',
      'true or false',
      '"yes"',
    );
  });
});

const uniform = (n: number) => Array.from({ length: n }, () => Array.from({ length: n }, () => 1 / n));
