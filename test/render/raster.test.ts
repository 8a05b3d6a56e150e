import { expect } from '@open-wc/testing';
import type { Rgb } from '../../src/core/palette.js';
import {
  LineList,
  MIN_VISIBLE_ALPHA,
  RasterTarget,
  rasterizeLines,
  type RasterTransform,
} from '../../src/render/raster.js';

const IDENTITY: RasterTransform = { scale: 1, originX: 0, originY: 0 };
const RED: Rgb = [1, 0, 0];
const BLUE: Rgb = [0, 0, 1];
const COLORS: readonly Rgb[] = [RED, BLUE];

/** Alpha of every pixel, as rows of columns. */
function alphaRows(target: RasterTarget): number[][] {
  return Array.from({ length: target.height }, (_, y) =>
    Array.from({ length: target.width }, (_, x) => target.pixel(x, y)[3]),
  );
}

function lines(...entries: [number, number, number, number, number, number][]): LineList {
  const list = new LineList();
  for (const e of entries) list.push(...e);
  return list;
}

describe('rasterizeLines', () => {
  it('rasterizeLines(horizontal line of width 2 on a row boundary) fully covers the two rows it spans', () => {
    const target = new RasterTarget(4, 6);
    rasterizeLines(target, lines([0, 3, 4, 3, 1, 0]), COLORS, 2, IDENTITY);
    expect(alphaRows(target)).to.deep.equal([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(target.pixel(1, 2)).to.deep.equal([1, 0, 0, 1]);
  });

  it('rasterizeLines(horizontal line of width 2 off the grid) anti-aliases by distance to the centre line', () => {
    // Centre y = 3.25: row centres 2.5, 3.5, 4.5 are 0.75, 0.25, 1.25 away; coverage = 1.5 − distance, in [0, 1].
    const target = new RasterTarget(3, 6);
    rasterizeLines(target, lines([0, 3.25, 3, 3.25, 1, 1]), COLORS, 2, IDENTITY);
    expect(alphaRows(target)).to.deep.equal([
      [0, 0, 0],
      [0, 0, 0],
      [0.75, 0.75, 0.75],
      [1, 1, 1],
      [0.25, 0.25, 0.25],
      [0, 0, 0],
    ]);
    expect(target.pixel(0, 2)).to.deep.equal([0, 0, 0.75, 0.75]);
  });

  it('rasterizeLines(line) covers the columns whose centre lies on the segment', () => {
    const target = new RasterTarget(6, 2);
    rasterizeLines(target, lines([1.2, 1, 4.2, 1, 1, 0]), COLORS, 1, IDENTITY);
    // Centres 1.5, 2.5, 3.5 lie on [1.2, 4.2]. Width 1 at y = 1: both rows are half a pixel away,
    // coverage 1 − 0.5.
    expect(alphaRows(target)).to.deep.equal([
      [0, 0.5, 0.5, 0.5, 0, 0],
      [0, 0.5, 0.5, 0.5, 0, 0],
    ]);
  });

  it('rasterizeLines(line) includes columns whose centre is an end point', () => {
    const target = new RasterTarget(6, 1);
    rasterizeLines(target, lines([1.5, 0.5, 4.5, 0.5, 1, 0]), COLORS, 1, IDENTITY);
    expect(alphaRows(target)).to.deep.equal([[0, 1, 1, 1, 1, 0]]);
  });

  it('rasterizeLines(line drawn right to left) draws the same pixels', () => {
    const a = new RasterTarget(5, 5);
    const b = new RasterTarget(5, 5);
    rasterizeLines(a, lines([0, 1, 5, 4, 0.5, 0]), COLORS, 1, IDENTITY);
    rasterizeLines(b, lines([5, 4, 0, 1, 0.5, 0]), COLORS, 1, IDENTITY);
    expect(b.data).to.deep.equal(a.data);
    expect(a.data.some((v) => v > 0)).to.equal(true);
  });

  it('rasterizeLines(diagonal line) measures coverage perpendicular to the line', () => {
    // y = x, width 1: half-width + 0.5 = 1; a pixel centre one row off is 1/√2 from the line.
    const target = new RasterTarget(8, 8);
    rasterizeLines(target, lines([0, 0, 8, 8, 1, 0]), COLORS, 1, IDENTITY);
    const edge = Math.fround(1 - 1 / Math.sqrt(2));
    expect(target.pixel(3, 3)[3]).to.equal(1);
    expect(target.pixel(3, 2)[3]).to.equal(edge);
    expect(target.pixel(3, 4)[3]).to.equal(edge);
    expect(target.pixel(3, 1)[3]).to.equal(0);
    expect(target.pixel(3, 5)[3]).to.equal(0);
  });

  it('rasterizeLines(lines, transform) maps (x − origin) · scale to pixels, line width included', () => {
    const target = new RasterTarget(4, 6);
    // (1, 2)–(3, 2) in CSS pixels, width 1, at scale 2 from origin (1, 0.5): y = 3, x 0–4, width 2.
    rasterizeLines(target, lines([1, 2, 3, 2, 1, 0]), COLORS, 1, { scale: 2, originX: 1, originY: 0.5 });
    expect(alphaRows(target)).to.deep.equal([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('rasterizeLines(alpha < MIN_VISIBLE_ALPHA) draws nothing', () => {
    expect(MIN_VISIBLE_ALPHA).to.equal(1 / 512);
    const target = new RasterTarget(4, 4);
    rasterizeLines(target, lines([0, 2, 4, 2, 1 / 1024, 0], [0, 2, 4, 2, 0, 1]), COLORS, 2, IDENTITY);
    expect(target.data.every((v) => v === 0)).to.equal(true);
    rasterizeLines(target, lines([0, 2, 4, 2, MIN_VISIBLE_ALPHA, 0]), COLORS, 2, IDENTITY);
    expect(target.pixel(0, 1)).to.deep.equal([1 / 512, 0, 0, 1 / 512]);
  });

  it('rasterizeLines(overlapping lines) composites premultiplied source-over, in order', () => {
    const target = new RasterTarget(2, 4);
    rasterizeLines(target, lines([0, 2, 2, 2, 0.5, 0], [0, 2, 2, 2, 0.25, 1]), COLORS, 2, IDENTITY);
    // Red at 0.5: [0.5, 0, 0, 0.5]; blue at 0.25 over it: rgb = 0.25·blue + 0.75·red, a = 0.25 + 0.75·0.5.
    expect(target.pixel(0, 1)).to.deep.equal([0.375, 0, 0.25, 0.625]);
    expect(target.pixel(1, 2)).to.deep.equal([0.375, 0, 0.25, 0.625]);
    expect(target.pixel(0, 0)).to.deep.equal([0, 0, 0, 0]);
  });

  it('rasterizeLines(many faint lines) adds them up in float', () => {
    const target = new RasterTarget(1, 2);
    const list = new LineList();
    for (let i = 0; i < 4; i++) list.push(0, 1, 1, 1, 0.5, 0);
    rasterizeLines(target, list, COLORS, 2, IDENTITY);
    // 1 − 0.5⁴.
    expect(target.pixel(0, 0)).to.deep.equal([0.9375, 0, 0, 0.9375]);
  });

  it('rasterizeLines(lines beyond the target) clips without wrapping into other columns', () => {
    const target = new RasterTarget(3, 4);
    // Centre y = 0.25, width 2, from x = −5 to 20: rows −1 and above fall outside.
    rasterizeLines(
      target,
      lines([-5, 0.25, 20, 0.25, 1, 0], [0, -10, 3, -10, 1, 0], [0, 30, 3, 30, 1, 0]),
      COLORS,
      2,
      IDENTITY,
    );
    expect(alphaRows(target)).to.deep.equal([
      [1, 1, 1],
      [0.25, 0.25, 0.25],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rasterizeLines(lines, …, start, budget) draws in slices that add up to one call', () => {
    const list = lines(
      [0, 1, 8, 7, 0.5, 0],
      [0, 6, 8, 2, 0.75, 1],
      [0, 3.25, 8, 3.25, 0.25, 0],
      [0, 0, 8, 8, 1, 1],
      [0, 7, 8, 0.5, 0.5, 0],
    );
    const whole = new RasterTarget(8, 8);
    expect(rasterizeLines(whole, list, COLORS, 1.5, IDENTITY)).to.equal(5);
    const sliced = new RasterTarget(8, 8);
    const stops: number[] = [];
    for (let i = 0; i < list.count;) {
      i = rasterizeLines(sliced, list, COLORS, 1.5, IDENTITY, i, 10);
      stops.push(i);
    }
    expect(stops, 'each slice draws one line once 10 pixel visits are spent').to.deep.equal([1, 2, 3, 4, 5]);
    expect(sliced.data).to.deep.equal(whole.data);
  });

  it('rasterizeLines(lines, …, start) starts at line start and returns the count when done', () => {
    const target = new RasterTarget(4, 4);
    const list = lines([0, 1, 4, 1, 1, 0], [0, 3, 4, 3, 1, 1]);
    expect(rasterizeLines(target, list, COLORS, 1, IDENTITY, 1)).to.equal(2);
    expect(target.pixel(0, 1)).to.deep.equal([0, 0, 0, 0]);
    expect(target.pixel(0, 3)[3]).to.equal(0.5);
  });

  it('rasterizeLines(vertical line) draws nothing', () => {
    const target = new RasterTarget(4, 4);
    rasterizeLines(target, lines([2, 0, 2, 4, 1, 0]), COLORS, 2, IDENTITY);
    expect(target.data.every((v) => v === 0)).to.equal(true);
  });
});

describe('RasterTarget', () => {
  it('toRgba8(out) writes straight-alpha RGBA rows, rounding to the nearest step', () => {
    const target = new RasterTarget(2, 3);
    target.data.set([0.375, 0, 0.25, 0.625], (1 * 3 + 2) * 4); // pixel (1, 2)
    target.data.set([0.2, 0.4, 0.6, 1], (0 * 3 + 1) * 4); // pixel (0, 1)
    const out = new Uint8ClampedArray(2 * 3 * 4).fill(7);
    target.toRgba8(out);
    const px = (x: number, y: number) => Array.from(out.subarray((y * 2 + x) * 4, (y * 2 + x + 1) * 4));
    // 0.375 / 0.625 · 255 = 153, 0.25 / 0.625 · 255 = 102, 0.625 · 255 = 159.375.
    expect(px(1, 2)).to.deep.equal([153, 0, 102, 159]);
    // float32 0.2, 0.4, 0.6 · 255 = 51, 102, 153 (+ float32 error far below half a step).
    expect(px(0, 1)).to.deep.equal([51, 102, 153, 255]);
    expect(px(0, 0)).to.deep.equal([0, 0, 0, 0]);
    expect(px(1, 0)).to.deep.equal([0, 0, 0, 0]);
    expect(px(1, 1)).to.deep.equal([0, 0, 0, 0]);
    expect(px(0, 2)).to.deep.equal([0, 0, 0, 0]);
  });

  it('toRgba8(out) of a drawn line gives the line colour at its coverage', () => {
    const target = new RasterTarget(3, 6);
    rasterizeLines(target, lines([0, 3.25, 3, 3.25, 1, 1]), COLORS, 2, IDENTITY);
    const out = new Uint8ClampedArray(3 * 6 * 4);
    target.toRgba8(out);
    const column0 = [0, 1, 2, 3, 4, 5].map((y) => Array.from(out.subarray(y * 12, y * 12 + 4)));
    expect(column0).to.deep.equal([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 255, 191],
      [0, 0, 255, 255],
      [0, 0, 255, 64],
      [0, 0, 0, 0],
    ]);
  });

  it('updateRgba8(out) after each slice gives the image toRgba8 gives; after clear() and a zeroed out, only the new picture', () => {
    const list = lines(
      [0, 1, 40, 30, 0.5, 0],
      [0, 30, 40, 2, 0.75, 1],
      [0, 12.25, 40, 12.25, 0.25, 0],
      [0, 0, 40, 31, 1, 1],
    );
    const target = new RasterTarget(40, 32);
    const out = new Uint8ClampedArray(40 * 32 * 4);
    for (let i = 0; i < list.count;) {
      i = rasterizeLines(target, list, COLORS, 1.5, IDENTITY, i, 10);
      target.updateRgba8(out);
    }
    const whole = new Uint8ClampedArray(out.length);
    target.toRgba8(whole);
    expect(out.some((v) => v > 0)).to.equal(true);
    expect(out).to.deep.equal(whole);
    target.clear();
    out.fill(0);
    rasterizeLines(target, lines([0, 20, 40, 22, 1, 0]), COLORS, 2, IDENTITY);
    target.updateRgba8(out);
    target.toRgba8(whole);
    expect(out).to.deep.equal(whole);
    expect(out[(0 * 40 + 0) * 4 + 3], 'the first picture is gone').to.equal(0);
  });

  it('clear() empties the image', () => {
    const target = new RasterTarget(2, 2);
    rasterizeLines(target, lines([0, 1, 2, 1, 1, 0]), COLORS, 2, IDENTITY);
    expect(target.data.some((v) => v > 0)).to.equal(true);
    target.clear();
    expect(target.data.every((v) => v === 0)).to.equal(true);
  });
});

describe('LineList', () => {
  it('push() past 1024 entries grows and keeps every value', () => {
    const list = new LineList();
    const n = 1500;
    for (let i = 0; i < n; i++) list.push(i, i + 0.5, 2 * i, -i, (i % 512) / 512, i % 7);
    expect(list.count).to.equal(n);
    expect(list.alpha.length).to.equal(2048);
    for (let i = 0; i < n; i++) {
      const got = [list.x0[i], list.y0[i], list.x1[i], list.y1[i], list.alpha[i], list.color[i]];
      if (got.join() !== [i, i + 0.5, 2 * i, -i, (i % 512) / 512, i % 7].join()) {
        expect(got, `line ${i}`).to.deep.equal([i, i + 0.5, 2 * i, -i, (i % 512) / 512, i % 7]);
      }
    }
  });

  it('push() allocates 1024 entries first', () => {
    const list = new LineList();
    expect(list.x0.length).to.equal(0);
    list.push(1, 2, 3, 4, 0.5, 1);
    expect([
      list.x0.length,
      list.y0.length,
      list.x1.length,
      list.y1.length,
      list.alpha.length,
      list.color.length,
    ]).to.deep.equal([1024, 1024, 1024, 1024, 1024, 1024]);
  });

  it('append(other) adds every line of other after its own, growing past its storage', () => {
    const list = new LineList();
    for (let i = 0; i < 1000; i++) list.push(i, 0, i + 1, 0, 0.5, 1);
    const other = new LineList();
    for (let i = 0; i < 100; i++) other.push(-i, 1, -i - 1, 2, 0.25, 3);
    list.append(other);
    expect(list.count).to.equal(1100);
    expect(list.alpha.length).to.be.at.least(1100);
    const line = (i: number) => [
      list.x0[i],
      list.y0[i],
      list.x1[i],
      list.y1[i],
      list.alpha[i],
      list.color[i],
    ];
    expect(line(999)).to.deep.equal([999, 0, 1000, 0, 0.5, 1]);
    expect(line(1000)).to.deep.equal([-0, 1, -1, 2, 0.25, 3]);
    expect(line(1099)).to.deep.equal([-99, 1, -100, 2, 0.25, 3]);
    expect(other.count, 'other is left as it was').to.equal(100);
  });

  it('clear() forgets the lines but keeps the storage', () => {
    const list = new LineList();
    for (let i = 0; i < 1025; i++) list.push(i, 0, i + 1, 0, 1, 0);
    list.clear();
    expect(list.count).to.equal(0);
    expect(list.x0.length).to.equal(2048);
    list.push(9, 8, 7, 6, 0.25, 1);
    expect([
      list.count,
      list.x0[0],
      list.y0[0],
      list.x1[0],
      list.y1[0],
      list.alpha[0],
      list.color[0],
    ]).to.deep.equal([1, 9, 8, 7, 6, 0.25, 1]);
  });
});
