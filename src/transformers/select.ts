/**
 * What a run keeps, and whether it fits: the layers tapped and heads kept (`layers`, `heads`), the
 * memory limit checked before anything runs, and float16 weights.
 */
import { attentionData, markComponent } from '../core/brand.js';
import type { AttentionData, HalfFloatArray } from '../core/types.js';
import { AttentionComputeError } from './errors.js';
import type { ComputeOptions } from './types.js';

/** The layers and heads a run keeps, by the model's numbers; `undefined` for all of them. */
export interface Selection {
  readonly layers: readonly number[] | undefined;
  readonly heads: readonly number[] | undefined;
}

/**
 * `o.layers` and `o.heads` checked against the model's `L` layers and `H` heads (from its config;
 * 0 when the config does not say, and then only checked once the graph is read).
 */
export function selection(o: ComputeOptions, L: number, H: number): Selection {
  return {
    layers: numbers(o.layers, 'layers', 'layer', L),
    heads: numbers(o.heads, 'heads', 'head', H),
  };
}

/** A list of distinct integers in [0, count) (any ≥ 0 when count is 0), or undefined. */
export function numbers(
  value: unknown,
  field: string,
  what: string,
  count: number,
): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new AttentionComputeError(
      'unsupported',
      `${field}: expected a non-empty list of ${what} numbers, received ${Array.isArray(value) ? 'an empty list' : JSON.stringify(value)}`,
    );
  }
  const seen = new Set<number>();
  value.forEach((n: unknown, i) => {
    const range = count > 0 ? `from 0 to ${count - 1}` : '≥ 0';
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || (count > 0 && n >= count)) {
      throw new AttentionComputeError(
        'unsupported',
        `${field}[${i}]: expected a ${what} number ${range} (the model has ${count > 0 ? count : 'an unknown number of'} ${what}s), received ${JSON.stringify(n)}`,
      );
    }
    if (seen.has(n)) {
      throw new AttentionComputeError(
        'unsupported',
        `${field}[${i}]: expected a ${what} not listed before, received ${n} again`,
      );
    }
    seen.add(n);
  });
  return value as number[];
}

/** What the memory check counts. */
export interface MemoryNeed {
  readonly layers: number;
  readonly heads: number;
  readonly tokens: number;
  /** Each head's vector size. */
  readonly dim: number;
  readonly float16: boolean;
}

/** Bytes of attention (2 or 4 a weight) and query, key and value vectors (4 a value). */
export function attentionBytes(n: MemoryNeed): number {
  const perWeight = n.float16 ? 2 : 4;
  return n.layers * n.heads * n.tokens * (n.tokens * perWeight + 3 * n.dim * 4);
}

/** Throws a `too-long` error naming the numbers when `n` needs more than `limit` bytes. */
export function checkMemory(n: MemoryNeed, limit: number, model: string): void {
  const bytes = attentionBytes(n);
  if (bytes <= limit) return;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  throw new AttentionComputeError(
    'too-long',
    `input too long for "${model}": ${n.layers} layers × ${n.heads} heads × ${n.tokens} tokens need ${bytes} bytes (${mib(bytes)}) of attention and vectors (layers·heads·tokens·(tokens·${n.float16 ? 2 : 4} + 3·${n.dim}·4)), over the limit of ${limit} bytes (${mib(limit)}, maxBytes): ask for fewer layers or heads (layers, heads), float16, or a higher maxBytes`,
  );
}

/** The platform's Float16Array, where it has one. */
function float16Array(): (new (values: ArrayLike<number>) => HalfFloatArray) | undefined {
  return (globalThis as { Float16Array?: new (values: ArrayLike<number>) => HalfFloatArray }).Float16Array;
}

/** Throws unless the platform can hold float16 weights, before anything is downloaded. */
export function checkFloat16(): void {
  if (float16Array()) return;
  throw new AttentionComputeError(
    'unsupported',
    'float16: expected a platform with Float16Array (Chromium 135+, Firefox 129+, Safari 18.2+, Node 24+), received one without it: leave float16 out',
  );
}

/** `data` with each component's weights as a Float16Array (vectors stay float32). */
export function toFloat16(data: AttentionData): AttentionData {
  const Half = float16Array()!;
  return attentionData(
    data.components.map((c) => markComponent({ ...c, weights: new Half(c.weights) })),
    data.hints,
  );
}
