/**
 * The cells of the neuron view for one query: the value each cell shows, the scale its colour
 * saturates at, and the cells painted as packed pixels. The screen and the exports paint with
 * these same functions, so an export shows exactly what the view shows.
 */
import { headMatrix } from '../core/filters.js';
import {
  checkSoftmax,
  dimensionContributions,
  dimensionOrder,
  neuronRow,
  valueMix,
  type NeuronRow,
  type SoftmaxCheck,
  type ValueMix,
} from '../core/neuron.js';
import type { Rgb } from '../core/palette.js';
import type { AttentionComponent, VectorTensor } from '../core/types.js';
import { cellTop, type NeuronColumnId, type NeuronLayout } from './neuron-layout.js';
import { fill, pack, packed, repeatRow, unpack, type DivergingColors, type PackedImage } from './pixels.js';

/** Largest |value| of each column for the head and keys shown: where its colour saturates. */
export interface NeuronScales {
  readonly q: number;
  readonly k: number;
  readonly qk: number;
  readonly dot: number;
  readonly norm: number;
  readonly v: number;
}

/** One query's computation, ready to draw. */
export interface NeuronCells {
  /** The computation over every key of the input (`row.keyCount` keys). */
  readonly row: NeuronRow;
  /** The head's key vectors, `[row.keyCount, dim]`. */
  readonly keys: Float32Array;
  /** The head's value vectors, `[row.keyCount, dim]`, with what they make, when the data has them. */
  readonly values: { readonly vectors: Float32Array; readonly mix: ValueMix } | undefined;
  /** Index in `row` of the first key shown (a sentence-pair block shows a range of keys). */
  readonly keyOffset: number;
  /** Keys shown. */
  readonly keyCount: number;
  /** Dimensions in display order. */
  readonly order: readonly number[];
  readonly scales: NeuronScales;
}

export interface CellColors extends DivergingColors {
  /** Cells of keys the causal mask hides. */
  readonly hidden: Rgb;
}

/** A scalar cell's number, at its right edge (CSS pixels, in the image's frame), with its cell colour. */
export interface CellNumber {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly cell: Rgb;
}

/** Where an image sits: its pixel (0, 0) is at CSS point `(x0, y0)`, `scale` pixels per CSS pixel. */
export interface ImageFrame {
  readonly x0: number;
  readonly y0: number;
  readonly scale: number;
}

/** One query's computation in one head, for the keys a component shows. */
export interface NeuronComputation {
  readonly cells: NeuronCells;
  /** softmax(q·k) against the data's attention, for every key of the input. */
  readonly check: SoftmaxCheck;
  /** Mean |q_i·k_i| per dimension over the keys the query sees. */
  readonly contributions: Float64Array;
  /** The data's attention from the query to every key of the input. */
  readonly reported: Float32Array;
}

/**
 * Computes query `query` of `shown` in one head, over every key of `source` (the whole input
 * `shown` is cut from, so that softmax sees every key, as in the model). Dimensions are sorted by
 * the contributions of query `selected`, so that they keep still while another query is previewed.
 */
export function computeNeuron(
  source: AttentionComponent,
  shown: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  query: number,
  selected: number,
  sort: boolean,
): NeuronComputation {
  const offset = shown.queryStart - source.queryStart;
  const row = neuronRow(source, layerIndex, headIndex, query + offset);
  const K = source.shape[3];
  const reported = headMatrix(source, layerIndex, headIndex).subarray(row.query * K, (row.query + 1) * K);
  const contributions = dimensionContributions(row);
  const orderFrom =
    selected === query
      ? contributions
      : dimensionContributions(neuronRow(source, layerIndex, headIndex, selected + offset));
  const order = sort ? dimensionOrder(orderFrom) : Array.from({ length: row.dim }, (_, i) => i);
  const head = (v: VectorTensor) => {
    const [, H, T, D] = v.shape;
    const start = (layerIndex * H + headIndex) * T * D;
    return v.data.subarray(start, start + T * D);
  };
  const values = source.values
    ? { vectors: head(source.values), mix: valueMix(source, layerIndex, headIndex, reported) }
    : undefined;
  const keyOffset = shown.keyStart - source.keyStart;
  return {
    cells: neuronCells(row, head(source.keys!), values, keyOffset, shown.shape[3], order),
    check: checkSoftmax(row, reported),
    contributions,
    reported,
  };
}

export function neuronCells(
  row: NeuronRow,
  keys: Float32Array,
  values: NeuronCells['values'],
  keyOffset: number,
  keyCount: number,
  order: readonly number[],
): NeuronCells {
  const D = row.dim;
  const start = keyOffset;
  const end = keyOffset + keyCount;
  const hiddenKey = (k: number) => row.hidden[k] === 1;
  const scales = {
    q: maxAbs(row.q),
    k: maxAbs(keys, start * D, end * D),
    qk: maxAbs(row.products, start * D, end * D, (i) => hiddenKey(Math.floor(i / D))),
    dot: maxAbs(row.dots, start, end, hiddenKey),
    norm: values ? maxAbs(values.mix.weightedNorms, start, end) : 1,
    v: values ? Math.max(maxAbs(values.vectors, start * D, end * D), maxAbs(values.mix.output)) : 1,
  };
  return { row, keys, values, keyOffset, keyCount, order, scales };
}

