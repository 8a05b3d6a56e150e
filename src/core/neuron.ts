/**
 * How one head computes its attention for one query (Vig 2019, section 2.3), from the per-head
 * query and key vectors: the element-wise products q×k, the scaled dot products q·k, and their
 * softmax, which must equal the attention the model reported; and, when value vectors are given,
 * what the head outputs. Pure functions; sums run in double precision.
 *
 * Indices are those of a component: query `q` is at model position `queryStart + q`, key `k` at
 * `keyStart + k`.
 */
import { AttentionDataError, describe } from './errors.js';
import type { AttentionComponent, VectorTensor } from './types.js';

/** One query's attention computation in one head. */
export interface NeuronRow {
  readonly query: number;
  readonly keyCount: number;
  readonly dim: number;
  /** The factor q·k is multiplied by: 1/√d, or 1 when the vectors are pre-scaled (`vectorsScaled`). */
  readonly scale: number;
  /** The query vector q, `dim` values. */
  readonly q: Float32Array;
  /** Element-wise products q_i·k_i, row-major `[keys, dim]`. */
  readonly products: Float64Array;
  /** Scaled dot products `scale · q·k` per key (computed for hidden keys too). */
  readonly dots: Float64Array;
  /** Softmax of the dots over the keys the query sees; 0 for hidden keys. */
  readonly softmax: Float64Array;
  /** 1 for keys a causal mask hides from the query (the model never sees them). */
  readonly hidden: Uint8Array;
}

/**
 * Largest difference between the softmax of q·k and the reported attention that still counts as
 * equal: float16 models round attention to about 5·10⁻⁴, and their vectors too.
 */
export const SOFTMAX_TOLERANCE = 5e-3;

/** `[layers, heads, tokens, dim]` vectors of one head. */
function headVectors(v: VectorTensor, layerIndex: number, headIndex: number): Float32Array {
  const [, H, T, D] = v.shape;
  const start = (layerIndex * H + headIndex) * T * D;
  return v.data.subarray(start, start + T * D);
}

function checkIndex(value: number, size: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= size) {
    throw new AttentionDataError(field, `an integer from 0 to ${size - 1}`, describe(value));
  }
}

/** True when the component carries what the neuron view needs. */
export function hasVectors(c: AttentionComponent): boolean {
  return c.queries !== undefined && c.keys !== undefined;
}

/**
 * The computation of query `query` in one head: products, scaled dots and softmax over every key
 * of the component. Call it on a whole component: a sentence-pair block holds only some of the
 * keys, so its softmax would run over those alone (the neuron view computes on the whole input
 * and shows the block).
 * @throws AttentionDataError when the component has no query/key vectors, or an index is out of range.
 */
export function neuronRow(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  query: number,
): NeuronRow {
  if (!c.queries || !c.keys) {
    throw new AttentionDataError(
      c.queries ? 'keys' : 'queries',
      'per-head query and key vectors [layers, heads, tokens, dim] (e.g. bertviz neuron-view JSON with queries and keys)',
      'none',
    );
  }
  const [L, H, Q, K] = c.shape;
  checkIndex(layerIndex, L, 'layerIndex');
  checkIndex(headIndex, H, 'headIndex');
  checkIndex(query, Q, 'query');
  const D = c.queries.shape[3];
  const q = headVectors(c.queries, layerIndex, headIndex).subarray(query * D, (query + 1) * D);
  const keys = headVectors(c.keys, layerIndex, headIndex);
  const scale = c.vectorsScaled ? 1 : 1 / Math.sqrt(D);
  const products = new Float64Array(K * D);
  const dots = new Float64Array(K);
  const hidden = new Uint8Array(K);
  const position = c.queryStart + query;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    let dot = 0;
    const row = k * D;
    for (let i = 0; i < D; i++) {
      const p = q[i]! * keys[row + i]!;
      products[row + i] = p;
      dot += p;
    }
    dots[k] = dot * scale;
    if (c.causal && c.keyStart + k > position) hidden[k] = 1;
    else if (dots[k]! > max) max = dots[k]!;
  }
  const softmax = new Float64Array(K);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    if (hidden[k]) continue;
    softmax[k] = Math.exp(dots[k]! - max);
    sum += softmax[k]!;
  }
  if (sum > 0) for (let k = 0; k < K; k++) softmax[k]! /= sum;
  return { query, keyCount: K, dim: D, scale, q, products, dots, softmax, hidden };
}

