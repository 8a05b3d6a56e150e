import { expect } from '@open-wc/testing';
import type { Rgb } from '../../src/core/palette.js';
import type { AttentionComponent } from '../../src/core/types.js';
import {
  blankHeads,
  blitTile,
  headTile,
  opacityWords,
  TileScratch,
  type TileSpec,
} from '../../src/render/thumbnails.js';

const RED: Rgb = [1, 0, 0];
const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [0.5, 0.5, 0.5];

/** A self-attention component of one layer from head matrices (rows of numbers). */
function component(heads: number[][][], causal = false): AttentionComponent {
  const n = heads[0]!.length;
  const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
  return {
    name: 'self',
    queryTokens: tokens,
    keyTokens: tokens,
    weights: Float32Array.from(heads.flat(2)),
    shape: [1, heads.length, n, n],
    layers: [0],
    heads: heads.map((_, i) => i),
    causal,
    normalized: true,
    queryStart: 0,
    keyStart: 0,
  };
}

const IDENTITY = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];

const spec = (mode: TileSpec['mode'], width: number, height: number): TileSpec => ({
  mode,
  width,
  height,
  lineBins: 4,
  background: BLACK,
  masked: GREY,
});

/** Red channel of pixel (x, y) of a tile `width` pixels wide. */
const red = (tile: Uint8ClampedArray, width: number, x: number, y: number) => tile[(y * width + x) * 4];

describe('headTile', () => {
  it('draws a heatmap of queries (down) × keys (across), one bin per pixel', () => {
    const tile = headTile(component([IDENTITY]), 0, 0, RED, spec('heatmap', 4, 4));
    expect(tile.length).to.equal(4 * 4 * 4);
    const rows = [0, 1, 2, 3].map((y) => [0, 1, 2, 3].map((x) => red(tile, 4, x, y)));
    expect(rows).to.deep.equal([
      [255, 0, 0, 0],
      [0, 255, 0, 0],
      [0, 0, 255, 0],
      [0, 0, 0, 255],
    ]);
    expect(tile[3]).to.equal(255);
  });

  it('greys the keys a causal mask hides in heatmaps', () => {
    const causal = [
      [1, 0],
      [0.5, 0.5],
    ];
    const tile = headTile(component([causal], true), 0, 0, RED, spec('heatmap', 2, 2));
    expect([...tile.subarray(4, 8)]).to.deep.equal([128, 128, 128, 255]);
    expect([...tile.subarray(12, 16)]).to.deep.equal([128, 0, 0, 255]);
  });

  it('draws lines from each query to its keys: the identity is horizontal lines', () => {
    const tile = headTile(component([IDENTITY]), 0, 0, RED, spec('lines', 8, 16));
    // Query q's line runs at y = 4q + 2 (between pixel rows 4q + 1 and 4q + 2), in every column.
    for (const x of [0, 4, 7]) {
      expect(
        [0, 1, 2, 3, 4, 5].map((y) => red(tile, 8, x, y)),
        `column ${x}`,
      ).to.deep.equal([0, 255, 255, 0, 0, 255]);
    }
  });

  it('gives a line the exact opacity of its weight, split between the two rows nearest its centre', () => {
    // One query and one key: a horizontal line of opacity 0.5 at y = 2 of 4 rows, half in row 1
    // and half in row 2, each with half its log-transparency: opacity 1 − √0.5 = 0.2929.
    const c = component([[[0.5]]]);
    const tile = headTile(c, 0, 0, RED, spec('lines', 3, 4));
    expect([0, 1, 2, 3].map((y) => red(tile, 3, 1, y))).to.deep.equal([0, 75, 75, 0]);
  });

  it('draws each head of a component in its colour, reusing scratch buffers', () => {
    const c = component([IDENTITY, IDENTITY.map((row) => [...row].reverse())]);
    const scratch = new TileScratch();
    headTile(c, 0, 0, RED, spec('heatmap', 4, 4), scratch);
    const pooled = scratch.pooled;
    const tile = headTile(c, 0, 1, [0, 1, 0], spec('heatmap', 4, 4), scratch);
    expect(scratch.pooled).to.equal(pooled);
    // Head 1 is the anti-diagonal, in green.
    expect([...tile.subarray(12, 16)]).to.deep.equal([0, 255, 0, 255]);
  });
});

