/**
 * A small software rasteriser for attention lines.
 *
 * Why not `CanvasRenderingContext2D.stroke()`: one stroke per weight costs ~20 µs in Chromium's
 * software canvas, so the 10⁴–10⁵ visible lines of a long input take seconds; batching lines of
 * equal opacity into one path is faster but stops overlapping lines from adding up, which
 * changes the picture. This rasteriser composites every line with its exact opacity ("source
 * over", premultiplied, in float32 so that many faint lines add up as they should) at a cost
 * proportional to the pixels a line covers, and converts to 8-bit once.
 *
 * Pure: no DOM. Coordinates are in target pixels.
 */
import type { Rgb } from '../core/palette.js';

/** A growable struct-of-arrays list of lines, reused between frames to avoid garbage. */
export class LineList {
  count = 0;
  x0 = new Float32Array(0);
  y0 = new Float32Array(0);
  x1 = new Float32Array(0);
  y1 = new Float32Array(0);
  /** Opacity in [0, 1]. */
  alpha = new Float32Array(0);
  /** Palette index. */
  color = new Uint16Array(0);

  clear(): void {
    this.count = 0;
  }

  push(x0: number, y0: number, x1: number, y1: number, alpha: number, color: number): void {
    if (this.count === this.alpha.length) this.grow(Math.max(1024, this.count * 2));
    const i = this.count++;
    this.x0[i] = x0;
    this.y0[i] = y0;
    this.x1[i] = x1;
    this.y1[i] = y1;
    this.alpha[i] = alpha;
    this.color[i] = color;
  }

  /** Appends every line of `other`. */
  append(other: LineList): void {
    const n = other.count;
    if (this.count + n > this.alpha.length) this.grow(Math.max(1024, (this.count + n) * 2));
    const at = this.count;
    this.x0.set(other.x0.subarray(0, n), at);
    this.y0.set(other.y0.subarray(0, n), at);
    this.x1.set(other.x1.subarray(0, n), at);
    this.y1.set(other.y1.subarray(0, n), at);
    this.alpha.set(other.alpha.subarray(0, n), at);
    this.color.set(other.color.subarray(0, n), at);
    this.count += n;
  }

  private grow(size: number): void {
    const copy = <T extends Float32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.x0 = copy(this.x0, (n) => new Float32Array(n));
    this.y0 = copy(this.y0, (n) => new Float32Array(n));
    this.x1 = copy(this.x1, (n) => new Float32Array(n));
    this.y1 = copy(this.y1, (n) => new Float32Array(n));
    this.alpha = copy(this.alpha, (n) => new Float32Array(n));
    this.color = copy(this.color, (n) => new Uint16Array(n));
  }
}

/**
 * A premultiplied RGBA float image, stored column by column: lines run mostly across, so each
 * column's few covered pixels sit next to each other in memory. It keeps, per column, the rows
 * drawn since the last conversion (`dirty…`) and since the last clear (`used…`), so that clearing
 * and converting cost what was drawn rather than the whole image.
 */
export class RasterTarget {
  data: Float32Array;
  /** Rows `[dirtyTop, dirtyBottom)` of each column drawn since the last `updateRgba8` (empty: top ≥ bottom). */
  readonly dirtyTop: Int32Array;
  readonly dirtyBottom: Int32Array;
  /** Rows of each column drawn and converted since the last `clear`. */
  private readonly usedTop: Int32Array;
  private readonly usedBottom: Int32Array;

  /** `buffer`: zeroed, of at least `width × height × 16` bytes (e.g. from `takeBuffer`). */
  constructor(
    readonly width: number,
    readonly height: number,
    buffer = new ArrayBuffer(width * height * 16),
  ) {
    this.data = new Float32Array(buffer, 0, width * height * 4);
    this.dirtyTop = new Int32Array(width).fill(height);
    this.dirtyBottom = new Int32Array(width);
    this.usedTop = new Int32Array(width).fill(height);
    this.usedBottom = new Int32Array(width);
  }

  /** Empties the image, zeroing only the rows drawn since the last clear. */
  clear(): void {
    const { height, data, dirtyTop, dirtyBottom, usedTop, usedBottom } = this;
    for (let col = 0; col < this.width; col++) {
      const top = Math.min(dirtyTop[col]!, usedTop[col]!);
      const bottom = Math.max(dirtyBottom[col]!, usedBottom[col]!);
      if (top >= bottom) continue;
      data.fill(0, (col * height + top) * 4, (col * height + bottom) * 4);
      dirtyTop[col] = usedTop[col] = height;
      dirtyBottom[col] = usedBottom[col] = 0;
    }
  }

