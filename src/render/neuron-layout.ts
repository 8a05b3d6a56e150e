/**
 * Geometry of the neuron view: the query and key token columns joined by lines (the head view's
 * layout), then, per key row, the vector and scalar columns; above the rows, a header band with
 * the column titles and the q and Σα·v vectors. Pure numbers in CSS pixels, and the cells they
 * hold: which cell is under a point, and where the cell cursor moves.
 */
import { headLayout, type HeadLayout } from './head-layout.js';

/** The neuron view's columns, left to right after the key tokens. */
export type NeuronColumnId = 'k' | 'qk' | 'dot' | 'softmax' | 'norm' | 'v';

export interface NeuronColumn {
  readonly id: NeuronColumnId;
  readonly x: number;
  readonly width: number;
  /** True for columns of `dim` cells; false for one number per key. */
  readonly vector: boolean;
}

export interface NeuronLayout {
  readonly tokens: HeadLayout;
  readonly columns: readonly NeuronColumn[];
  /** Width of one vector cell. */
  readonly cell: number;
  readonly width: number;
  /** Height of the rows (the token columns'). */
  readonly height: number;
  /** Height of the header band above the rows: titles, then the q / Σα·v row. */
  readonly headerHeight: number;
  /** Top of the q / Σα·v row in the header band. */
  readonly headerRowTop: number;
  /** Height of a row of cells (a row less a gap). */
  readonly cellHeight: number;
}

export interface NeuronLayoutOptions {
  readonly width: number;
  readonly queryCount: number;
  readonly keyCount: number;
  readonly dim: number;
  readonly rowHeight: number;
  readonly values: boolean;
}

/**
 * A cell of the vector and scalar columns: a key row (its index among the keys shown) or the
 * header row (q over the k column, Σα·v over the v column).
 */
export interface NeuronCell {
  readonly row: number | 'header';
  readonly column: NeuronColumnId;
  /** The dimension (not its display slot) in a vector column; null in a scalar column. */
  readonly dim: number | null;
}

const TOKEN_PART = {
  minTokenWidth: 56,
  maxTokenWidth: 110,
  minLinesWidth: 40,
  maxLinesWidth: 90,
  gap: 6,
  padding: 4,
};
const SCALAR_WIDTH = 58;
const GAP = 10;
const MIN_CELL = 2;
const MAX_CELL = 12;
/** Height of the column titles at the top of the header band. */
const TITLE_HEIGHT = 20;
/** Space left between rows of cells, so that rows read apart. */
const ROW_GAP = 2;

export function neuronLayout(o: NeuronLayoutOptions): NeuronLayout {
  const tokenWidth = TOKEN_PART.maxTokenWidth * 2 + TOKEN_PART.maxLinesWidth + 2 * TOKEN_PART.gap;
  const tokens = headLayout({
    width: Math.min(tokenWidth, Math.max(0, o.width * 0.3)),
    queryCount: o.queryCount,
    keyCount: o.keyCount,
    rowHeight: o.rowHeight,
    ...TOKEN_PART,
  });
  const ids: NeuronColumnId[] = o.values
    ? ['k', 'qk', 'dot', 'softmax', 'norm', 'v']
    : ['k', 'qk', 'dot', 'softmax'];
  const vectors = o.values ? 3 : 2;
  const scalars = ids.length - vectors;
  const room = o.width - tokens.width - ids.length * GAP - scalars * SCALAR_WIDTH;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(room / (vectors * o.dim))));
  let x = tokens.width;
  const columns = ids.map((id) => {
    const vector = id === 'k' || id === 'qk' || id === 'v';
    const width = vector ? cell * o.dim : SCALAR_WIDTH;
    x += GAP;
    const column = { id, x, width, vector };
    x += width;
    return column;
  });
  return {
    tokens,
    columns,
    cell,
    width: x + GAP,
    height: tokens.height,
    headerHeight: TITLE_HEIGHT + o.rowHeight + 4,
    headerRowTop: TITLE_HEIGHT + 1,
    cellHeight: o.rowHeight - ROW_GAP,
  };
}

/** Top of key row `row` in row coordinates (the header's row: in header coordinates). */
export function cellTop(layout: NeuronLayout, row: number | 'header'): number {
  return row === 'header' ? layout.headerRowTop : layout.tokens.padding + row * layout.tokens.rowHeight;
}

