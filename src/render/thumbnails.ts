/**
 * Thumbnail pictures of one head's attention, as opaque RGBA pixels over a background: a heatmap
 * of the (max-pooled) query × key matrix, or bertviz's lines from every query to every key (with
 * pooled opacities). Both cost a bounded amount per thumbnail once the matrix is pooled, whatever
 * the input length. Pure: no DOM. Sizes are in device pixels.
 */
import { layerMax } from '../core/aggregate.js';
import { headMatrix } from '../core/filters.js';
import type { Rgb } from '../core/palette.js';
import type { AttentionComponent } from '../core/types.js';
import { poolMax, poolMean, type PooledMatrix } from './pooling.js';
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

/** How a thumbnail draws a head: bertviz's lines, or the query × key matrix. */
export type ThumbnailMode = 'lines' | 'heatmap';

export const THUMBNAIL_MODES: readonly ThumbnailMode[] = ['lines', 'heatmap'];

/** What every thumbnail of a grid shares. Sizes in device pixels. */
export interface TileSpec {
  readonly mode: ThumbnailMode;
  readonly width: number;
  readonly height: number;
  /**
   * Most query and key bins a line thumbnail draws: denser lines would not read apart, and the
   * cost of a line thumbnail grows with the square of its lines.
   */
  readonly lineBins: number;
  readonly background: Rgb;
  /** Colour of the cells a causal mask hides in heatmaps. */
  readonly masked: Rgb;
}

/** Buffers reused from one thumbnail to the next (they grow to the largest asked for). */
export class TileScratch {
  pooled = new Float32Array(0);
  acc = new Float32Array(0);

  fit(pooled: number, acc: number): this {
    if (this.pooled.length < pooled) this.pooled = new Float32Array(pooled);
    if (this.acc.length < acc) this.acc = new Float32Array(acc);
    return this;
  }
}

/**
 * One head's thumbnail as `spec.width × spec.height` RGBA pixels: the whole matrix pooled to
 * the tile (max pooling for heatmaps, mean pooling for lines; see pooling.ts), each weight an
 * opacity of `color` over the background. Unnormalised data (scores, rollout) is scaled by the
 * layer's largest weight, as the head view does.
 */
export function headTile(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  color: Rgb,
  spec: TileSpec,
  scratch = new TileScratch(),
): Uint8ClampedArray {
  const [, , Q, K] = c.shape;
  const { width: tw, height: th } = spec;
  const m = headMatrix(c, layerIndex, headIndex);
  const scale = c.normalized ? 1 : 1 / Math.max(layerMax(c, layerIndex), Number.MIN_VALUE);
  const style: TileStyle = { color, background: spec.background, masked: spec.masked };
  const out = new Uint8ClampedArray(tw * th * 4);
  scratch.fit(tw * th, tw * (th + 2));
  if (spec.mode === 'heatmap') {
    const pooled = poolMax(m, Q, K, Math.min(Q, th), Math.min(K, tw), scratch.pooled);
    heatmapTile(pooled, tw, th, scale, style, c, out);
  } else {
    const bins = Math.max(1, spec.lineBins);
    const pooled = poolMean(m, Q, K, Math.min(Q, bins), Math.min(K, bins), scratch.pooled);
    linesTile(pooled, tw, th, scale, style, out, scratch.acc);
  }
  return out;
}

/**
 * Copies a `tw × th` tile into an RGBA image `width` pixels wide at pixel (x, y), clipped to the
 * image.
 */
export function blitTile(
  image: Uint8ClampedArray,
  width: number,
  tile: Uint8ClampedArray,
  tw: number,
  th: number,
  x: number,
  y: number,
): void {
  const height = image.length / (width * 4);
  const w = Math.min(tw, width - x);
  if (w <= 0 || x < 0 || y < 0) return;
  for (let r = 0; r < th && y + r < height; r++) {
    const src = r * tw * 4;
    image.set(tile.subarray(src, src + w * 4), ((y + r) * width + x) * 4);
  }
}

/**
 * 1 for each head (`layer * heads + head`) whose weights are all 0, e.g. every head of a causal
 * model's sentence A → B block, where no query sees a key: such a thumbnail would be blank.
 */
export function blankHeads(c: AttentionComponent): Uint8Array {
  const [L, H, Q, K] = c.shape;
  const out = new Uint8Array(L * H);
  const n = Q * K;
  for (let i = 0; i < L * H; i++) {
    const m = c.weights.subarray(i * n, (i + 1) * n);
    let k = 0;
    while (k < n && m[k] === 0) k++;
    out[i] = k === n ? 1 : 0;
  }
  return out;
}
