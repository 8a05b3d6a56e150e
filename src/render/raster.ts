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
 * column's few covered pixels sit next to each other in memory.
 */
export class RasterTarget {
  data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height * 4);
  }

  clear(): void {
    this.data.fill(0);
  }

  /**
   * Writes the image as 8-bit straight-alpha RGBA, row by row: the layout of `ImageData`. Empty
   * pixels (most of a band of lines) cost one comparison; channels round to nearest.
   */
  toRgba8(out: Uint8ClampedArray): void {
    const d = this.data;
    const { width, height } = this;
    out.fill(0);
    for (let col = 0; col < width; col++) {
      let i = col * height * 4;
      for (let row = 0; row < height; row++, i += 4) {
        const a = d[i + 3]!;
        if (a <= 0) continue;
        const k = 255 / a;
        const o = (row * width + col) * 4;
        out[o] = d[i]! * k;
        out[o + 1] = d[i + 1]! * k;
        out[o + 2] = d[i + 2]! * k;
        out[o + 3] = a * 255;
      }
    }
  }

  /** Premultiplied RGBA of one pixel (for tests). */
  pixel(x: number, y: number): [number, number, number, number] {
    const p = (x * this.height + y) * 4;
    const d = this.data;
    return [d[p]!, d[p + 1]!, d[p + 2]!, d[p + 3]!];
  }
}

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
 * half the line width of the centre line is fully covered, fading to 0 over one more pixel.
 */
export function rasterizeLines(
  target: RasterTarget,
  lines: LineList,
  colors: readonly Rgb[],
  lineWidth: number,
  transform: RasterTransform,
  start = 0,
  budget = Infinity,
): number {
  const { width, height, data } = target;
  const { scale, originX, originY } = transform;
  const half = (lineWidth * scale) / 2 + 0.5;
  const { x0, y0, x1, y1, alpha: alphas, color } = lines;
  let spent = 0;
  for (let i = start; i < lines.count; i++) {
    if (spent >= budget) return i;
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
    const rgb = colors[color[i]!]!;
    const r = rgb[0];
    const g = rgb[1];
    const b = rgb[2];
    const slope = (yb - ya) / dx;
    const norm = Math.sqrt(1 + slope * slope);
    const inv = 1 / norm;
    // Vertical reach of the covered band from the centre line, in one column, and of its fully
    // covered core.
    const reach = half * norm;
    const core = (half - 1) * norm;
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
    for (let col = colStart; col < colEnd; col++) {
      const cy = ya + slope * (col + 0.5 - xa);
      let rowStart = Math.floor(cy - reach);
      let rowEnd = Math.ceil(cy + reach);
      if (rowStart < 0) rowStart = 0;
      if (rowEnd > height) rowEnd = height;
      spent += rowEnd - rowStart;
      let p = (col * height + rowStart) * 4;
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
  }
  return lines.count;
}
