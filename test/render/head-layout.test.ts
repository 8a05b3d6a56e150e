import { expect } from '@open-wc/testing';
import {
  drawingBand,
  headLayout,
  rowAt,
  rowCenter,
  scrollToRow,
  visibleRows,
  type HeadLayoutOptions,
} from '../../src/render/head-layout.js';

const OPTIONS: HeadLayoutOptions = {
  width: 400,
  queryCount: 3,
  keyCount: 5,
  rowHeight: 20,
  minTokenWidth: 40,
  maxTokenWidth: 150,
  minLinesWidth: 60,
  maxLinesWidth: 300,
  gap: 8,
  padding: 10,
};

describe('headLayout', () => {
  it('headLayout({width: 400}) gives the token columns 30% of the width', () => {
    expect(headLayout(OPTIONS)).to.deep.equal({
      width: 400,
      height: 2 * 10 + 5 * 20,
      tokenWidth: 120,
      leftX: 0,
      rightX: 280,
      linesX0: 128,
      linesX1: 272,
      leftBoxX: 120,
      rightBoxX: 280,
      boxWidth: 0,
      rowHeight: 20,
      padding: 10,
    });
  });

  it('headLayout({width: 1000}) caps the token and line widths, and centres the view', () => {
    // Tokens 150 (max), lines 300 (max): 2·150 + 2·8 + 300 = 616 wide, (1000 − 616) / 2 = 192 from the left.
    expect(headLayout({ ...OPTIONS, width: 1000 })).to.deep.equal({
      width: 1000,
      height: 120,
      tokenWidth: 150,
      leftX: 192,
      rightX: 658,
      linesX0: 350,
      linesX1: 650,
      leftBoxX: 342,
      rightBoxX: 658,
      boxWidth: 0,
      rowHeight: 20,
      padding: 10,
    });
  });

  it('headLayout({width: odd}) puts the view on a whole pixel', () => {
    expect(headLayout({ ...OPTIONS, width: 1001 }).leftX).to.equal(192);
  });

  it('headLayout({width: 170}) leaves the lines their minimum width', () => {
    // 30% would be 51; (170 − 60 − 2·8) / 2 = 47 keeps the lines 60 wide.
    const l = headLayout({ ...OPTIONS, width: 170 });
    expect([l.width, l.tokenWidth, l.leftX, l.rightX, l.linesX0, l.linesX1]).to.deep.equal([
      170, 47, 0, 123, 55, 115,
    ]);
    expect(l.linesX1 - l.linesX0).to.equal(60);
  });

  it('headLayout({width: 100}) grows to the smallest width that fits', () => {
    // 2·40 + 60 + 2·8 = 156.
    const l = headLayout({ ...OPTIONS, width: 100 });
    expect([l.width, l.tokenWidth, l.leftX, l.rightX, l.linesX0, l.linesX1]).to.deep.equal([
      156, 40, 0, 116, 48, 108,
    ]);
  });

  it('headLayout({boxWidth: 30}) puts a box band between each column and the lines', () => {
    // Tokens 120 (30%), then a 30 box band and an 8 gap on each side: lines 400 − 240 − 76 = 84.
    const l = headLayout({ ...OPTIONS, boxWidth: 30 });
    expect([l.tokenWidth, l.leftX, l.leftBoxX, l.linesX0, l.linesX1, l.rightBoxX, l.rightX]).to.deep.equal([
      120, 0, 120, 158, 242, 250, 280,
    ]);
    expect(l.boxWidth).to.equal(30);
  });

  it('headLayout(options) takes its height from the longer token list', () => {
    expect(headLayout({ ...OPTIONS, queryCount: 7, keyCount: 2 }).height).to.equal(2 * 10 + 7 * 20);
  });
});

describe('rowCenter / rowAt / visibleRows', () => {
  const layout = headLayout(OPTIONS);

  it('rowCenter(layout, i) is the middle of row i', () => {
    expect(rowCenter(layout, 0)).to.equal(20);
    expect(rowCenter(layout, 4)).to.equal(100);
  });

  it('rowAt(layout, y, count) finds the row under y', () => {
    expect(rowAt(layout, 10, 5)).to.equal(0);
    expect(rowAt(layout, 29.99, 5)).to.equal(0);
    expect(rowAt(layout, 30, 5)).to.equal(1);
    expect(rowAt(layout, 109.99, 5)).to.equal(4);
  });

  it('rowAt(layout, y, count) is -1 outside the rows', () => {
    expect(rowAt(layout, 9.99, 5)).to.equal(-1);
    expect(rowAt(layout, 110, 5)).to.equal(-1);
    expect(rowAt(layout, 70, 3)).to.equal(-1);
  });

  it('visibleRows(layout, top, bottom, count) gives the rows meeting [top, bottom)', () => {
    expect(visibleRows(layout, 0, 50, 5)).to.deep.equal([0, 2]);
    expect(visibleRows(layout, 30, 50, 5)).to.deep.equal([1, 2]);
    expect(visibleRows(layout, 25, 75, 5)).to.deep.equal([0, 4]);
    expect(visibleRows(layout, 50, 50, 5)).to.deep.equal([2, 2]);
  });

  it('visibleRows(layout, top, bottom, count) clamps to [0, count]', () => {
    expect(visibleRows(layout, 0, 1000, 5)).to.deep.equal([0, 5]);
    expect(visibleRows(layout, 200, 300, 5)).to.deep.equal([5, 5]);
    expect(visibleRows(layout, -100, -50, 5)).to.deep.equal([0, 0]);
  });

  it('scrollToRow(layout, i, scrollTop, height) scrolls as little as brings row i into view', () => {
    // Rows are 20 high from y = 10 (the padding, kept in view at either end); the view is 50 high.
    expect(scrollToRow(layout, 1, 0, 50)).to.equal(0);
    expect(scrollToRow(layout, 3, 0, 50)).to.equal(90 - 50 + 10);
    expect(scrollToRow(layout, 0, 40, 50)).to.equal(0);
    expect(scrollToRow(layout, 2, 40, 50)).to.equal(40);
  });
});

describe('drawingBand', () => {
  it('drawingBand(layout, dpr) spans the box bands and the lines, from a device pixel', () => {
    // Tokens 150, box bands 20, gaps 8, lines 501 − 300 − 56 = 145: boxes at 150 and 331.
    const layout = headLayout({ ...OPTIONS, width: 501, boxWidth: 20 });
    expect([layout.leftBoxX, layout.rightBoxX, layout.boxWidth]).to.deep.equal([150, 331, 20]);
    expect(drawingBand(layout, 1)).to.deep.equal({ x: 150, width: 201 });
    const odd = { ...layout, leftBoxX: 150.25, rightBoxX: 331.25 };
    expect(drawingBand(odd, 1)).to.deep.equal({ x: 150, width: 201.25 });
    expect(drawingBand(odd, 2)).to.deep.equal({ x: 150, width: 201.25 });
    expect(drawingBand({ ...odd, leftBoxX: 150.75 }, 2)).to.deep.equal({ x: 150.5, width: 200.75 });
  });
});
