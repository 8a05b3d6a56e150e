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

/**
 * Words (see pixels.ts) of `color` over `background` at opacities from a log-transparency: entry
 * `k` is the colour at opacity `1 − exp(−k / LOG_STEPS)`, so that a pixel's colour is one table
 * read instead of an `exp` and three blends (a line thumbnail has ~5,000 pixels, a grid 144
 * thumbnails). Steps of 1/1024 in log-transparency move the opacity by at most 1/2048 (a quarter
 * of an 8-bit level); beyond `LOG_RANGE` the opacity is within 4·10⁻⁴ of 1, and the last entry.
 */
const LOG_STEPS = 1024;
const LOG_RANGE = 8;

function blend(color: Rgb, background: Rgb, a: number): number {
  const channel = (i: number) => ((color[i]! * a + background[i]! * (1 - a)) * 255 + 0.5) | 0;
  return ((255 << 24) | (channel(2) << 16) | (channel(1) << 8) | channel(0)) >>> 0;
}

/** `exp(−k / LOG_STEPS)` for every entry of an `opacityWords` table, computed once. */
let transparencies: Float64Array | undefined;

/** The table of `color` over `background` by log-transparency (see `LOG_STEPS`). */
export function opacityWords(color: Rgb, background: Rgb): Uint32Array {
  const n = LOG_STEPS * LOG_RANGE + 1;
  if (!transparencies) {
    transparencies = new Float64Array(n);
    for (let k = 0; k < n; k++) transparencies[k] = Math.exp(-k / LOG_STEPS);
  }
  const t = transparencies;
  // Channel = (background + (color − background) × opacity) × 255, rounded; opacity = 1 − t[k].
  const [r1, g1, b1] = color.map((c) => c * 255 + 0.5) as [number, number, number];
  const [dr, dg, db] = background.map((c, i) => (c - color[i]!) * 255) as [number, number, number];
  const words = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const tk = t[k]!;
    words[k] =
      (0xff000000 | (((b1 + db * tk) | 0) << 16) | (((g1 + dg * tk) | 0) << 8) | ((r1 + dr * tk) | 0)) >>> 0;
  }
  return words;
}

/**
 * Heatmap: pixel (x, y) shows the bin under it, opacity = pooled weight × `scale` (clamped to 1);
 * queries run down, keys across. Bins a causal mask hides entirely get the `masked` colour.
 * Writes `width × height` row-major pixels into `out` (one word each, see pixels.ts). Pixel rows
 * over the same bin row are one row copied.
 */
export function heatmapTile(
  p: PooledMatrix,
  width: number,
  height: number,
  scale: number,
  style: TileStyle,
  mask: MaskInfo,
  out: Uint32Array,
): void {
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(p.cols - 1, Math.floor(((x + 0.5) * p.cols) / width));
  const masked = style.masked && mask.causal ? blend(style.masked, style.masked, 1) : -1;
  const binWords = new Uint32Array(p.cols);
  let last = -1;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const i = Math.min(p.rows - 1, Math.floor(((y + 0.5) * p.rows) / height));
    if (i === last) {
      out.copyWithin(o, o - width, o);
      continue;
    }
    last = i;
    // Keys from this bin's first hidden one onwards are masked for every query of the bin.
    const lastQuery = mask.queryStart + p.rowEdges[i + 1]! - 1;
    for (let j = 0; j < p.cols; j++) {
      binWords[j] =
        masked >= 0 && mask.keyStart + p.colEdges[j]! > lastQuery
          ? masked
          : blend(style.color, style.background, Math.min(1, p.data[i * p.cols + j]! * scale));
    }
    for (let x = 0; x < width; x++) out[o + x] = binWords[colOf[x]!]!;
  }
}

