import { expect } from '@open-wc/testing';
import type { Rgb } from '../../src/core/palette.js';
import {
  fill,
  pack,
  packed,
  packedImage,
  repeatRow,
  unpack,
  type DivergingColors,
} from '../../src/render/pixels.js';

const WHITE: Rgb = [1, 1, 1];
const COLORS: DivergingColors = { positive: [0, 0, 1], negative: [1, 0.5, 0], background: WHITE };

/** RGBA bytes of one pixel. */
const bytes = (image: ReturnType<typeof packedImage>, x: number, y: number) => [
  ...image.pixels.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4),
];

describe('pixels', () => {
  it('pack([1, 0.5, 0], white, 1) is the opaque word of RGBA bytes 255, 128, 0, 255', () => {
    const image = packedImage(1, 1);
    image.words[0] = pack([1, 0.5, 0], WHITE, 1);
    expect(bytes(image, 0, 0)).to.deep.equal([255, 128, 0, 255]);
  });

  it('pack(black, white, 0.25) mixes a quarter of the colour into the background', () => {
    expect(unpack(pack([0, 0, 0], WHITE, 0.25))).to.deep.equal([191 / 255, 191 / 255, 191 / 255]);
  });

  it('packed(value, scale) is positive or negative by sign, saturating at the scale', () => {
    expect(packed(2, 2, COLORS)).to.equal(pack([0, 0, 1], WHITE, 1));
    expect(packed(-1, 2, COLORS)).to.equal(pack([1, 0.5, 0], WHITE, 0.5));
    expect(packed(9, 2, COLORS)).to.equal(packed(2, 2, COLORS));
    expect(packed(0, 2, COLORS)).to.equal(pack(WHITE, WHITE, 1));
  });

  it('packed(value, 0) is the background, not NaN', () => {
    expect(packed(3, 0, COLORS)).to.equal(pack(WHITE, WHITE, 1));
  });

  it('fill(image, 0.6, 1, 2, 5) rounds the edges to pixels 1–2 and clips at the bottom', () => {
    const image = packedImage(4, 3);
    fill(image, 0.6, 1, 2, 5, 0xff0000ff);
    const painted = (x: number, y: number) => image.words[y * 4 + x] !== 0;
    const rows = [0, 1, 2].map((y) => [0, 1, 2, 3].map((x) => painted(x, y)));
    expect(rows).to.deep.equal([
      [false, false, false, false],
      [false, true, true, false],
      [false, true, true, false],
    ]);
    expect(bytes(image, 1, 1)).to.deep.equal([255, 0, 0, 255]);
  });

  it('fill outside the image changes nothing', () => {
    const image = packedImage(2, 2);
    fill(image, -5, -5, 3, 3, 0xffffffff);
    fill(image, 2, 0, 4, 2, 0xffffffff);
    expect([...image.words]).to.deep.equal([0, 0, 0, 0]);
  });

  it('repeatRow(image, 1, 0, 4) copies row 1 over rows 0, 2 and 3', () => {
    const image = packedImage(2, 4);
    image.words.set([7, 8], 2);
    repeatRow(image, 1, 0, 9);
    expect([...image.words]).to.deep.equal([7, 8, 7, 8, 7, 8, 7, 8]);
  });

  it('packedImage(2.7, 1.2) is 2 × 1 pixels, transparent', () => {
    const image = packedImage(2.7, 1.2);
    expect([image.width, image.height, image.pixels.length, image.words.length]).to.deep.equal([2, 1, 8, 2]);
    expect([...image.pixels]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
