/**
 * Thumbnail pictures of one head's attention, as opaque RGBA pixels over a background: a heatmap
 * of the (max-pooled) query × key matrix, or bertviz's lines from every query to every key (with
 * pooled opacities). Both cost a bounded amount per thumbnail once the matrix is pooled, whatever
 * the input length. Pure: no DOM. Sizes are in device pixels.
 */
import type { Rgb } from '../core/palette.js';
import type { PooledMatrix } from './pooling.js';
import { MIN_VISIBLE_ALPHA } from './raster.js';

export interface TileStyle {
  /** Colour of attention (the head's colour). */
  readonly color: Rgb;
  readonly background: Rgb;
  /** Colour of cells a causal mask hides (the model never sees them), if any. */
  readonly masked?: Rgb | undefined;
}

/** Where a pooled matrix sits in the model's input, for the causal mask. */
export interface MaskInfo {
  readonly causal: boolean;
  readonly queryStart: number;
  readonly keyStart: number;
}

/** Log-transparency of a fully opaque line: −20 (opacity 1 − 2·10⁻⁹), finite so that sums stay numbers. */
const OPAQUE_LOG = -20;

function write(out: Uint8ClampedArray, o: number, a: number, s: TileStyle, base: Rgb): void {
  const keep = 1 - a;
  out[o] = (s.color[0] * a + base[0] * keep) * 255;
  out[o + 1] = (s.color[1] * a + base[1] * keep) * 255;
  out[o + 2] = (s.color[2] * a + base[2] * keep) * 255;
  out[o + 3] = 255;
}

/**
 * Heatmap: pixel (x, y) shows the bin under it, opacity = pooled weight × `scale` (clamped to 1);
 * queries run down, keys across. Bins a causal mask hides entirely get the `masked` colour.
 * Writes `width × height` row-major pixels into `out`.
 */
export function heatmapTile(
  p: PooledMatrix,
  width: number,
  height: number,
  scale: number,
  style: TileStyle,
  mask: MaskInfo,
  out: Uint8ClampedArray,
): void {
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(p.cols - 1, Math.floor(((x + 0.5) * p.cols) / width));
  for (let y = 0; y < height; y++) {
    const i = Math.min(p.rows - 1, Math.floor(((y + 0.5) * p.rows) / height));
    const row = p.data.subarray(i * p.cols, (i + 1) * p.cols);
    // Keys from this bin's first hidden one onwards are masked for every query of the bin.
    const lastQuery = mask.queryStart + p.rowEdges[i + 1]! - 1;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const j = colOf[x]!;
      if (style.masked && mask.causal && mask.keyStart + p.colEdges[j]! > lastQuery) {
        write(out, o, 0, style, style.masked);
        continue;
      }
      const a = Math.min(1, row[j]! * scale);
      write(out, o, a, style, style.background);
    }
  }
}

/**
 * Lines: from each query bin's centre on the left edge to each key bin's centre on the right
 * edge, one pixel thick, with opacity = the bin's value × `scale` (see `poolMean`); lines fainter
 * than `MIN_VISIBLE_ALPHA` change no pixel and are left out. Lines of one head share a colour,
 * so compositing them ("over") is order-free: transparencies multiply, so their logs add. Each
 * line adds its log-transparency to the two rows nearest its centre in every column (linear
 * weights), and a pixel's opacity is `1 − exp(sum)`. `acc` is scratch space of at least
 * `width × (height + 2)` floats.
 */
export function linesTile(
  p: PooledMatrix,
  width: number,
  height: number,
  scale: number,
  style: TileStyle,
  out: Uint8ClampedArray,
  acc: Float32Array,
): void {
  // Column-major with a spare row above and below each column, so that the two-row splat
  // needs no bounds checks: column x, row r (from -1 to height) is at x * stride + r + 1.
  const stride = height + 2;
  const n = width * stride;
  const sum = acc.length >= n ? acc.subarray(0, n) : new Float32Array(n);
  sum.fill(0);
  const Q = p.rowEdges[p.rows]!;
  const K = p.colEdges[p.cols]!;
  const yq = new Float32Array(p.rows);
  const yk = new Float32Array(p.cols);
  // Row coordinates shifted by +1 (the spare row) and -0.5 (pixel centres).
  for (let i = 0; i < p.rows; i++) yq[i] = (height * (p.rowEdges[i]! + p.rowEdges[i + 1]!)) / (2 * Q) + 0.5;
  for (let j = 0; j < p.cols; j++) yk[j] = (height * (p.colEdges[j]! + p.colEdges[j + 1]!)) / (2 * K) + 0.5;
  for (let i = 0; i < p.rows; i++) {
    const y0 = yq[i]!;
    const base = i * p.cols;
    for (let j = 0; j < p.cols; j++) {
      const a = p.data[base + j]! * scale;
      if (a < MIN_VISIBLE_ALPHA) continue;
      const l = a >= 1 ? OPAQUE_LOG : Math.max(OPAQUE_LOG, Math.log1p(-a));
      const step = (yk[j]! - y0) / width;
      let y = y0 + 0.5 * step;
      for (let col = 0; col < n; col += stride, y += step) {
        const r = y | 0;
        const lf = l * (y - r);
        sum[col + r]! += l - lf;
        sum[col + r + 1]! += lf;
      }
    }
  }
  const bg = style.background;
  for (let i = 0, o = 0; i < width * height; i++, o += 4) {
    const s = sum[(i % width) * stride + ((i / width) | 0) + 1]!;
    if (s === 0) {
      out[o] = bg[0] * 255;
      out[o + 1] = bg[1] * 255;
      out[o + 2] = bg[2] * 255;
      out[o + 3] = 255;
    } else {
      write(out, o, 1 - Math.exp(s), style, bg);
    }
  }
}