/**
 * Lines: from each query bin's centre on the left edge to each key bin's centre on the right
 * edge, one pixel thick, with opacity = the bin's value × `scale` (see `poolMean`); lines fainter
 * than `MIN_VISIBLE_ALPHA` change no pixel and are left out. Lines of one head share a colour,
 * so compositing them ("over") is order-free: transparencies multiply, so their logs add. Each
 * line adds its log-transparency to the two rows nearest its centre in every column (linear
 * weights), and a pixel's opacity is `1 − exp(sum)`, read from `words` (`opacityWords` of the
 * head's colour). Writes `width × height` row-major pixels into `out` (one word each). `acc` is
 * scratch space of at least `width × (height + 2)` doubles (double, not single precision: no
 * conversion on each of the splat's reads and writes, ~20% faster).
 */
export function linesTile(
  p: PooledMatrix,
  width: number,
  height: number,
  scale: number,
  words: Uint32Array,
  out: Uint32Array,
  acc: Float64Array,
): void {
  // Row-major with a spare row above and below, so that the two-row splat needs no bounds
  // checks: column x, row r (from -1 to height) is at (r + 1) * width + x.
  const n = width * (height + 2);
  const sum = acc.length >= n ? acc.subarray(0, n) : new Float64Array(n);
  sum.fill(0);
  const Q = p.rowEdges[p.rows]!;
  const K = p.colEdges[p.cols]!;
  const yq = new Float64Array(p.rows);
  const yk = new Float64Array(p.cols);
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
      for (let x = 0; x < width; x++, y += step) {
        const r = y | 0;
        const lf = l * (y - r);
        const k = r * width + x;
        sum[k]! += l - lf;
        sum[k + width]! += lf;
      }
    }
  }
  const last = words.length - 1;
  for (let i = 0; i < width * height; i++) {
    // Log-transparency in table steps, rounded to the nearest (0 where no line passes).
    const k = (-sum[i + width]! * LOG_STEPS + 0.5) | 0;
    out[i] = words[k < last ? k : last]!;
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
  /** For a difference of attentions (`signed`): its colours and scale. */
  readonly diverging?: Diverging | undefined;
}

/** How a difference (A − B) is drawn: A's larger weights in one colour, B's in another. */
export interface Diverging {
  /** Where A attends more. */
  readonly positive: Rgb;
  /** Where B attends more. */
  readonly negative: Rgb;
  /** Opacity per unit of difference: 1 / the largest difference, so that it is fully opaque. */
  readonly scale: number;
}

/** Buffers reused from one thumbnail to the next (they grow to the largest asked for). */
export class TileScratch {
  pooled = new Float32Array(0);
  acc = new Float64Array(0);
  /** `opacityWords` tables by head colour (the same objects for every thumbnail of a grid). */
  private readonly tables = new WeakMap<Rgb, { background: Rgb; words: Uint32Array }>();

  fit(pooled: number, acc: number): this {
    if (this.pooled.length < pooled) this.pooled = new Float32Array(pooled);
    if (this.acc.length < acc) this.acc = new Float64Array(acc);
    return this;
  }

  /** The `opacityWords` table of `color` over `background`, looked up once per pair of objects. */
  words(color: Rgb, background: Rgb): Uint32Array {
    let t = this.tables.get(color);
    if (t?.background !== background) {
      t = { background, words: sharedWords(color, background) };
      this.tables.set(color, t);
    }
    return t.words;
  }
}

/**
 * `opacityWords` tables by colour values, shared by every grid on the page: a new grid (new
 * data, another view, a theme switch back) in the same colours reuses them instead of making 12
 * tables of 8,193 entries again. The most recently used `SHARED_TABLES` are kept (32 KB each).
 */
const shared = new Map<string, Uint32Array>();
const SHARED_TABLES = 48;

function sharedWords(color: Rgb, background: Rgb): Uint32Array {
  const key = `${color.join()}/${background.join()}`;
  let words = shared.get(key);
  if (words) shared.delete(key);
  else {
    words = opacityWords(color, background);
    if (shared.size >= SHARED_TABLES) shared.delete(shared.keys().next().value!);
  }
  shared.set(key, words);
  return words;
}