/** True when the causal mask hides shown key `key` from the query. */
export function isHidden(cells: NeuronCells, key: number): boolean {
  return cells.row.hidden[cells.keyOffset + key] === 1;
}

/** The value of a vector column's cell: k, q×k or v of shown key `key`, dimension `dim`. */
export function vectorValue(cells: NeuronCells, column: NeuronColumnId, key: number, dim: number): number {
  const D = cells.row.dim;
  const i = (cells.keyOffset + key) * D + dim;
  if (column === 'qk') return cells.row.products[i]!;
  if (column === 'v') return cells.values?.vectors[i] ?? 0;
  return cells.keys[i]!;
}

/** The value of a scalar column's cell: q·k, softmax or ‖α·v‖ of shown key `key`. */
export function scalarValue(cells: NeuronCells, column: NeuronColumnId, key: number): number {
  const k = cells.keyOffset + key;
  if (column === 'dot') return cells.row.dots[k]!;
  if (column === 'softmax') return cells.row.softmax[k]!;
  return cells.values?.mix.weightedNorms[k] ?? 0;
}

/** The header row's value: q (over the k column) or Σα·v (over the v column). */
export function headerValue(cells: NeuronCells, column: NeuronColumnId, dim: number): number {
  return column === 'v' ? (cells.values?.mix.output[dim] ?? 0) : cells.row.q[dim]!;
}

/** The scale a column's colours saturate at. */
function scaleOf(cells: NeuronCells, column: NeuronColumnId): number {
  return column === 'softmax' ? 1 : cells.scales[column];
}

/**
 * Paints the cells of the shown keys `[from, to)` into `image` (key rows in row coordinates; the
 * frame places the image). With `scalars`, the q·k, softmax and ‖α·v‖ cells too, and returns
 * their numbers to write on them; hidden keys get no number.
 */
export function paintCells(
  image: PackedImage,
  layout: NeuronLayout,
  cells: NeuronCells,
  colors: CellColors,
  from: number,
  to: number,
  frame: ImageFrame,
  scalars: boolean,
): CellNumber[] {
  const { scale, x0, y0 } = frame;
  const numbers: CellNumber[] = [];
  const hiddenWord = pack(colors.hidden, colors.hidden, 1);
  const cw = layout.cell * scale;
  for (let key = Math.max(0, from); key < Math.min(to, cells.keyCount); key++) {
    const top = cellTop(layout, key);
    const line = Math.round((top - y0) * scale);
    const bottom = Math.round((top + layout.cellHeight - y0) * scale);
    if (line >= image.height || bottom <= 0) continue;
    // Paint one pixel line of the row's cells, then copy it down the row's height.
    const paintLine = Math.max(0, line);
    const hidden = isHidden(cells, key);
    for (const col of layout.columns) {
      const cx = (col.x - x0) * scale;
      if (col.vector) {
        for (let j = 0; j < cells.order.length; j++) {
          const value = vectorValue(cells, col.id, key, cells.order[j]!);
          const word = hidden && col.id === 'qk' ? hiddenWord : packed(value, scaleOf(cells, col.id), colors);
          fill(image, cx + j * cw, paintLine, cw, 1, word);
        }
      } else if (scalars) {
        const value = scalarValue(cells, col.id, key);
        const word = hidden ? hiddenWord : packed(value, scaleOf(cells, col.id), colors);
        fill(image, cx, paintLine, col.width * scale, 1, word);
        if (!hidden) {
          numbers.push({
            x: col.x + col.width - 4 - x0,
            y: top + layout.cellHeight / 2 - y0,
            text: value.toFixed(3),
            cell: unpack(word),
          });
        }
      }
    }
    repeatRow(image, paintLine, paintLine + 1, bottom);
  }
  return numbers;
}

/** Paints the header row: q over the k column and Σα·v over the v column. */
export function paintHeaderCells(
  image: PackedImage,
  layout: NeuronLayout,
  cells: NeuronCells,
  colors: CellColors,
  frame: ImageFrame,
): void {
  const { scale, x0, y0 } = frame;
  const cw = layout.cell * scale;
  const y = (layout.headerRowTop - y0) * scale;
  for (const col of layout.columns) {
    if (col.id !== 'k' && (col.id !== 'v' || !cells.values)) continue;
    const s = col.id === 'k' ? cells.scales.q : cells.scales.v;
    cells.order.forEach((dim, j) => {
      const word = packed(headerValue(cells, col.id, dim), s, colors);
      fill(image, (col.x - x0) * scale + j * cw, y, cw, layout.cellHeight * scale, word);
    });
  }
}

function maxAbs(a: ArrayLike<number>, from = 0, to = a.length, skip?: (i: number) => boolean): number {
  let m = 0;
  for (let i = from; i < to; i++) if (!skip?.(i)) m = Math.max(m, Math.abs(a[i]!));
  return m || 1;
}
