import { expect } from '@open-wc/testing';
import { parseNumberList, soloHead, toggleHead } from '../../src/core/heads.js';
import { expectDataError } from './expect-error.js';

const ALL = [0, 1, 2, 3];

describe('toggleHead', () => {
  it('toggleHead(active, all, head) turns an active head off', () => {
    expect(toggleHead([0, 1, 2], ALL, 1)).to.deep.equal([0, 2]);
  });

  it('toggleHead(active, all, head) turns a head on in model order', () => {
    expect(toggleHead([3, 0], ALL, 2)).to.deep.equal([0, 2, 3]);
    expect(toggleHead([0, 2], ALL, 1)).to.deep.equal([0, 1, 2]);
  });

  it('toggleHead([head], all, head) keeps the last active head', () => {
    const active = [2];
    expect(toggleHead(active, ALL, 2)).to.equal(active);
  });

  it('toggleHead(active, all, head) works with model numbers that are not indices', () => {
    expect(toggleHead([7], [3, 7, 9], 3)).to.deep.equal([3, 7]);
    expect(toggleHead([3, 7], [3, 7, 9], 7)).to.deep.equal([3]);
  });

  it('toggleHead(active, all, head) leaves its inputs unchanged', () => {
    const active = [0, 1];
    toggleHead(active, ALL, 1);
    toggleHead(active, ALL, 3);
    expect(active).to.deep.equal([0, 1]);
  });
});

describe('soloHead', () => {
  it('soloHead(active, all, head) keeps only that head', () => {
    expect(soloHead([0, 1, 2], ALL, 1)).to.deep.equal([1]);
    expect(soloHead([2], ALL, 3)).to.deep.equal([3]);
  });

  it('soloHead([head], all, head) brings every head back', () => {
    const restored = soloHead([1], ALL, 1);
    expect(restored).to.deep.equal(ALL);
    expect(restored).not.to.equal(ALL);
  });
});

describe('parseNumberList', () => {
  it('parseNumberList(text) reads comma-separated whole numbers, spaces allowed', () => {
    expect(parseNumberList('0, 3,5', 'heads')).to.deep.equal([0, 3, 5]);
    expect(parseNumberList(' 11 ', 'heads')).to.deep.equal([11]);
    expect(parseNumberList('007', 'heads')).to.deep.equal([7]);
  });

  it('parseNumberList("") is an empty list', () => {
    expect(parseNumberList('', 'heads')).to.deep.equal([]);
    expect(parseNumberList('   ', 'heads')).to.deep.equal([]);
  });

  it('parseNumberList(text) names the bad entry', () => {
    const expected = 'a whole number ≥ 0 (comma-separated list)';
    expectDataError(() => parseNumberList('1,,2', 'heads'), 'heads[1]', expected, '""');
    expectDataError(() => parseNumberList('0, -1', 'include-layers'), 'include-layers[1]', expected, '"-1"');
    expectDataError(() => parseNumberList('1.5', 'heads'), 'heads[0]', expected, '"1.5"');
    expectDataError(() => parseNumberList('0 1', 'heads'), 'heads[0]', expected, '"0 1"');
    expectDataError(() => parseNumberList('2, x', 'heads'), 'heads[1]', expected, '"x"');
    expectDataError(() => parseNumberList('1,', 'heads'), 'heads[1]', expected, '""');
  });
});
