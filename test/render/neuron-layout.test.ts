import { expect } from '@open-wc/testing';
import {
  cellAt,
  moveCell,
  moveInList,
  neuronLayout,
  type NeuronCell,
} from '../../src/render/neuron-layout.js';

/** 900 px, 3 queries × 3 keys, 4 dimensions with values: cells of 12 px. */
const LAYOUT = neuronLayout({ width: 900, queryCount: 3, keyCount: 3, dim: 4, rowHeight: 22, values: true });
/** Dimensions shown in the order 2, 0, 3, 1. */
const ORDER = [2, 0, 3, 1];
const column = (id: string) => LAYOUT.columns.find((c) => c.id === id)!;

describe('neuronLayout', () => {
  it('neuronLayout({width: 900, dim: 4, values}) lays k, q×k, q·k, softmax, ‖α·v‖ and v out after the tokens', () => {
    expect(LAYOUT.columns.map((c) => [c.id, c.x, c.width])).to.deep.equal([
      ['k', 280, 48],
      ['qk', 338, 48],
      ['dot', 396, 58],
      ['softmax', 464, 58],
      ['norm', 532, 58],
      ['v', 600, 48],
    ]);
    expect([
      LAYOUT.cell,
      LAYOUT.width,
      LAYOUT.headerHeight,
      LAYOUT.headerRowTop,
      LAYOUT.cellHeight,
    ]).to.deep.equal([12, 658, 46, 21, 20]);
  });

  it('cellAt(x, y) finds the key row, the column and the dimension shown in that slot', () => {
    const k = column('k');
    // Row 1 spans y 26–48 (padding 4); slot 2 of k holds dimension 3.
    expect(cellAt(LAYOUT, ORDER, k.x + 2 * 12 + 1, 30, 3)).to.deep.equal({ row: 1, column: 'k', dim: 3 });
    expect(cellAt(LAYOUT, ORDER, column('softmax').x + 5, 5, 3)).to.deep.equal({
      row: 0,
      column: 'softmax',
      dim: null,
    });
  });

  it('cellAt is null between columns, below the last key, and on scalar columns of the header row', () => {
    expect(cellAt(LAYOUT, ORDER, column('qk').x - 2, 30, 3)).to.equal(null);
    expect(cellAt(LAYOUT, ORDER, column('k').x, 4 + 3 * 22, 3)).to.equal(null);
    expect(cellAt(LAYOUT, ORDER, column('dot').x, 'header', 3)).to.equal(null);
    expect(cellAt(LAYOUT, ORDER, column('v').x, 'header', 3)).to.deep.equal({
      row: 'header',
      column: 'v',
      dim: 2,
    });
  });

  it('moveCell walks every dimension of a vector column, then each scalar column', () => {
    const last: NeuronCell = { row: 1, column: 'k', dim: 1 };
    expect(moveCell(LAYOUT, ORDER, last, 'ArrowRight', 3)).to.deep.equal({ row: 1, column: 'qk', dim: 2 });
    const dot: NeuronCell = { row: 1, column: 'dot', dim: null };
    expect(moveCell(LAYOUT, ORDER, dot, 'ArrowLeft', 3)).to.deep.equal({ row: 1, column: 'qk', dim: 1 });
    expect(moveCell(LAYOUT, ORDER, dot, 'End', 3)).to.deep.equal({ row: 1, column: 'v', dim: 1 });
    expect(moveCell(LAYOUT, ORDER, dot, 'ArrowDown', 3)).to.deep.equal({ row: 2, column: 'dot', dim: null });
    expect(moveCell(LAYOUT, ORDER, dot, 'x', 3)).to.equal(null);
  });

  it('moveCell goes up from the first key to the header row over k and v only', () => {
    expect(moveCell(LAYOUT, ORDER, { row: 0, column: 'k', dim: 3 }, 'ArrowUp', 3)).to.deep.equal({
      row: 'header',
      column: 'k',
      dim: 3,
    });
    expect(moveCell(LAYOUT, ORDER, { row: 0, column: 'qk', dim: 3 }, 'ArrowUp', 3)).to.deep.equal({
      row: 0,
      column: 'qk',
      dim: 3,
    });
    // Right from the header's last k cell: q×k has no header cell, so the cursor drops to key 0.
    expect(moveCell(LAYOUT, ORDER, { row: 'header', column: 'k', dim: 1 }, 'ArrowRight', 3)).to.deep.equal({
      row: 0,
      column: 'qk',
      dim: 2,
    });
  });

  it('moveInList(key, at, count, page) clamps to the list, and starts from nothing at the first row', () => {
    expect(moveInList('ArrowDown', 3, 5, 2)).to.equal(4);
    expect(moveInList('ArrowDown', 4, 5, 2)).to.equal(4);
    expect(moveInList('PageUp', 3, 5, 2)).to.equal(1);
    expect(moveInList('End', null, 5, 2)).to.equal(4);
    expect(moveInList('ArrowDown', null, 5, 2)).to.equal(0);
    expect(moveInList('ArrowLeft', 3, 5, 2)).to.equal(null);
    expect(moveInList('constructor', 3, 5, 2)).to.equal(null);
  });
});
