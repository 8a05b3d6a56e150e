import { expect } from '@open-wc/testing';
import type { Rgb } from '../../src/core/palette.js';
import { coarseSize, LineList, RasterTarget, rasterizeLines } from '../../src/render/raster.js';
import { LinesRaster, type LineBand } from '../../src/render/scene.js';

const RED: Rgb = [1, 0, 0];
const BLUE: Rgb = [0, 0, 1];
const FAINT = 1 / 64;

function band(...entries: [number, number, number, number, number, number][]): LineBand {
  const lines = new LineList();
  for (const e of entries) lines.push(...e);
  return { lines, palette: [RED, BLUE], lineWidth: 2, linesX0: 0, linesX1: 20 };
}

/** RGBA8 of pixel (x, y) of an ImageData-shaped array `width` wide. */
const at = (data: Uint8ClampedArray, width: number, x: number, y: number) =>
  Array.from(data.subarray((y * width + x) * 4, (y * width + x + 1) * 4));

describe('LinesRaster', () => {
  // A strong red line (0.5) and, listed after it, a faint blue one (1/128) on the same row.
  const strongThenFaint = () => band([0, 6, 20, 6, 0.5, 0], [0, 6, 20, 6, 1 / 128, 1]);

  it('LinesRaster(faintBelow) draws fainter lines at half resolution, under the others', () => {
    const image = new LinesRaster(FAINT).draw('k', strongThenFaint(), 0, 12, 1);
    // Reference: the strong line alone at full size, the faint one at half size, composited.
    const fine = new RasterTarget(20, 12);
    rasterizeLines(fine, band([0, 6, 20, 6, 0.5, 0]).lines, [RED, BLUE], 2, {
      scale: 1,
      originX: 0,
      originY: 0,
    });
    const coarse = new RasterTarget(...coarseSize(20, 12));
    rasterizeLines(coarse, band([0, 6, 20, 6, 1 / 128, 1]).lines, [RED, BLUE], 2, {
      scale: 0.5,
      originX: 0,
      originY: 0,
    });
    for (const y of [3, 4, 5, 6, 7, 8]) {
      const f = fine.pixel(5, y);
      const c = coarse.pixel(2, y >> 1);
      const a = f[3] + c[3] * (1 - f[3]);
      if (a === 0) {
        expect(at(image.data, 20, 5, y), `row ${y}`).to.deep.equal([0, 0, 0, 0]);
        continue;
      }
      const rgb = [0, 1, 2].map((i) => Math.round(((f[i]! + c[i]! * (1 - f[3])) / a) * 255));
      expect(at(image.data, 20, 5, y), `row ${y}`).to.deep.equal([...rgb, Math.round(a * 255)]);
    }
    // Under: the row where both lines are whole shows red over blue, not blue over red.
    const [r, , b] = at(image.data, 20, 5, 6);
    expect(r).to.be.greaterThan(250);
    expect(b).to.be.lessThan(3);
    // Half resolution: the faint line covers rows 4–7 (two rows of the half-size image).
    const faintOnly = new LinesRaster(FAINT).draw('k', band([0, 6, 20, 6, 1 / 128, 1]), 0, 12, 1);
    const alphaRows = [2, 3, 4, 5, 6, 7, 8, 9].map((y) => at(faintOnly.data, 20, 5, y)[3]);
    expect(alphaRows).to.deep.equal([0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it('LinesRaster(faintBelow) composites every channel of every pixel: the fine image over the half-size one', () => {
    // Crossing lines with partial coverage, in colours with every channel set, so that each
    // channel of both images matters wherever they overlap.
    const TEAL: Rgb = [0.2, 0.6, 0.9];
    const ORANGE: Rgb = [0.8, 0.3, 0.1];
    const entries: [number, number, number, number, number, number][] = [
      [0, 2.3, 20, 9.6, 0.6, 0],
      [0, 10.2, 20, 1.7, 0.004, 1],
      [0, 5.6, 20, 6.9, 0.3, 1],
      [0, 0.8, 20, 11.1, 0.009, 0],
    ];
    const lines = new LineList();
    for (const e of entries) lines.push(...e);
    const image = new LinesRaster(FAINT).draw('k', { ...band(), lines, palette: [TEAL, ORANGE] }, 0, 12, 1);
    const t = { scale: 1, originX: 0, originY: 0 };
    const strong = new LineList();
    const faint = new LineList();
    for (const e of entries) (e[4] < FAINT ? faint : strong).push(...e);
    const fine = new RasterTarget(20, 12);
    rasterizeLines(fine, strong, [TEAL, ORANGE], 2, t);
    const coarse = new RasterTarget(...coarseSize(20, 12));
    rasterizeLines(coarse, faint, [TEAL, ORANGE], 2, { ...t, scale: 0.5 });
    let both = 0;
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 20; x++) {
        const f = fine.pixel(x, y);
        const c = coarse.pixel(x >> 1, y >> 1);
        if (f[3] > 0 && f[3] < 1 && c[3] > 0) both++;
        const a = f[3] + c[3] * (1 - f[3]);
        const want =
          a === 0
            ? [0, 0, 0, 0]
            : [
                ...[0, 1, 2].map((i) => Math.round(((f[i]! + c[i]! * (1 - f[3])) / a) * 255)),
                Math.round(a * 255),
              ];
        expect(at(image.data, 20, x, y), `pixel (${x}, ${y})`).to.deep.equal(want);
      }
    }
    expect(both, 'pixels where a partly covering line lies over a faint one').to.be.greaterThan(10);
  });

  it('LinesRaster() draws every line at full resolution, in order', () => {
    const image = new LinesRaster().draw('k', strongThenFaint(), 0, 12, 1);
    const exact = new RasterTarget(20, 12);
    rasterizeLines(exact, strongThenFaint().lines, [RED, BLUE], 2, { scale: 1, originX: 0, originY: 0 });
    const expected = new Uint8ClampedArray(20 * 12 * 4);
    exact.toRgba8(expected);
    expect(image.data).to.deep.equal(expected);
  });

  it('LinesRaster(faintBelow) drawn in slices gives the picture of one call, strong lines first', () => {
    const lines = band(
      [0, 1, 20, 11, 0.01, 1],
      [0, 2, 20, 9, 0.5, 0],
      [0, 11, 20, 0, 0.005, 0],
      [0, 5, 20, 5, 0.75, 1],
    );
    const whole = new LinesRaster(FAINT);
    const one = new Uint8ClampedArray(whole.draw('k', lines, 0, 12, 2).data);
    expect(whole.complete).to.equal(true);
    const sliced = new LinesRaster(FAINT);
    let image = sliced.draw('s', lines, 0, 12, 2, 1);
    expect(sliced.complete, 'one line per slice').to.equal(false);
    let slices = 1;
    while (!sliced.complete) {
      image = sliced.draw('s', lines, 0, 12, 2, 1);
      slices++;
    }
    expect(slices).to.equal(4);
    expect(image.data).to.deep.equal(one);
    expect(one.some((v) => v > 0)).to.equal(true);
  });
});

describe('LinesRaster.recycle', () => {
  const first = () => band([0, 2, 20, 10, 0.5, 0], [0, 9, 20, 3, 1 / 128, 1]);
  const second = () => band([0, 6, 20, 6, 0.75, 1], [0, 1, 20, 11, 1 / 100, 0]);
  const fresh = (b: LineBand) => new Uint8ClampedArray(new LinesRaster(FAINT).draw('x', b, 0, 12, 1).data);

  it('recycle() empties the float images: the next picture is the one a new raster draws', () => {
    const raster = new LinesRaster(FAINT);
    raster.draw('a', first(), 0, 12, 1);
    raster.recycle();
    const image = raster.draw('b', second(), 0, 12, 1);
    expect(image.data).to.deep.equal(fresh(second()));
    expect(image.data.some((v) => v > 0)).to.equal(true);
  });

  it('recycle() keeps the 8-bit picture for a draw with the same key', () => {
    const raster = new LinesRaster(FAINT);
    raster.draw('a', first(), 0, 12, 1);
    raster.recycle();
    expect(raster.draw('a', first(), 0, 12, 1).data).to.deep.equal(fresh(first()));
  });

  it('recycle() while slices remain does nothing: the picture continues as it would have', () => {
    const raster = new LinesRaster(FAINT);
    raster.draw('a', first(), 0, 12, 1, 1);
    expect(raster.complete).to.equal(false);
    raster.recycle();
    let image = raster.draw('a', first(), 0, 12, 1, 1);
    while (!raster.complete) image = raster.draw('a', first(), 0, 12, 1, 1);
    expect(image.data).to.deep.equal(fresh(first()));
  });
});
