/**
 * Geometry of the head view: two token columns joined by attention lines. Pure numbers in CSS
 * pixels; the drawing code scales by the device pixel ratio.
 */

export interface HeadLayoutOptions {
  /** Width available for the whole view. */
  readonly width: number;
  readonly queryCount: number;
  readonly keyCount: number;
  /** Height of one token row. */
  readonly rowHeight: number;
  /** Narrowest and widest a token column may be. */
  readonly minTokenWidth: number;
  readonly maxTokenWidth: number;
  /** Narrowest and widest the band of lines between the columns may be. */
  readonly minLinesWidth: number;
  readonly maxLinesWidth: number;
  /** Space between a column's text edge and the lines. */
  readonly gap: number;
  /** Space above the first row and below the last. */
  readonly padding: number;
  /**
   * Width of the band beside each token column, on the side of the lines, where a focused token's
   * attention boxes go, so that they never lie under a label (default 0: no band).
   */
  readonly boxWidth?: number;
}

export interface HeadLayout {
  readonly width: number;
  /** Total height of the content (all rows), which may exceed the visible height. */
  readonly height: number;
  readonly tokenWidth: number;
  /** Left edge of the query column and of the key column. */
  readonly leftX: number;
  readonly rightX: number;
  /** x where lines start (right of the query column) and end (left of the key column). */
  readonly linesX0: number;
  readonly linesX1: number;
  /** Left edges of the box bands right of the query column and left of the key column, and their width. */
  readonly leftBoxX: number;
  readonly rightBoxX: number;
  readonly boxWidth: number;
  readonly rowHeight: number;
  readonly padding: number;
}

/** Share of the width the token columns try to take. */
const TOKEN_SHARE = 0.3;

/**
 * Token columns take a share of the width (within their bounds) and the lines the rest, up to
 * `maxLinesWidth`; wider containers centre the view. A wider band would not show more, and the
 * cost of drawing lines grows with their length.
 */
/** The head view's column and band limits (CSS pixels), beside its width and row height. */
export const HEAD_VIEW_LAYOUT = {
  minTokenWidth: 64,
  maxTokenWidth: 180,
  minLinesWidth: 60,
  maxLinesWidth: 320,
  gap: 6,
  padding: 4,
  boxWidth: 36,
} as const;

export function headLayout(o: HeadLayoutOptions): HeadLayout {
  const box = o.boxWidth ?? 0;
  // Between the columns: a box band and a gap on each side, and the lines.
  const between = 2 * (box + o.gap);
  const width = Math.max(o.width, 2 * o.minTokenWidth + o.minLinesWidth + between);
  const room = (width - o.minLinesWidth - between) / 2;
  const tokenWidth = Math.max(o.minTokenWidth, Math.min(o.maxTokenWidth, width * TOKEN_SHARE, room));
  const linesWidth = Math.min(o.maxLinesWidth, width - 2 * tokenWidth - between);
  const left = Math.floor((width - (2 * tokenWidth + between + linesWidth)) / 2);
  const rows = Math.max(o.queryCount, o.keyCount);
  const linesX0 = left + tokenWidth + box + o.gap;
  const linesX1 = linesX0 + linesWidth;
  return {
    width,
    height: 2 * o.padding + rows * o.rowHeight,
    tokenWidth,
    leftX: left,
    rightX: linesX1 + o.gap + box,
    linesX0,
    linesX1,
    leftBoxX: left + tokenWidth,
    rightBoxX: linesX1 + o.gap,
    boxWidth: box,
    rowHeight: o.rowHeight,
    padding: o.padding,
  };
}

/**
 * What the canvas must cover: the two box bands and the lines between them (the labels are DOM
 * text), from `x`, which falls on a device pixel so that the canvas is not resampled.
 */
export function drawingBand(layout: HeadLayout, dpr: number): { readonly x: number; readonly width: number } {
  const x = Math.floor(layout.leftBoxX * dpr) / dpr;
  return { x, width: layout.rightBoxX + layout.boxWidth - x };
}

/** Vertical centre of row `i`. */
export function rowCenter(layout: HeadLayout, i: number): number {
  return layout.padding + (i + 0.5) * layout.rowHeight;
}

/** Row under a y coordinate, or -1 outside the rows. */
export function rowAt(layout: HeadLayout, y: number, count: number): number {
  const i = Math.floor((y - layout.padding) / layout.rowHeight);
  return i >= 0 && i < count ? i : -1;
}

/** First and last (exclusive) rows intersecting the band [top, bottom), clamped to [0, count]. */
export function visibleRows(
  layout: HeadLayout,
  top: number,
  bottom: number,
  count: number,
): [number, number] {
  const first = Math.max(0, Math.floor((top - layout.padding) / layout.rowHeight));
  const last = Math.min(count, Math.ceil((bottom - layout.padding) / layout.rowHeight));
  return [Math.min(first, count), Math.max(last, 0)];
}

/** True when two layouts place everything at the same place. */
export function sameLayout(a: HeadLayout, b: HeadLayout): boolean {
  return (Object.keys(a) as (keyof HeadLayout)[]).every((k) => a[k] === b[k]);
}

/**
 * The scroll position that brings row `i` fully into a view `height` high scrolled to `scrollTop`,
 * moving as little as possible (`scrollTop` itself when the row is in view).
 */
export function scrollToRow(layout: HeadLayout, i: number, scrollTop: number, height: number): number {
  const top = layout.padding + i * layout.rowHeight;
  const bottom = top + layout.rowHeight;
  if (top < scrollTop) return top - layout.padding;
  if (bottom > scrollTop + height) return bottom - height + layout.padding;
  return scrollTop;
}
