/**
 * Attention rollout (Abnar & Zuidema 2020): how much each input position reaches each position
 * after a layer, following attention through every layer below it and the residual connection.
 */
import { AttentionDataError } from '../errors.js';
import { markComponent } from '../brand.js';
import type { AttentionComponent, WeightArray } from '../types.js';
import {
  aggregateLabel,
  checkComponent,
  checkSelfAttention,
  checkUnitNumber,
  indicesOf,
  withoutVectors,
} from './common.js';

export interface RolloutOptions {
  /** Weight of the residual connection r in Â = r·I + (1 − r)·Ā (default 0.5). */
  readonly residual?: number;
  /** Heads averaged into Ā, by the model's own numbers (default: all). */
  readonly heads?: readonly number[];
}

/**
 * Per layer l, Â_l = r·I + (1 − r)·Ā_l, where Ā_l is the mean over the chosen heads, each row
 * then renormalised to sum to 1 (a row that attends nowhere keeps only its residual); the
 * rollout is R₀ = Â₀ and R_l = Â_l · R_{l−1}. Shape `[layers, 1, tokens, tokens]`: layer l holds
 * the rollout from the input through layer l, labelled "rollout to layer l". Computed in double
 * precision, rounded once.
 * @throws AttentionDataError for cross attention or a sentence-pair block, layers that do not
 * run contiguously from the first, a residual outside [0, 1], or bad heads.
 */
export function attentionRollout(c: AttentionComponent, options: RolloutOptions = {}): AttentionComponent {
  const { heads, residual } = rolloutInput(c, options);
  const [L, H, T] = c.shape;
  const weights = rolloutWeights(L, T, (l) => residualAttention(c.weights, H, T, l, heads, residual));
  return rolloutComponent(c, heads, weights);
}

/**
 * `attentionRollout`'s arguments checked: the head indices and the residual.
 * @throws AttentionDataError as `attentionRollout` does.
 */
export function rolloutInput(
  c: AttentionComponent,
  options: RolloutOptions = {},
): { heads: number[]; residual: number } {
  checkComponent(c, 'attentionRollout');
  checkSelfAttention(c, 'attentionRollout');
  checkContiguousLayers(c, 'attentionRollout');
  checkNormalized(c, 'attentionRollout');
  const residual = options.residual ?? 0.5;
  checkUnitNumber(residual, 'attentionRollout: residual');
  return { heads: indicesOf(c.heads, options.heads, 'attentionRollout: heads', 'head'), residual };
}

/** The component of a rollout computed from `c` (here or in a worker): labelled, no vectors. */
export function rolloutComponent(
  c: AttentionComponent,
  heads: readonly number[],
  weights: Float32Array,
): AttentionComponent {
  return throughLayers(c, heads, weights, 'rollout');
}

/**
 * A rollout's or a flow's component: `[layers, 1, T, T]` of `weights`, its one head labelled by
 * the heads averaged and each layer "rollout to layer l" / "flow to layer l".
 */
export function throughLayers(
  c: AttentionComponent,
  heads: readonly number[],
  weights: Float32Array,
  what: 'rollout' | 'flow',
): AttentionComponent {
  const [L, , T] = c.shape;
  return markComponent({
    ...withoutVectors(c),
    weights,
    shape: [L, 1, T, T],
    heads: [0],
    headLabels: [
      aggregateLabel(
        'mean',
        'head',
        heads.map((h) => c.heads[h]!),
      ),
    ],
    layerLabels: c.layers.map((n) => `${what} to layer ${n}`),
    normalized: true,
  });
}

/**
 * Â_l of layer index `l`, `[T, T]` in double precision: the mean over `heads` (indices) of
 * `weights` (`[layers, H, T, T]`) mixed with the identity, rows renormalised.
 */
