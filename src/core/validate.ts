/**
 * The checks an attention tensor must pass: finite, non-negative weights; rows summing to 1 for
 * softmax outputs; and the causal structure, measured in the same single pass.
 */
import { AttentionDataError, describe } from './errors.js';
import { indexPath } from './tensor.js';
import type { AttentionShape, VectorShape } from './types.js';

/** Default allowed deviation of a row sum from 1 for float32 data. */
export const ROW_SUM_TOLERANCE = 1e-3;
/** Default allowed deviation for half-precision data: fp16 rounding of 1000 values adds up. */
export const ROW_SUM_TOLERANCE_HALF = 1e-2;

export interface WeightCheckOptions {
  /** Allowed |row sum − 1|. */
  readonly tolerance: number;
  /** Skip the row-sum check (scores, rollout, sub-blocks). Weights must still be ≥ 0. */
  readonly allowUnnormalized: boolean;
}

export interface WeightCheckResult {
  /** Flat index of the first weight to a later key, or -1 if the tensor is causal. */
  readonly firstFutureIndex: number;
}

/** Validates weights in one pass. Throws an `AttentionDataError` naming the first bad value. */
export function checkWeights(
  data: Float32Array,
  shape: AttentionShape,
  field: string,
  options: WeightCheckOptions,
  rowSums?: Float64Array,
): WeightCheckResult {
  const [layers, heads, queries, keys] = shape;
  const rows = layers * heads * queries;
  let firstFuture = -1;
  for (let row = 0; row < rows; row++) {
    const q = row % queries;
    const base = row * keys;
    // Sums added up while copying (`DenseTensor.rowSums`) spare reading the row again; a NaN
    // one (a negative or infinite weight) is read again to find the bad value.
    const given = rowSums ? rowSums[row]! : NaN;
    const sum = given === given ? given : rowSum(data, base, keys);
    if (sum < 0) {
      const at = base - 1 - sum;
      const v = data[at]!;
      const expected = Number.isFinite(v) ? 'a weight ≥ 0' : 'a finite number';
      throw new AttentionDataError(`${field}${indexPath(at, shape)}`, expected, describe(v));
    }
    // Weights to later keys are looked for until the first: most data has one in its first row.
    if (firstFuture < 0 && q + 1 < keys) firstFuture = firstNonZero(data, base + q + 1, base + keys);
    if (!options.allowUnnormalized && Math.abs(sum - 1) > options.tolerance) {
      throw new AttentionDataError(
        `${field}${indexPath(base, shape).replace(/\[\d+\]$/, '')}`,
        `a row of weights summing to 1 (±${options.tolerance}); pass allowUnnormalized for scores or rollout`,
        `a sum of ${roundForMessage(sum)}`,
      );
    }
  }
  return { firstFutureIndex: firstFuture };
}

/**
 * The sum of one row of `keys` weights from `base`, or -1 - k for the first weight k that is
 * negative, NaN or infinite. Functions of their own, called once per row, so that V8 optimises
 * them whole (12 × 12 × 256 × 256 weights are 9.4 million).
 */
function rowSum(data: Float32Array, base: number, keys: number): number {
  let sum = 0;
  for (let k = 0; k < keys; k++) {
    const v = data[base + k]!;
    // One comparison rejects NaN and negatives; Infinity needs its own.
    if (!(v >= 0) || v === Infinity) return -1 - k;
    sum += v;
  }
  return sum;
}

/** Index of the first weight other than 0 in `[from, to)`, or -1. */
function firstNonZero(data: Float32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (data[i] !== 0) return i;
  return -1;
}

/** Checks every value of a vector tensor is finite. */
export function checkFinite(data: Float32Array, shape: VectorShape, field: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      throw new AttentionDataError(`${field}${indexPath(i, shape)}`, 'a finite number', describe(v));
    }
  }
}

function roundForMessage(v: number): string {
  return String(Number(v.toPrecision(6)));
}