describe('headTile into a shared buffer', () => {
  it('writes every pixel of its tile into `out`, a view of a larger buffer, and nothing around it', () => {
    const buffer = new ArrayBuffer(3 * 8 * 16 * 4);
    new Uint8Array(buffer).fill(7);
    const size = 8 * 16 * 4;
    const out = new Uint8ClampedArray(buffer, size, size);
    const tile = headTile(component([IDENTITY]), 0, 0, RED, spec('lines', 8, 16), undefined, out);
    expect(tile).to.equal(out);
    expect([...tile]).to.deep.equal([...headTile(component([IDENTITY]), 0, 0, RED, spec('lines', 8, 16))]);
    const bytes = new Uint8Array(buffer);
    expect(bytes.subarray(0, size).every((b) => b === 7)).to.equal(true);
    expect(bytes.subarray(2 * size).every((b) => b === 7)).to.equal(true);
  });

  it('rejects an `out` of another size, naming both sizes', () => {
    expect(() =>
      headTile(component([IDENTITY]), 0, 0, RED, spec('heatmap', 4, 4), undefined, new Uint8ClampedArray(10)),
    ).to.throw('headTile: out must hold 4 × 4 pixels (64 bytes); received 10');
  });
});

describe('TileScratch.words', () => {
  it('gives grids in the same colours one table, made by opacityWords', () => {
    const a = new TileScratch().words([0.2, 0.4, 0.6], [0.1, 0.1, 0.1]);
    const b = new TileScratch().words([0.2, 0.4, 0.6], [0.1, 0.1, 0.1]);
    expect(b).to.equal(a);
    expect([...a]).to.deep.equal([...opacityWords([0.2, 0.4, 0.6], [0.1, 0.1, 0.1])]);
    expect(new TileScratch().words([0.2, 0.4, 0.6], [0.9, 0.9, 0.9])).not.to.equal(a);
  });
});

describe('opacityWords', () => {
  it('holds the colour over the background at opacity 1 − exp(−k / 1024), as RGBA words', () => {
    const words = opacityWords([1, 0.5, 0], [0, 0, 1]);
    const rgba = (k: number) => [...new Uint8Array(words.buffer, k * 4, 4)];
    expect(rgba(0)).to.deep.equal([0, 0, 255, 255]);
    // 1 − e⁻¹ = 0.632: red 161.2, green 80.6, blue 93.8.
    expect(rgba(1024)).to.deep.equal([161, 81, 94, 255]);
    // The last entry is e⁻⁸ (0.03%) short of opaque: green 127.46.
    expect(rgba(words.length - 1)).to.deep.equal([255, 127, 0, 255]);
  });
});

describe('blitTile', () => {
  it('copies a tile into an image at a pixel, clipped to the image', () => {
    const image = new Uint32Array(3 * 3);
    const tile = Uint32Array.from({ length: 2 * 2 }, (_, i) => i + 1);
    blitTile(image, 3, tile, 2, 2, 1, 1);
    expect([...image]).to.deep.equal([0, 0, 0, 0, 1, 2, 0, 3, 4]);
    const corner = new Uint32Array(3 * 3);
    blitTile(corner, 3, tile, 2, 2, 2, 2);
    expect([...corner]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('blankHeads', () => {
  it('marks the heads whose weights are all 0', () => {
    const zero = IDENTITY.map((row) => row.map(() => 0));
    expect([...blankHeads(component([IDENTITY, zero, IDENTITY]))]).to.deep.equal([0, 1, 0]);
  });
});
