/**
 * The head view's canvas: the band of lines for the rows in view (every line at rest, or the
 * focused token's), and the focused token's attention boxes. The view says what to show; this
 * class keeps the rasters and decides what must be drawn again.
 */
import type { Rgb } from '../../core/palette.js';
import type { TokenSide } from '../../core/types.js';
import { drawingBand, visibleRows } from '../../render/head-layout.js';
import {
  allLines,
  focusBoxes,
  focusLines,
  type LineOpacity,
  type LineSource,
} from '../../render/head-scene.js';
import { FAINT_ALPHA, LineList } from '../../render/raster.js';
import { LinesRaster, paintRects } from '../../render/scene.js';
import { prepareCanvas } from '../shared/controls.js';

/**
 * Pixel visits the picture of every line may take in the first frame, and in each later frame
 * until done (~1 M visits take 6–10 ms). The first frame draws everyday inputs whole, even at
 * devicePixelRatio 2 (12 heads of 16–256 tokens: 3.2–6.4 M visits), instead of showing them
 * half drawn for several frames; a long input shows a first slice, then the rest between inputs.
 */
const FIRST_SLICE_VISITS = 8_000_000;
const SLICE_VISITS = 1_500_000;

export interface TokenRef {
  readonly side: TokenSide;
  readonly index: number;
}

/**
 * What the lines show, fixed until the layer, heads, filter, layout or theme change: the view
 * makes a new one then, and the painter redraws what it drew from the old one.
 */
export interface HeadPicture {
  readonly src: LineSource;
  readonly palette: readonly Rgb[];
  readonly paletteCss: readonly string[];
  readonly lineWidth: number;
}

/** One paint: the picture, the focused token and the visible band. */
export interface PaintState {
  readonly picture: HeadPicture;
  readonly focus: TokenRef | null;
  readonly lineOpacity: LineOpacity;
  /** Scroll position and height of the visible band, in CSS pixels. */
  readonly scroll: number;
  readonly viewHeight: number;
  /** Tallest the visible band may grow (CSS pixels): the rasters' buffers are made that tall. */
  readonly maxViewHeight: number;
  readonly dpr: number;
}

export class HeadPainter {
  /** Lines of every active head that cross the visible band, and what they were built for. */
  private readonly bandLines = new LineList();
  private band: Pick<PaintState, 'picture' | 'scroll' | 'viewHeight' | 'dpr'> | undefined;
  private readonly fullRaster = new LinesRaster(FAINT_ALPHA);
  private readonly focusList = new LineList();
  private focused: PaintState | undefined;
  private readonly focusRaster = new LinesRaster(FAINT_ALPHA);
  private warmed: PaintState | undefined;

  /** True when the picture of every line, at rest, is completely drawn. */
  get complete(): boolean {
    return this.fullRaster.complete;
  }

  /** Forgets every picture (the data changed). */
  reset(): void {
    this.band = this.focused = this.warmed = undefined;
    this.fullRaster.reset();
    this.focusRaster.reset();
  }

  /** Forgets every picture and gives the rasters' buffers back for another view (this one left the page). */
  release(): void {
    this.reset();
    this.fullRaster.release();
    this.focusRaster.release();
  }

  /**
   * Paints the visible band onto the canvas. The picture of every line is kept, so that leaving
   * a token costs nothing; when it is large it is drawn in slices, a budget of pixel visits per
   * call: returns false while slices remain (call again in the next frame).
   */
  paint(canvas: HTMLCanvasElement, s: PaintState): boolean {
    const layout = s.picture.src.layout;
    const band = drawingBand(layout, s.dpr);
    const ctx = prepareCanvas(canvas, band.width, s.viewHeight, s.dpr);
    if (!ctx) return true;
    ctx.putImageData(this.linesImage(s), Math.round((layout.linesX0 - band.x) * s.dpr), 0);
    if (!s.focus) return this.complete;
    ctx.save();
    ctx.scale(s.dpr, s.dpr);
    ctx.translate(-band.x, 0);
    paintRects(ctx, this.boxes(s, s.focus), s.scroll, s.viewHeight);
    ctx.restore();
    return true;
  }

  /** Empties the rasters' float images of complete pictures (idle time): see `LinesRaster.recycle`. */
  recycle(): void {
    this.fullRaster.recycle();
    this.focusRaster.recycle();
  }

  /** True until `warmUp` ran for this picture. */
  cold(s: PaintState): boolean {
    return this.warmed?.picture !== s.picture || this.warmed.dpr !== s.dpr;
  }

  /**
   * Runs the hover code once for the first query token, painting nothing, so that the first real
   * hover does not pay the raster's allocation and cold JavaScript (~20 ms). Once per picture.
   */
  warmUp(s: PaintState): void {
    if (!this.cold(s)) return;
    this.warmed = s;
    const first: TokenRef = { side: 'query', index: 0 };
    this.focusImage(s, first);
    this.boxes(s, first);
    this.recycle();
  }

  /**
   * The band of lines for this paint, as wide as the lines (placed at `linesX0`): the focused
   * token's, else every line at rest. Protected for the benchmark's bound (bench/bound/), which
   * paints none.
   */
  protected linesImage(s: PaintState): ImageData {
    return s.focus ? this.focusImage(s, s.focus) : this.fullImage(s);
  }

  private fullImage(s: PaintState): ImageData {
    const b = this.band;
    const fresh =
      !b ||
      b.picture !== s.picture ||
      b.scroll !== s.scroll ||
      b.viewHeight !== s.viewHeight ||
      b.dpr !== s.dpr;
    if (fresh) {
      // The raster is keyed by this object: a new one starts a new picture.
      this.band = { picture: s.picture, scroll: s.scroll, viewHeight: s.viewHeight, dpr: s.dpr };
      allLines(s.picture.src, this.bandLines, { top: s.scroll, bottom: s.scroll + s.viewHeight });
    }
    return this.fullRaster.draw(
      this.band,
      this.lineBand(s.picture, this.bandLines),
      s.scroll,
      s.viewHeight,
      s.dpr,
      fresh ? FIRST_SLICE_VISITS : SLICE_VISITS,
      s.maxViewHeight,
    );
  }

  private focusImage(s: PaintState, focus: TokenRef): ImageData {
    const f = this.focused;
    const same =
      f?.focus &&
      f.picture === s.picture &&
      f.focus.side === focus.side &&
      f.focus.index === focus.index &&
      f.lineOpacity === s.lineOpacity &&
      f.scroll === s.scroll &&
      f.viewHeight === s.viewHeight &&
      f.dpr === s.dpr;
    if (!same) {
      this.focused = { ...s, focus };
      focusLines(s.picture.src, focus.side, focus.index, s.lineOpacity, this.focusList);
    }
    const band = this.lineBand(s.picture, this.focusList);
    return this.focusRaster.draw(
      this.focused,
      band,
      s.scroll,
      s.viewHeight,
      s.dpr,
      Infinity,
      s.maxViewHeight,
    );
  }

  private boxes(s: PaintState, focus: TokenRef) {
    const layout = s.picture.src.layout;
    const [from, to] = visibleRows(layout, s.scroll, s.scroll + s.viewHeight, Number.MAX_SAFE_INTEGER);
    return focusBoxes(s.picture.src, focus.side, focus.index, s.picture.paletteCss, from, to);
  }

  private lineBand(picture: HeadPicture, lines: LineList) {
    const { layout } = picture.src;
    return {
      lines,
      palette: picture.palette,
      lineWidth: picture.lineWidth,
      linesX0: layout.linesX0,
      linesX1: layout.linesX1,
    };
  }
}