  /**
   * Writes the whole image as 8-bit straight-alpha RGBA in the layout of `ImageData` (row by row).
   * Channels round to nearest.
   */
  toRgba8(out: Uint8ClampedArray): void {
    out.fill(0);
    const words = pixelWords(out);
    for (let col = 0; col < this.width; col++) convertColumn(this, words, col, 0, this.height);
  }

  /**
   * Writes the pixels drawn since the last call into `out`, which holds the image as converted
   * until then: zeroed by the caller after a `clear` (a sequential fill costs less than writing
   * empty pixels across rows). A picture drawn in slices converts each drawn pixel once a slice.
   *
   * With `under`, a target of half this one's size (`coarseSize`) is composited beneath this one,
   * each of its pixels covering 2 × 2 of these: the picture of lines drawn there (`LinesRaster`
   * draws the faintest lines so). Its pixels drawn since the last call are converted too.
   */
  updateRgba8(out: Uint8ClampedArray, under?: RasterTarget): void {
    if (under) under.spreadDirty(this);
    const words = pixelWords(out);
    this.settleDirty((col, top, bottom) => convertColumn(this, words, col, top, bottom, under));
  }

  /**
   * Calls `fn` for each column drawn since the last conversion, with its rows `[top, bottom)`,
   * and marks those rows converted.
   */
  private settleDirty(fn: (col: number, top: number, bottom: number) => void): void {
    const { width, height, dirtyTop, dirtyBottom, usedTop, usedBottom } = this;
    for (let col = 0; col < width; col++) {
      const top = dirtyTop[col]!;
      const bottom = dirtyBottom[col]!;
      if (top >= bottom) continue;
      if (top < usedTop[col]!) usedTop[col] = top;
      if (bottom > usedBottom[col]!) usedBottom[col] = bottom;
      dirtyTop[col] = height;
      dirtyBottom[col] = 0;
      fn(col, top, bottom);
    }
  }

  /**
   * Marks this half-size target's rows drawn since the last conversion as drawn in `fine` (each
   * pixel as its 2 × 2), and as converted here, so that `fine.updateRgba8(out, this)` converts them.
   */
  private spreadDirty(fine: RasterTarget): void {
    this.settleDirty((col, t, b) => {
      const top = 2 * t;
      const bottom = Math.min(fine.height, 2 * b);
      for (let x = 2 * col; x < Math.min(fine.width, 2 * col + 2); x++) {
        if (top < fine.dirtyTop[x]!) fine.dirtyTop[x] = top;
        if (bottom > fine.dirtyBottom[x]!) fine.dirtyBottom[x] = bottom;
      }
    });
  }

  /** Premultiplied RGBA of one pixel (for tests). */
  pixel(x: number, y: number): [number, number, number, number] {
    const p = (x * this.height + y) * 4;
    const d = this.data;
    return [d[p]!, d[p + 1]!, d[p + 2]!, d[p + 3]!];
  }
}

/** RGBA bytes as one 32-bit word per pixel. */
function pixelWords(out: Uint8ClampedArray): Uint32Array {
  return new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
}

/** Where each byte of an RGBA pixel sits in its 32-bit word, on this machine's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const RED_SHIFT = LITTLE_ENDIAN ? 0 : 24;
const GREEN_SHIFT = LITTLE_ENDIAN ? 8 : 16;
const BLUE_SHIFT = LITTLE_ENDIAN ? 16 : 8;
const ALPHA_SHIFT = LITTLE_ENDIAN ? 24 : 0;

/**
 * The painted pixels of column `col`, rows `[top, bottom)`, to 8-bit straight alpha; empty
 * pixels are left as they are in `out`. With `under`, a half-size target composited beneath
 * (premultiplied source over), each of its pixels under 2 × 2 of `target`'s.
 *
 * Column by column: the reads run along memory and the writes go one row apart. That measured
 * about twice as fast as converting 16-column blocks row by row (which writes whole cache lines),
 * from 320 × 576 to 1280 × 2600 pixels, sparse or dense, in Node and Chromium; and each column
 * converts only its own drawn rows. One loop per call, so that V8 optimises the function whole.
 */
