/**
 * The drawing vocabulary every view shares: a scene is a list of rectangles (attention boxes,
 * heat cells, swatches), texts (token labels, titles) and attention lines, in CSS pixels. The
 * same scene paints the screen (canvas), a PNG and an SVG, so an export shows exactly what the
 * view shows.
 */
import type { Rgb } from '../core/palette.js';
import { giveBuffer, takeBuffer } from './buffers.js';
import { coarseSize, LineList, RasterTarget, rasterizeLines } from './raster.js';

export interface SceneRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** CSS colour. */
  readonly color: string;
  readonly opacity: number;
  /** What the rectangle stands for, as text (an SVG `<title>`: its tooltip, and text a reader can copy). */
  readonly title?: string;
}

export interface SceneText {
  readonly x: number;
  /** Baseline-independent: the vertical centre of the text. */
  readonly y: number;
  readonly text: string;
  readonly anchor: 'start' | 'end' | 'middle';
  readonly color: string;
  readonly font: string;
  /** Widest the text may be drawn; longer text is cut with an ellipsis. */
  readonly maxWidth?: number;
}

/** A picture of RGBA pixels placed in the scene (e.g. a thumbnail), scaled to its box. */
export interface SceneImage {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA bytes, `pixelWidth × pixelHeight × 4`. */
  readonly pixels: Uint8ClampedArray;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** What the picture shows, as text a reader can copy (an SVG `<title>`). */
  readonly title?: string;
}

export interface Scene {
  readonly width: number;
  readonly height: number;
  /** CSS colour, or undefined for a transparent background. */
  readonly background: string | undefined;
  readonly rects: readonly SceneRect[];
  readonly texts: readonly SceneText[];
  /** Pictures drawn under the rectangles, texts and lines. */
  readonly images?: readonly SceneImage[];
  readonly lines: LineList;
  /** Colours of the lines, by palette index. */
  readonly palette: readonly Rgb[];
  readonly lineWidth: number;
  /** Horizontal extent of the lines, so that rasters stay as narrow as the band of lines. */
  readonly linesX0: number;
  readonly linesX1: number;
}

/** Paints rectangles, offset by `originY` (the scroll position), skipping those out of view. */
export function paintRects(
  ctx: CanvasRenderingContext2D,
  rects: readonly SceneRect[],
  originY: number,
  viewHeight: number,
): void {
  for (const r of rects) {
    const y = r.y - originY;
    if (r.opacity <= 0 || y + r.height < 0 || y > viewHeight) continue;
    ctx.globalAlpha = Math.min(1, r.opacity);
    ctx.fillStyle = r.color;
    ctx.fillRect(r.x, y, r.width, r.height);
  }
  ctx.globalAlpha = 1;
}

/** Paints texts (used for exports; on screen, labels are DOM text). */
export function paintTexts(
  ctx: CanvasRenderingContext2D,
  texts: readonly SceneText[],
  originY: number,
): void {
  ctx.textBaseline = 'middle';
  for (const t of texts) {
    ctx.font = t.font;
    ctx.fillStyle = t.color;
    ctx.textAlign = t.anchor === 'middle' ? 'center' : t.anchor === 'end' ? 'right' : 'left';
    ctx.fillText(t.maxWidth ? fitText(ctx, t.text, t.maxWidth) : t.text, t.x, t.y - originY);
  }
}

/** Cuts text to a width with an ellipsis, as CSS `text-overflow: ellipsis` does on screen. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** What the line raster needs of a scene. */
export type LineBand = Pick<Scene, 'lines' | 'palette' | 'lineWidth' | 'linesX0' | 'linesX1'>;

/**
 * The raster of a band of lines, for the rows `[originY, originY + height)`, as an image as wide
 * as the band (to be placed at `x = linesX0 * scale`). It can be drawn in slices: each `draw`
 * with the same key continues where the last stopped, up to a budget of pixel visits, and the
 * finished picture is exactly that of one pass, and each slice converts only the pixels it
 * changed. A new key starts a new picture; buffers are reused when the size allows.
 *
 * With `faintBelow` > 0, lines fainter than that are drawn at half resolution, under the others
 * (a quarter of the pixel visits: see `FAINT_ALPHA`), and the others first, so that a picture
 * drawn in slices shows its strong lines from the first.
 */
