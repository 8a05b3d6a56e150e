import { expect } from '@open-wc/testing';
import { cellX, cellY, gridLayout, moveCell, tooltipPlacement } from '../../src/render/grid-layout.js';

describe('gridLayout', () => {
  const base = {
    width: 500,
    rows: 2,
    columns: 4,
    rowLabelWidth: 60,
    columnLabelHeight: 20,
    gap: 4,
    minCell: 28,
    maxCell: 160,
    aspect: 1,
  };

  it('shares the width between the columns, within the cell bounds', () => {
    const g = gridLayout(base);
    // (500 − 60 − 4 × 4) / 4 = 106.
    expect([g.cellWidth, g.cellHeight]).to.deep.equal([106, 106]);
    expect(g.width).to.equal(60 + 4 * 110);
    expect(g.height).to.equal(20 + 2 * 110);
    expect(cellX(g, 2)).to.equal(64 + 2 * 110);
    expect(cellY(g, 1)).to.equal(24 + 110);
  });

  it('widens cells for fewer columns up to the largest cell, and overflows at the smallest', () => {
    expect(gridLayout({ ...base, columns: 3 }).cellWidth).to.equal(142);
    expect(gridLayout({ ...base, columns: 1 }).cellWidth).to.equal(160);
    const many = gridLayout({ ...base, columns: 40 });
    expect(many.cellWidth).to.equal(28);
    expect(many.width).to.be.greaterThan(500);
  });
});

describe('moveCell', () => {
  const at = { row: 1, col: 1 };

  it('moves one cell with the arrows, stopping at the edges', () => {
    expect(moveCell('ArrowRight', at, 3, 3)).to.deep.equal({ row: 1, col: 2 });
    expect(moveCell('ArrowLeft', at, 3, 3)).to.deep.equal({ row: 1, col: 0 });
    expect(moveCell('ArrowDown', at, 3, 3)).to.deep.equal({ row: 2, col: 1 });
    expect(moveCell('ArrowUp', at, 3, 3)).to.deep.equal({ row: 0, col: 1 });
    expect(moveCell('ArrowRight', { row: 0, col: 2 }, 3, 3)).to.deep.equal({ row: 0, col: 2 });
  });

  it('jumps along the row with Home / End, to the corners with Ctrl, and by column with PageUp / PageDown', () => {
    expect(moveCell('Home', at, 3, 4)).to.deep.equal({ row: 1, col: 0 });
    expect(moveCell('End', at, 3, 4)).to.deep.equal({ row: 1, col: 3 });
    expect(moveCell('Home', at, 3, 4, true)).to.deep.equal({ row: 0, col: 0 });
    expect(moveCell('End', at, 3, 4, true)).to.deep.equal({ row: 2, col: 3 });
    expect(moveCell('PageDown', at, 3, 4)).to.deep.equal({ row: 2, col: 1 });
    expect(moveCell('PageUp', at, 3, 4)).to.deep.equal({ row: 0, col: 1 });
  });

  it('is undefined for other keys', () => {
    expect(moveCell('Enter', at, 3, 3)).to.equal(undefined);
  });
});

describe('tooltipPlacement', () => {
  const bounds = { left: 0, top: -40, width: 400, height: 340 };
  const tip = { width: 150, height: 100 };

  it('goes below the cell, left-aligned, when it fits there', () => {
    const cell = { left: 70, top: 24, width: 60, height: 60 };
    expect(tooltipPlacement(cell, tip, bounds)).to.deep.equal({ left: 70, top: 88, above: false });
  });

  it('goes above a cell near the bottom of the area', () => {
    const cell = { left: 70, top: 200, width: 60, height: 60 };
    expect(tooltipPlacement(cell, tip, bounds)).to.deep.equal({ left: 70, top: 96, above: true });
  });

  it('right-aligns with the cell when it would overflow on the right, never left of the area', () => {
    const cell = { left: 300, top: 24, width: 60, height: 60 };
    expect(tooltipPlacement(cell, tip, bounds).left).to.equal(210);
    expect(tooltipPlacement({ ...cell, left: 10, width: 20 }, { ...tip, width: 500 }, bounds).left).to.equal(
      0,
    );
  });

  it('takes the side with more room when it fits on neither', () => {
    const tall = { width: 150, height: 400 };
    expect(tooltipPlacement({ left: 0, top: 0, width: 60, height: 60 }, tall, bounds).above).to.equal(false);
    expect(tooltipPlacement({ left: 0, top: 200, width: 60, height: 60 }, tall, bounds).above).to.equal(true);
  });
});
