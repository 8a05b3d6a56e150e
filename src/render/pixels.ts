/**
 * Pictures as packed pixels: RGBA bytes with a 32-bit view of the same buffer, so that a cell of
 * one colour is a `fill` of words instead of four byte writes per pixel (the neuron view paints
 * 512 keys × 64 dimensions × 3 columns of cells per frame). A word is read in the platform's byte
 * order; every platform a browser runs on is little-endian, so a word is `0xAABBGGRR`.
 */
import type { Rgb } from '../core/palette.js';

export interface PackedImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA bytes: what `ImageData` and a scene image take. */
  readonly pixels: Uint8ClampedArray<ArrayBuffer>;
  /** The same pixels, one word each. */
  readonly words: Uint32Array;
}

/** The colours of a signed value: `positive` or `negative` over `background` by magnitude. */
export interface DivergingColors {
  readonly positive: Rgb;
  readonly negative: Rgb;
  readonly background: Rgb;
}

/** A transparent image of `width × height` pixels. */
export function packedImage(width: number, height: number): PackedImage {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  const pixels = new Uint8ClampedArray(w * h * 4);
  return { width: w, height: h, pixels, words: new Uint32Array(pixels.buffer) };
}

/** `color` over `background` at opacity `a` (0–1), as one opaque word. */
export function pack(color: Rgb, background: Rgb, a: number): number {
  const channel = (i: number) => Math.round((color[i]! * a + background[i]! * (1 - a)) * 255);
  return ((255 << 24) | (channel(2) << 16) | (channel(1) << 8) | channel(0)) >>> 0;
}

/** The colour of a word, as sRGB in 0–1 (its alpha dropped). */
export function unpack(word: number): Rgb {
  return [(word & 255) / 255, ((word >>> 8) & 255) / 255, ((word >>> 16) & 255) / 255];
}

/**
 * A value's colour as a word: `positive` when ≥ 0, else `negative`, over the background at
 * opacity |value| / scale (full from `scale` on).
 */
export function packed(value: number, scale: number, colors: DivergingColors): number {
  const a = scale > 0 ? Math.min(1, Math.abs(value) / scale) : 0;
  return pack(value >= 0 ? colors.positive : colors.negative, colors.background, a);
}

/** Fills a rectangle with one word; edges are rounded to whole pixels and clipped to the image. */
export function fill(image: PackedImage, x: number, y: number, w: number, h: number, word: number): void {
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(image.width, Math.round(x + w));
  const y0 = Math.max(0, Math.round(y));
  const y1 = Math.min(image.height, Math.round(y + h));
  if (x1 <= x0) return;
  const { words, width } = image;
  for (let py = y0; py < y1; py++) words.fill(word, py * width + x0, py * width + x1);
}

/**
 * Copies pixel row `source` to the rows `[from, to)` (clipped to the image): a row of cells is
 * painted once, one pixel high, then repeated down its height.
 */
export function repeatRow(image: PackedImage, source: number, from: number, to: number): void {
  const { words, width } = image;
  if (source < 0 || source >= image.height) return;
  const start = source * width;
  for (let y = Math.max(0, from); y < Math.min(image.height, to); y++) {
    if (y !== source) words.copyWithin(y * width, start, start + width);
  }
}
