import { expect } from '@open-wc/testing';
import { dropBuffers, giveBuffer, takeBuffer } from '../../src/render/buffers.js';
import { LineList } from '../../src/render/raster.js';
import { LinesRaster } from '../../src/render/scene.js';

const MB = 1024 * 1024;

describe('takeBuffer / giveBuffer', () => {
  beforeEach(() => dropBuffers());
  afterEach(() => dropBuffers());

  it('hands a given buffer out again, zeroed, for a request it fits (up to twice its size)', () => {
    const buffer = takeBuffer(MB);
    new Uint8Array(buffer).fill(9);
    giveBuffer(buffer);
    const again = takeBuffer(MB / 2 + 1);
    expect(again).to.equal(buffer);
    expect(new Uint8Array(again, 0, MB / 2 + 1).every((b) => b === 0)).to.equal(true);
    // Taken: not handed out twice.
    expect(takeBuffer(MB / 2 + 1)).not.to.equal(buffer);
  });

  it('makes a new buffer when none fits: too small, more than twice too large, or too small to keep', () => {
    const small = takeBuffer(MB);
    giveBuffer(small);
    expect(takeBuffer(2 * MB)).not.to.equal(small);
    expect(takeBuffer(MB / 4)).not.to.equal(small);
    const tiny = new ArrayBuffer(1024);
    giveBuffer(tiny);
    expect(takeBuffer(1024)).not.to.equal(tiny);
  });

  it('takes the smallest buffer that fits', () => {
    const large = new ArrayBuffer(2 * MB);
    const fitting = new ArrayBuffer(MB + 16);
    giveBuffer(large);
    giveBuffer(fitting);
    expect(takeBuffer(MB)).to.equal(fitting);
  });

  it('keeps no buffer alive: the garbage collector may take a given one back', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'window.gc (--js-flags=--expose-gc)').to.be.a('function');
    const ref = (() => {
      const buffer = new ArrayBuffer(MB);
      giveBuffer(buffer);
      return new WeakRef(buffer);
    })();
    // A weak reference holds its target until the current job ends.
    await new Promise((r) => setTimeout(r, 0));
    gc!();
    expect(ref.deref()).to.equal(undefined);
    expect(takeBuffer(MB).byteLength).to.equal(MB);
  });

  it('keeps at most 12 buffers, dropping the oldest', () => {
    const given = Array.from({ length: 13 }, () => new ArrayBuffer(MB));
    given.forEach((b) => giveBuffer(b));
    const taken = new Set(Array.from({ length: 13 }, () => takeBuffer(MB)));
    expect(taken.has(given[0]!)).to.equal(false);
    expect(given.slice(1).every((b) => taken.has(b))).to.equal(true);
  });
});

describe('LinesRaster.release', () => {
  beforeEach(() => dropBuffers());
  afterEach(() => dropBuffers());

  const band = (y: number) => {
    const lines = new LineList();
    for (let i = 0; i < 40; i++) lines.push(0, y + i, 600, 300 - i, 0.5, i % 2);
    return {
      lines,
      palette: [[1, 0, 0] as const, [0, 0, 1] as const],
      lineWidth: 2,
      linesX0: 0,
      linesX1: 600,
    };
  };

  /** Index of the first byte where two pictures differ, or -1 (a failing deep equal of 10⁶ bytes would take minutes to print). */
  const firstDifference = (a: Uint8ClampedArray, b: Uint8ClampedArray) =>
    a.length === b.length ? a.findIndex((v, i) => v !== b[i]) : 0;

  it('gives its buffers to the next raster, and draws the same picture again with new ones', () => {
    const a = new LinesRaster(1 / 64);
    const first = a.draw('a', band(10), 0, 400, 1, Infinity, 500).data.slice();
    a.release();
    const b = new LinesRaster(1 / 64);
    const other = b.draw('b', band(200), 0, 400, 1, Infinity, 500).data.slice();
    // b drew on a's buffers (zeroed): its picture is its own, and a's next picture is a's.
    expect(firstDifference(other, new LinesRaster(1 / 64).draw('c', band(200), 0, 400, 1).data)).to.equal(-1);
    expect(firstDifference(a.draw('a', band(10), 0, 400, 1, Infinity, 500).data, first)).to.equal(-1);
    expect(firstDifference(b.draw('b', band(200), 0, 400, 1, Infinity, 500).data, other)).to.equal(-1);
  });

  it('makes its buffers as tall as its capacity, so that a taller band later reuses them', () => {
    const a = new LinesRaster(1 / 64);
    const image = a.draw('a', band(10), 0, 300, 1, Infinity, 500);
    expect(image.data.buffer.byteLength).to.equal(600 * 500 * 4);
    a.release();
    const b = new LinesRaster(1 / 64);
    expect(b.draw('b', band(10), 0, 500, 1, Infinity, 500).data.buffer).to.equal(image.data.buffer);
  });
});
