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
export function headLayout(o: HeadLayoutOptions): HeadLayout {
  const width = Math.max(o.width, 2 * o.minTokenWidth + o.minLinesWidth + 2 * o.gap);
  const room = (width - o.minLinesWidth - 2 * o.gap) / 2;
  const tokenWidth = Math.max(o.minTokenWidth, Math.min(o.maxTokenWidth, width * TOKEN_SHARE, room));
  const linesWidth = Math.min(o.maxLinesWidth, width - 2 * tokenWidth - 2 * o.gap);
  const left = Math.floor((width - (2 * tokenWidth + 2 * o.gap + linesWidth)) / 2);
  const rows = Math.max(o.queryCount, o.keyCount);
  return {
    width,
    height: 2 * o.padding + rows * o.rowHeight,
    tokenWidth,
    leftX: left,
    rightX: left + tokenWidth + 2 * o.gap + linesWidth,
    linesX0: left + tokenWidth + o.gap,
    linesX1: left + tokenWidth + o.gap + linesWidth,
    rowHeight: o.rowHeight,
    padding: o.padding,
  };
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
