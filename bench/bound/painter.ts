/**
 * The head view's painter for `BENCH_BOUND=1` (bench/versus.mjs swaps it in for the view's own):
 * the same canvas and attention boxes, and the same idle warm-up, but no line drawn, at rest or
 * for a focused token. Timing the views with it bounds what any faster line drawing could give.
 */
import { drawingBand, visibleRows } from '../../src/render/head-layout.js';
import { focusBoxes } from '../../src/render/head-scene.js';
import { paintRects } from '../../src/render/scene.js';
import { prepareCanvas } from '../../src/components/shared/controls.js';
import {
  HeadPainter as Painter,
  type PaintState,
  type TokenRef,
} from '../../src/components/head-view/head-view-painter.js';

export type { HeadPicture, PaintState, TokenRef } from '../../src/components/head-view/head-view-painter.js';

export class HeadPainter extends Painter {
  private blank: ImageData | undefined;

  override get complete(): boolean {
    return true;
  }

  /** The view's paint with an empty picture of lines: the canvas is sized, cleared and boxed. */
  override paint(canvas: HTMLCanvasElement, s: PaintState): boolean {
    const layout = s.picture.src.layout;
    const band = drawingBand(layout, s.dpr);
    const ctx = prepareCanvas(canvas, band.width, s.viewHeight, s.dpr);
    if (!ctx) return true;
    const width = Math.max(1, Math.ceil((layout.linesX1 - layout.linesX0) * s.dpr));
    const height = Math.max(1, Math.ceil(s.viewHeight * s.dpr));
    if (this.blank?.width !== width || this.blank.height !== height)
      this.blank = new ImageData(width, height);
    ctx.putImageData(this.blank, Math.round((layout.linesX0 - band.x) * s.dpr), 0);
    if (!s.focus) return true;
    ctx.save();
    ctx.scale(s.dpr, s.dpr);
    ctx.translate(-band.x, 0);
    paintRects(ctx, boxes(s, s.focus), s.scroll, s.viewHeight);
    ctx.restore();
    return true;
  }
}

function boxes(s: PaintState, focus: TokenRef) {
  const layout = s.picture.src.layout;
  const [from, to] = visibleRows(layout, s.scroll, s.scroll + s.viewHeight, Number.MAX_SAFE_INTEGER);
  return focusBoxes(s.picture.src, focus.side, focus.index, s.picture.paletteCss, from, to);
}
