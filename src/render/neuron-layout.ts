/**
 * Geometry of the neuron view: the query and key token columns joined by lines (the head view's
 * layout), then, per key row, the vector and scalar columns. Pure numbers in CSS pixels.
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
}

export interface NeuronLayoutOptions {
  readonly width: number;
  readonly queryCount: number;
  readonly keyCount: number;
  readonly dim: number;
  readonly rowHeight: number;
  readonly values: boolean;
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
  return { tokens, columns, cell, width: x + GAP, height: tokens.height };
}