export function residualAttention(
  weights: WeightArray,
  H: number,
  T: number,
  l: number,
  heads: readonly number[],
  residual: number,
): Float64Array {
  const block = T * T;
  const a = new Float64Array(block);
  for (const h of heads) {
    const src = weights.subarray((l * H + h) * block, (l * H + h + 1) * block);
    for (let i = 0; i < block; i++) a[i]! += src[i]!;
  }
  const mix = (1 - residual) / heads.length;
  for (let i = 0; i < T; i++) {
    let sum = 0;
    for (let j = 0; j < T; j++) {
      const v = a[i * T + j]! * mix + (i === j ? residual : 0);
      a[i * T + j] = v;
      sum += v;
    }
    if (sum > 0) for (let j = 0; j < T; j++) a[i * T + j]! /= sum;
  }
  return a;
}

/**
 * The rollout's weights from each layer's Â (`hat(l)`, made as needed so that only two layers'
 * worth of doubles live at once): `[layers, T, T]`. `progress` hears the share done per layer.
 * Only the columns `from` … `to − 1` (input positions) are computed, the rest left 0: a column
 * of R_l = Â_l · R_{l−1} needs only the same column of R_{l−1}, so that workers can share the
 * columns out and add their results.
 */
export function rolloutWeights(
  L: number,
  T: number,
  hat: (l: number) => Float64Array,
  progress?: (done: number) => void,
  from = 0,
  to = T,
): Float32Array {
  const weights = new Float32Array(L * T * T);
  let rollout: Float64Array | undefined;
  for (let l = 0; l < L; l++) {
    const a = hat(l);
    rollout = rollout ? multiply(a, rollout, T, from, to) : a;
    const base = l * T * T;
    for (let i = 0; i < T; i++) weights.set(rollout.subarray(i * T + from, i * T + to), base + i * T + from);
    progress?.((l + 1) / L);
  }
  return weights;
}

/**
 * Columns `from` … `to − 1` of a · b for `[T, T]` matrices (the rest 0): rows of `a` against
 * rows of `b` (i-k-j order, both read in sequence), skipping zeros of `a` and, in each row of
 * `b`, the columns before its first non-zero and after its last (half of all under a causal
 * mask, where position i attends to positions up to i only).
 */
function multiply(a: Float64Array, b: Float64Array, T: number, from: number, to: number): Float64Array {
  const out = new Float64Array(T * T);
  const lo = new Int32Array(T);
  const hi = new Int32Array(T);
  for (let k = 0; k < T; k++) {
    let first = to;
    let last = from - 1;
    for (let j = from; j < to; j++) {
      if (b[k * T + j] !== 0) {
        if (first === to) first = j;
        last = j;
      }
    }
    lo[k] = first;
    hi[k] = last;
  }
  for (let i = 0; i < T; i++) multiplyRow(a, b, out, i * T, T, lo, hi);
  return out;
}

/** Row `i` (starting at `row`) of a · b into `out`. A function of its own, so that V8 optimises it whole. */
function multiplyRow(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  row: number,
  T: number,
  lo: Int32Array,
  hi: Int32Array,
): void {
  for (let k = 0; k < T; k++) {
    const x = a[row + k]!;
    if (x === 0) continue;
    const from = k * T;
    const last = hi[k]!;
    for (let j = lo[k]!; j <= last; j++) out[row + j] = out[row + j]! + x * b[from + j]!;
  }
}

/** Throws unless the weights are softmax probabilities (not scores, not a maximum over heads). */
export function checkNormalized(c: AttentionComponent, fn: string): void {
  if (!c.normalized) {
    throw new AttentionDataError(
      `${fn}: c`,
      'attention probabilities (normalized: true)',
      'unnormalised weights',
    );
  }
}

/** Throws unless the layers are the model's first ones, in order, without gaps (0, 1, 2, …). */
export function checkContiguousLayers(c: AttentionComponent, fn: string): void {
  const first = c.layers.findIndex((n, i) => n !== i);
  if (first >= 0) {
    throw new AttentionDataError(
      `${fn}: c.layers`,
      'the layers from the first, in order, without gaps (0, 1, 2, …)',
      `[${c.layers.join(', ')}]`,
    );
  }
}