/** How the softmax of q·k compares with the attention the data reports for the same row. */
export interface SoftmaxCheck {
  readonly ok: boolean;
  /** Largest absolute difference, and the key where it occurs. */
  readonly maxDiff: number;
  readonly key: number;
  readonly computed: number;
  readonly reported: number;
}

/**
 * Compares a row's softmax with the reported attention row (`K` weights). Differences up to
 * `tolerance` are rounding; more means the vectors and the attention do not belong together
 * (another layer or head, a model whose attention is not softmax(q·k·scale), e.g. with ALiBi or
 * relative position biases).
 */
export function checkSoftmax(
  row: NeuronRow,
  reported: ArrayLike<number>,
  tolerance = SOFTMAX_TOLERANCE,
): SoftmaxCheck {
  if (reported.length !== row.keyCount) {
    throw new AttentionDataError('reported', `${row.keyCount} weights (one per key)`, `${reported.length}`);
  }
  let maxDiff = 0;
  let key = 0;
  for (let k = 0; k < row.keyCount; k++) {
    const diff = Math.abs(row.softmax[k]! - reported[k]!);
    if (diff > maxDiff) {
      maxDiff = diff;
      key = k;
    }
  }
  return { ok: maxDiff <= tolerance, maxDiff, key, computed: row.softmax[key]!, reported: reported[key]! };
}

/** What a head outputs for one query, from its value vectors. */
export interface ValueMix {
  /** The attention-weighted sum Σ_k α_k·v_k, `dim` values: the head's output before W_O. */
  readonly output: Float64Array;
  /** ‖v_k‖ per key. */
  readonly valueNorms: Float64Array;
  /** ‖α_k·v_k‖ = α_k·‖v_k‖ per key: value-weighted attention (Kobayashi et al. 2020, per head, before W_O). */
  readonly weightedNorms: Float64Array;
}

/**
 * The head's output for a query whose attention row is `weights` (the model's, K values), and
 * the norms of each key's weighted value.
 * @throws AttentionDataError when the component has no value vectors.
 */
export function valueMix(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  weights: ArrayLike<number>,
): ValueMix {
  if (!c.values) {
    throw new AttentionDataError('values', 'per-head value vectors [layers, heads, tokens, dim]', 'none');
  }
  const [L, H, , K] = c.shape;
  checkIndex(layerIndex, L, 'layerIndex');
  checkIndex(headIndex, H, 'headIndex');
  if (weights.length !== K) {
    throw new AttentionDataError('weights', `${K} weights (one per key)`, `${weights.length}`);
  }
  const D = c.values.shape[3];
  const v = headVectors(c.values, layerIndex, headIndex);
  const output = new Float64Array(D);
  const valueNorms = new Float64Array(K);
  const weightedNorms = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const a = weights[k]!;
    const row = k * D;
    let sq = 0;
    for (let i = 0; i < D; i++) {
      const x = v[row + i]!;
      sq += x * x;
      output[i]! += a * x;
    }
    valueNorms[k] = Math.sqrt(sq);
    weightedNorms[k] = Math.abs(a) * valueNorms[k]!;
  }
  return { output, valueNorms, weightedNorms };
}

/**
 * How much each dimension (neuron) drives the query's dot products: the mean over the keys the
 * query sees of |q_i·k_i|. The few neurons with the largest values are those that make the
 * head's pattern.
 */
export function dimensionContributions(row: NeuronRow): Float64Array {
  const D = row.dim;
  const out = new Float64Array(D);
  let seen = 0;
  for (let k = 0; k < row.keyCount; k++) {
    if (row.hidden[k]) continue;
    seen++;
    const base = k * D;
    for (let i = 0; i < D; i++) out[i]! += Math.abs(row.products[base + i]!);
  }
  if (seen > 0) for (let i = 0; i < D; i++) out[i]! /= seen;
  return out;
}

/** Dimension indices by descending contribution (ties keep index order). */
export function dimensionOrder(contributions: ArrayLike<number>): number[] {
  return Array.from({ length: contributions.length }, (_, i) => i).sort(
    (a, b) => contributions[b]! - contributions[a]! || a - b,
  );
}
