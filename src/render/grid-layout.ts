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

/** A cell of the grid by display row and column. */
export interface GridCell {
  readonly row: number;
  readonly col: number;
}

/**
 * The cell a key moves the grid's cursor to (ARIA grid keys: arrows, Home/End along the row,
 * Ctrl+Home/End to the corners, PageUp/PageDown to the first and last row), or undefined for
 * any other key.
 */
export function moveCell(
  key: string,
  from: GridCell,
  rows: number,
  columns: number,
  ctrl = false,
): GridCell | undefined {
  const { row, col } = from;
  switch (key) {
    case 'ArrowRight':
      return { row, col: Math.min(columns - 1, col + 1) };
    case 'ArrowLeft':
      return { row, col: Math.max(0, col - 1) };
    case 'ArrowDown':
      return { row: Math.min(rows - 1, row + 1), col };
    case 'ArrowUp':
      return { row: Math.max(0, row - 1), col };
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row, col: 0 };
    case 'End':
      return ctrl ? { row: rows - 1, col: columns - 1 } : { row, col: columns - 1 };
    case 'PageDown':
      return { row: rows - 1, col };
    case 'PageUp':
      return { row: 0, col };
    default:
      return undefined;
  }
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where a tooltip of size `tip` goes for a cell `anchor`, in the coordinates of the area `bounds`
 * it should stay within: below the cell when it fits there, else above it when it fits there (the
 * bottom rows, so that a panel under the grid never covers it), else on the side with more room;
 * left-aligned with the cell, or right-aligned with it when it would overflow on the right; never
 * left of the area.
 */
export function tooltipPlacement(
  anchor: Box,
  tip: { readonly width: number; readonly height: number },
  bounds: Box,
  gap = 4,
): { left: number; top: number; above: boolean } {
  const below = anchor.top + anchor.height + gap;
  const aboveTop = anchor.top - gap - tip.height;
  const bottom = bounds.top + bounds.height;
  const roomAbove = anchor.top - bounds.top;
  const roomBelow = bottom - (anchor.top + anchor.height);
  const above = below + tip.height > bottom && (aboveTop >= bounds.top || roomAbove > roomBelow);
  let left = anchor.left;
  if (left + tip.width > bounds.left + bounds.width) left = anchor.left + anchor.width - tip.width;
  return { left: Math.max(bounds.left, left), top: above ? aboveTop : below, above };
}