/** Left edge and width of a cell: its dimension's slot in a vector column, or the scalar column. */
export function cellBox(
  layout: NeuronLayout,
  order: readonly number[],
  column: NeuronColumn,
  dim: number | null,
): { x: number; width: number } {
  if (!column.vector || dim === null) return { x: column.x, width: column.width };
  return { x: column.x + order.indexOf(dim) * layout.cell, width: layout.cell };
}

/**
 * The cell at `x` (from the view's left edge) in key row coordinates `y`, or in the header row
 * (only q and Σα·v are there); null between columns and outside the rows.
 */
export function cellAt(
  layout: NeuronLayout,
  order: readonly number[],
  x: number,
  y: number | 'header',
  keyCount: number,
): NeuronCell | null {
  const t = layout.tokens;
  const row = y === 'header' ? 'header' : Math.floor((y - t.padding) / t.rowHeight);
  if (row !== 'header' && (row < 0 || row >= keyCount)) return null;
  const column = layout.columns.find((c) => x >= c.x && x < c.x + c.width);
  if (!column || (row === 'header' && column.id !== 'k' && column.id !== 'v')) return null;
  if (!column.vector) return { row, column: column.id, dim: null };
  const slot = Math.min(order.length - 1, Math.floor((x - column.x) / layout.cell));
  return { row, column: column.id, dim: order[slot] ?? null };
}

/** True when both are the same cell (or both none). */
export function sameCell(a: NeuronCell | null, b: NeuronCell | null): boolean {
  return a === b || (!!a && !!b && a.row === b.row && a.column === b.column && a.dim === b.dim);
}

/** Where the cell cursor starts: the first dimension of key row `row`'s k vector. */
export function firstCell(order: readonly number[], row = 0): NeuronCell {
  return { row, column: 'k', dim: order[0] ?? null };
}

/**
 * The cell an arrow key (or Home / End) moves the cursor to, or null for any other key. Left
 * and right walk every dimension of each vector column and each scalar column in turn; up from
 * the first key row reaches the header row over k and v.
 */
export function moveCell(
  layout: NeuronLayout,
  order: readonly number[],
  from: NeuronCell,
  key: string,
  keyCount: number,
): NeuronCell | null {
  const slots = layout.columns.flatMap((c): { column: NeuronColumnId; dim: number | null }[] =>
    c.vector ? order.map((dim) => ({ column: c.id, dim })) : [{ column: c.id, dim: null }],
  );
  let i = Math.max(
    0,
    slots.findIndex((s) => s.column === from.column && s.dim === from.dim),
  );
  let row: number | 'header' = from.row;
  const index = row === 'header' ? -1 : row;
  if (key === 'ArrowRight') i = Math.min(slots.length - 1, i + 1);
  else if (key === 'ArrowLeft') i = Math.max(0, i - 1);
  else if (key === 'Home') i = 0;
  else if (key === 'End') i = slots.length - 1;
  else if (key === 'ArrowDown') row = Math.min(keyCount - 1, index + 1);
  else if (key === 'ArrowUp') {
    const overHeader = from.column === 'k' || from.column === 'v';
    row = index <= 0 ? (overHeader ? 'header' : 0) : index - 1;
  } else return null;
  const slot = slots[i]!;
  // The header row has cells over k and v only: elsewhere the cursor drops to the first key.
  if (row === 'header' && slot.column !== 'k' && slot.column !== 'v') row = 0;
  return { row, column: slot.column, dim: slot.dim };
}

/**
 * Where a key moves the cursor of a list of `count` rows (a token column) from row `at` (null:
 * none yet), `page` rows per PageUp / PageDown; null for a key that does not move it.
 */
export function moveInList(key: string, at: number | null, count: number, page: number): number | null {
  const from = at ?? -1;
  const moves: Record<string, number> = {
    ArrowDown: from + 1,
    ArrowUp: from - 1,
    PageDown: from + page,
    PageUp: from - page,
    Home: 0,
    End: count - 1,
  };
  return Object.hasOwn(moves, key) ? Math.max(0, Math.min(count - 1, moves[key]!)) : null;
}