/**
 * One head's thumbnail as `spec.width × spec.height` RGBA pixels: the whole matrix pooled to
 * the tile (max pooling for heatmaps, mean pooling for lines; see pooling.ts), each weight an
 * opacity of `color` over the background. Unnormalised data (scores, rollout) is scaled by the
 * layer's largest weight, as the head view does. Written into `out` when given (every pixel:
 * a grid's thumbnails can share one buffer rather than allocate 144 small ones).
 */
export function headTile(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  color: Rgb,
  spec: TileSpec,
  scratch = new TileScratch(),
  out = new Uint8ClampedArray(spec.width * spec.height * 4),
): Uint8ClampedArray<ArrayBuffer> {
  const [, , Q, K] = c.shape;
  const { width: tw, height: th } = spec;
  if (out.length !== tw * th * 4) {
    throw new Error(
      `headTile: out must hold ${tw} × ${th} pixels (${tw * th * 4} bytes); received ${out.length}`,
    );
  }
  const m = headMatrix(c, layerIndex, headIndex);
  const words = new Uint32Array(out.buffer, out.byteOffset, tw * th);
  if (c.signed && spec.diverging) {
    signedTile(m, Q, K, spec, spec.diverging, words);
    return out;
  }
  const scale = c.normalized ? 1 : 1 / Math.max(layerMax(c, layerIndex), Number.MIN_VALUE);
  scratch.fit(tw * th, tw * (th + 2));
  if (spec.mode === 'heatmap') {
    const pooled = poolMax(m, Q, K, Math.min(Q, th), Math.min(K, tw), scratch.pooled);
    const style: TileStyle = { color, background: spec.background, masked: spec.masked };
    heatmapTile(pooled, tw, th, scale, style, c, words);
  } else {
    const bins = Math.max(1, spec.lineBins);
    const pooled = poolMean(m, Q, K, Math.min(Q, bins), Math.min(K, bins), scratch.pooled);
    linesTile(pooled, tw, th, scale, scratch.words(color, spec.background), words, scratch.acc);
  }
  return out;
}

/**
 * A difference's heatmap: each pixel the bin's largest difference of either sign (max pooling of
 * both), in the colour of its sign, opacity |difference| × `d.scale`, into `words`. Comparisons
 * are short inputs: the two sign planes are plain copies.
 */
function signedTile(
  m: Float32Array,
  Q: number,
  K: number,
  spec: TileSpec,
  d: Diverging,
  words: Uint32Array,
): void {
  const { width: tw, height: th, background } = spec;
  const plus = new Float32Array(m.length);
  const minus = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const w = m[i]!;
    if (w > 0) plus[i] = w;
    else minus[i] = -w;
  }
  const rows = Math.min(Q, th);
  const cols = Math.min(K, tw);
  const p = poolMax(plus, Q, K, rows, cols);
  const n = poolMax(minus, Q, K, rows, cols);
  for (let y = 0; y < th; y++) {
    const i = Math.min(p.rows - 1, Math.floor(((y + 0.5) * p.rows) / th));
    for (let x = 0; x < tw; x++) {
      const j = Math.min(p.cols - 1, Math.floor(((x + 0.5) * p.cols) / tw));
      const a = p.data[i * p.cols + j]!;
      const b = n.data[i * p.cols + j]!;
      const [color, v] = a >= b ? [d.positive, a] : [d.negative, b];
      words[y * tw + x] = blend(color, background, Math.min(1, v * d.scale));
    }
  }
}

/**
 * Copies a `tw × th` tile into an image `width` pixels wide at pixel (x, y), clipped to the
 * image; both as words (see pixels.ts). Word by word: a grid blits 144 tiles of ~70 rows, and a
 * subarray per row made ~10,000 short-lived views.
 */
export function blitTile(
  image: Uint32Array,
  width: number,
  tile: Uint32Array,
  tw: number,
  th: number,
  x: number,
  y: number,
): void {
  const height = image.length / width;
  const w = Math.min(tw, width - x);
  if (w <= 0 || x < 0 || y < 0) return;
  for (let r = 0; r < th && y + r < height; r++) {
    for (let i = 0, from = r * tw, to = (y + r) * width + x; i < w; i++) image[to + i] = tile[from + i]!;
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
