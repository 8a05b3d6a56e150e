/**
 * Geometry of the model view: a grid of thumbnails, one row per layer and one column per head,
 * with a band for the layer numbers on the left and the head numbers on top. Pure numbers in CSS
 * pixels. Cells widen to use the space when a subset of heads is shown, within their bounds.
 */

export interface GridLayoutOptions {
  /** Width available for the whole grid. */
  readonly width: number;
  readonly rows: number;
  readonly columns: number;
  /** Width of the band of row labels (layer numbers). */
  readonly rowLabelWidth: number;
  /** Height of the band of column labels (head numbers). */
  readonly columnLabelHeight: number;
  /** Space between cells. */
  readonly gap: number;
  /** Smallest and largest cell width. */
  readonly minCell: number;
  readonly maxCell: number;
  /** Cell height ÷ cell width. */
  readonly aspect: number;
}

export interface GridLayout {
  /** Size of the whole grid, labels included (may exceed the available width at `minCell`). */
  readonly width: number;
  readonly height: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gap: number;
  /** Top-left corner of the first cell. */
  readonly x0: number;
  readonly y0: number;
  readonly rows: number;
  readonly columns: number;
}

export function gridLayout(o: GridLayoutOptions): GridLayout {
  const columns = Math.max(1, o.columns);
  const rows = Math.max(1, o.rows);
  const room = (o.width - o.rowLabelWidth - o.gap * columns) / columns;
  const cellWidth = Math.floor(Math.max(o.minCell, Math.min(o.maxCell, room)));
  const cellHeight = Math.max(1, Math.round(cellWidth * o.aspect));
  return {
    width: o.rowLabelWidth + columns * (cellWidth + o.gap),
    height: o.columnLabelHeight + rows * (cellHeight + o.gap),
    cellWidth,
    cellHeight,
    gap: o.gap,
    x0: o.rowLabelWidth + o.gap,
    y0: o.columnLabelHeight + o.gap,
    rows,
    columns,
  };
}

/** Left edge of column `c`. */
export function cellX(g: GridLayout, c: number): number {
  return g.x0 + c * (g.cellWidth + g.gap);
}

/** Top edge of row `r`. */
export function cellY(g: GridLayout, r: number): number {
  return g.y0 + r * (g.cellHeight + g.gap);
}