export class LinesRaster {
  private target: RasterTarget | undefined;
  private coarse: RasterTarget | undefined;
  private image: ImageData | undefined;
  private next = 0;
  private key: unknown = undefined;
  /** The picture's lines at full and at half resolution, when `faintBelow` splits them. */
  private readonly strong = new LineList();
  private readonly faint = new LineList();
  private lines: readonly LineList[] = [];
  /** True when the float images hold nothing: `recycle` cleared them, or they are new. */
  private clean = true;

  constructor(private readonly faintBelow = 0) {}

  /** True when every line of the current picture is drawn. */
  get complete(): boolean {
    return this.key !== undefined && this.next >= this.total();
  }

  /**
   * `capacity`: the tallest band (CSS pixels) this raster may be asked for, so that its buffers,
   * made that large, serve every height up to it, here and in the next view (see buffers.ts).
   */
  draw(
    key: unknown,
    band: LineBand,
    originY: number,
    height: number,
    scale: number,
    budget = Infinity,
    capacity = height,
  ): ImageData {
    const width = Math.max(1, Math.ceil((band.linesX1 - band.linesX0) * scale));
    const rows = Math.max(1, Math.ceil(height * scale));
    let fresh = false;
    if (key !== this.key || !this.target || this.target.width !== width || this.target.height !== rows) {
      if (!this.target || this.target.width !== width || this.target.height !== rows) {
        this.release();
        const most = Math.max(rows, Math.ceil(capacity * scale));
        this.target = new RasterTarget(width, rows, takeBuffer(width * most * 16));
        if (this.faintBelow > 0) {
          const [w, h] = coarseSize(width, rows);
          this.coarse = new RasterTarget(w, h, takeBuffer(w * coarseSize(width, most)[1] * 16));
        }
        this.image = new ImageData(
          new Uint8ClampedArray(takeBuffer(width * most * 4), 0, width * rows * 4),
          width,
          rows,
        );
      } else {
        if (!this.clean) {
          this.target.clear();
          this.coarse?.clear();
        }
        this.image!.data.fill(0);
      }
      this.clean = false;
      this.key = key;
      this.next = 0;
      this.lines = this.coarse ? this.split(band.lines) : [band.lines];
      fresh = true;
    }
    if (fresh || !this.complete) {
      const transform = { scale, originX: band.linesX0, originY };
      const coarse = { scale: scale / 2, originX: band.linesX0, originY };
      // The lists one after the other, `next` counting through both, sharing the budget.
      const spent = { visits: 0 };
      let skipped = 0;
      for (const [i, list] of this.lines.entries()) {
        const end = skipped + list.count;
        if (this.next < end) {
          const [target, t] = i === 0 ? [this.target, transform] : [this.coarse!, coarse];
          const left = budget - spent.visits;
          const at = this.next - skipped;
          this.next =
            skipped + rasterizeLines(target, list, band.palette, band.lineWidth, t, at, left, spent);
          if (this.next < end) break;
        }
        skipped = end;
      }
      this.target.updateRgba8(this.image!.data, this.coarse);
    }
    return this.image!;
  }

  /**
   * Empties the float images of a complete picture, in idle time, so that the next picture needn't
   * (about 1 ms for a band of 320 × 576 pixels): the 8-bit image keeps the picture, for a `draw`
   * with the same key. Does nothing while slices remain.
   */
  recycle(): void {
    if (this.clean || !this.target || !this.complete) return;
    this.target.clear();
    this.coarse?.clear();
    this.clean = true;
  }

  /** Forgets the picture, so that the next `draw` starts anew whatever its key. */
  reset(): void {
    this.key = undefined;
  }

  /** Forgets the picture and gives its buffers back (see buffers.ts); the next `draw` makes new ones. */
  release(): void {
    giveBuffer(this.target?.data.buffer);
    giveBuffer(this.coarse?.data.buffer);
    giveBuffer(this.image?.data.buffer);
    this.target = this.coarse = this.image = undefined;
    this.key = undefined;
    this.clean = true;
  }

  private total(): number {
    return this.lines.reduce((n, l) => n + l.count, 0);
  }

  /** The lines at `faintBelow` and above, then the fainter ones, each in their order. */
  private split(lines: LineList): readonly LineList[] {
    const { strong, faint, faintBelow } = this;
    strong.clear();
    faint.clear();
    for (let i = 0; i < lines.count; i++) {
      const to = lines.alpha[i]! < faintBelow ? faint : strong;
      to.push(lines.x0[i]!, lines.y0[i]!, lines.x1[i]!, lines.y1[i]!, lines.alpha[i]!, lines.color[i]!);
    }
    return [strong, faint];
  }
}
