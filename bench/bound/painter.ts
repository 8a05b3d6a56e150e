/**
 * The head view's painter for `BENCH_BOUND=1` (bench/versus.mjs swaps it in for the view's own):
 * the view's own painter, canvas, attention boxes and idle warm-up, with an empty band of lines,
 * at rest and for a focused token. Timing the views with it bounds what any faster line drawing
 * could give.
 */
import { HeadPainter as Painter, type PaintState } from '../../src/components/head-view/head-view-painter.js';

export type { HeadPicture, PaintState, TokenRef } from '../../src/components/head-view/head-view-painter.js';

export class HeadPainter extends Painter {
  private blank: ImageData | undefined;

  /** An empty picture is complete at once. */
  override get complete(): boolean {
    return true;
  }

  /** An empty band as large as the view's own (see `LinesRaster.draw`). */
  protected override linesImage(s: PaintState): ImageData {
    const { linesX0, linesX1 } = s.picture.src.layout;
    const width = Math.max(1, Math.ceil((linesX1 - linesX0) * s.dpr));
    const height = Math.max(1, Math.ceil(s.viewHeight * s.dpr));
    if (this.blank?.width !== width || this.blank.height !== height)
      this.blank = new ImageData(width, height);
    return this.blank;
  }
}
