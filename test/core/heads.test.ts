import { expect } from '@open-wc/testing';
import { soloHead, toggleHead } from '../../src/core/heads.js';

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