function convertColumn(
  target: RasterTarget,
  out: Uint32Array,
  col: number,
  top: number,
  bottom: number,
  under?: RasterTarget,
): void {
  const d = target.data;
  const width = target.width;
  let i = (col * target.height + top) * 4;
  let o = top * width + col;
  if (!under) {
    for (let row = top; row < bottom; row++, i += 4, o += width) {
      const a = d[i + 3]!;
      if (a > 0) out[o] = packPixel(d[i]!, d[i + 1]!, d[i + 2]!, a);
    }
    return;
  }
  const u = under.data;
  const underColumn = (col >> 1) * under.height * 4;
  for (let row = top; row < bottom; row++, i += 4, o += width) {
    let a = d[i + 3]!;
    const j = underColumn + (row >> 1) * 4;
    const ua = u[j + 3]!;
    if (a > 0 || ua > 0) {
      let r = d[i]!;
      let g = d[i + 1]!;
      let b = d[i + 2]!;
      if (ua > 0) {
        const keep = 1 - a;
        r += u[j]! * keep;
        g += u[j + 1]! * keep;
        b += u[j + 2]! * keep;
        a += ua * keep;
      }
      out[o] = packPixel(r, g, b, a);
    }
  }
}

/**
 * A premultiplied float pixel (alpha > 0) as one 32-bit RGBA word: one write instead of four
 * clamped bytes. Premultiplied channels never exceed alpha, so each rounds into its own byte.
 */
function packPixel(r: number, g: number, b: number, a: number): number {
  const k = 255 / a;
  return (
    ((a * 255 + 0.5) << ALPHA_SHIFT) |
    (((b * k + 0.5) | 0) << BLUE_SHIFT) |
    (((g * k + 0.5) | 0) << GREEN_SHIFT) |
    (((r * k + 0.5) | 0) << RED_SHIFT)
  );
}

/** Width and height of the half-size target drawn under one of `width × height` (`updateRgba8`). */
export function coarseSize(width: number, height: number): [number, number] {
  return [Math.ceil(width / 2), Math.ceil(height / 2)];
}

/**
 * Opacity under which `LinesRaster` may draw a line at half resolution: such a line changes a
 * channel by at most 4 of 255 steps, too little for its 1-pixel softening to show, and half
 * resolution visits a quarter of the pixels. At 64 tokens, lines this faint are 2 in 3 of a
 * layer's lines at rest and most of a hovered token's at 256.
 */
export const FAINT_ALPHA = 1 / 64;

/**
 * Opacity below which a line is not drawn: composited over any background, it changes no
 * channel by half a step of 8 bits, so an 8-bit display shows exactly the same pixels.
 */
export const MIN_VISIBLE_ALPHA = 1 / 512;

/** Maps line coordinates to target pixels: `px = (x - originX) * scale`. */
export interface RasterTransform {
  readonly scale: number;
  readonly originX: number;
  readonly originY: number;
}

/**
 * Composites lines onto the target, in order, from line `start` until `budget` pixel visits are
 * spent; returns the index of the first line not drawn (`lines.count` when all are). Drawing a
 * list in several calls gives exactly the pixels of one call, so a long list can be drawn over
 * several frames. Coverage is distance-based anti-aliasing: a pixel whose centre lies within
 * half the line width of the centre line is fully covered, fading to 0 over one more pixel; only
 * pixels with some coverage are visited. The visits are added to `spent.visits` when given.
 */
export function rasterizeLines(
  target: RasterTarget,
  lines: LineList,
  colors: readonly Rgb[],
  lineWidth: number,
  transform: RasterTransform,
  start = 0,
  budget = Infinity,
  spent?: { visits: number },
): number {
  const width = target.width;
  const height = target.height;
  const scale = transform.scale;
  const originX = transform.originX;
  const originY = transform.originY;
  const half = (lineWidth * scale) / 2 + 0.5;
  const { x0, y0, x1, y1, alpha: alphas, color } = lines;
  const count = lines.count;
  let visits = 0;
  let i = start;
  for (; i < count; i++) {
    if (visits >= budget) break;
    const alpha = alphas[i]!;
    if (alpha < MIN_VISIBLE_ALPHA) continue;
    let xa = (x0[i]! - originX) * scale;
    let ya = (y0[i]! - originY) * scale;
    let xb = (x1[i]! - originX) * scale;
    let yb = (y1[i]! - originY) * scale;
    if (xb < xa) {
      const tx = xa;
      xa = xb;
      xb = tx;
      const ty = ya;
      ya = yb;
      yb = ty;
    }
    const dx = xb - xa;
    if (dx < 1e-6) continue;
    const slope = (yb - ya) / dx;
    const norm = Math.sqrt(1 + slope * slope);
    // Vertical reach of the covered band from the centre line, in one column.
    const reach = half * norm;
    // Columns whose centre lies on the segment, narrowed to where the band meets the target.
    let left = xa;
    let right = xb;
    if (slope !== 0) {
      const xTop = xa + (-reach - ya) / slope;
      const xBottom = xa + (height + reach - ya) / slope;
      left = Math.max(left, Math.min(xTop, xBottom));
      right = Math.min(right, Math.max(xTop, xBottom));
    } else if (ya < -reach || ya > height + reach) {
      continue;
    }
    let colStart = Math.ceil(left - 0.5);
    if (colStart < 0) colStart = 0;
    let colEnd = Math.floor(right - 0.5) + 1;
    if (colEnd > width) colEnd = width;
    if (colEnd <= colStart) continue;
    const rgb = colors[color[i]!]!;
    const q = LINE;
    q[COL_START] = colStart;
    q[COL_END] = colEnd;
    q[XA] = xa;
    q[YA] = ya;
    q[SLOPE] = slope;
    q[HALF] = half;
    q[NORM] = norm;
    q[ALPHA] = alpha;
    q[RED] = rgb[0];
    q[GREEN] = rgb[1];
    q[BLUE] = rgb[2];
    visits += drawLine(target, q);
  }
  if (spent) spent.visits += visits;
  return i;
}

/**
 * One line's values for `drawLine`, passed in a Float64Array: as arguments, V8 keeps numbers that
 * may be small integers (a colour channel of 0, a line starting at x = 0) as tagged values and
 * checks their type at every use in the pixel loop; read from a Float64Array they are plain
 * doubles (35% less time per picture).
 */
const LINE = new Float64Array(11);
const COL_START = 0;
const COL_END = 1;
const XA = 2;
const YA = 3;
const SLOPE = 4;
const HALF = 5;
const NORM = 6;
const ALPHA = 7;
const RED = 8;
const GREEN = 9;
const BLUE = 10;

/**
 * One line's columns `[colStart, colEnd)`; returns the pixels visited. A function of its own,
 * called once per line: V8 then optimises it whole after a few lines, where the same loops nested
 * in `rasterizeLines` (called once per frame) ran mostly unoptimised, compiled on stack and
 * dropped at every exit of an inner loop. Indices are kept integers (`| 0`).
 */
function drawLine(target: RasterTarget, q: Float64Array): number {
  const colStart = q[COL_START]! | 0;
  const colEnd = q[COL_END]! | 0;
  const xa = q[XA]!;
  const ya = q[YA]!;
  const slope = q[SLOPE]!;
  const half = q[HALF]!;
  const norm = q[NORM]!;
  const alpha = q[ALPHA]!;
  const r = q[RED]!;
  const g = q[GREEN]!;
  const b = q[BLUE]!;
  const data = target.data;
  const height = target.height;
  const dirtyTop = target.dirtyTop;
  const dirtyBottom = target.dirtyBottom;
  const inv = 1 / norm;
  const reach = half * norm;
  // Rows this close to the centre line, vertically, are fully covered.
  const core = (half - 1) * norm;
  let spent = 0;
  for (let col = colStart; col < colEnd; col++) {
    const cy = ya + slope * (col + 0.5 - xa);
    // Rows whose centre lies less than `reach` from the centre line: some coverage.
    let rowStart = (Math.floor(cy - reach - 0.5) + 1) | 0;
    let rowEnd = Math.ceil(cy + reach - 0.5) | 0;
    if (rowStart < 0) rowStart = 0;
    if (rowEnd > height) rowEnd = height;
    if (rowEnd <= rowStart) continue;
    spent += rowEnd - rowStart;
    if (rowStart < dirtyTop[col]!) dirtyTop[col] = rowStart;
    if (rowEnd > dirtyBottom[col]!) dirtyBottom[col] = rowEnd;
    let p = ((col * height + rowStart) * 4) | 0;
    for (let row = rowStart; row < rowEnd; row++, p += 4) {
      const d = row + 0.5 - cy;
      const dist = d < 0 ? -d : d;
      let a = alpha;
      if (dist > core) {
        const cov = half - dist * inv;
        if (cov <= 0) continue;
        a = alpha * cov;
      }
      const keep = 1 - a;
      data[p] = r * a + data[p]! * keep;
      data[p + 1] = g * a + data[p + 1]! * keep;
      data[p + 2] = b * a + data[p + 2]! * keep;
      data[p + 3] = a + data[p + 3]! * keep;
    }
  }
  return spent;
}
