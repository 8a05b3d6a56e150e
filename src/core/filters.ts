/**
 * Pure derivations of a component: sentence-pair sub-blocks, layer/head subsets, and views of one
 * head's matrix. None mutates its input; each returns new typed arrays (or zero-copy subarrays
 * where stated).
 */
import { AttentionDataError, describe } from './errors.js';
import type { AttentionComponent, AttentionData, ComponentName, VectorTensor } from './types.js';

/** A sentence-pair block: queries from the first letter's sentence, keys from the second's. */
export type PairBlock = 'aa' | 'bb' | 'ab' | 'ba';

/**
 * Every value of a view's `filter`: a whole component, a sentence-pair block of it, or the rows
 * of the tokens the model generated (`generated`: their attention to every token before them).
 */
export type AttentionFilter = 'all' | PairBlock | 'generated' | Exclude<ComponentName, 'self'>;

export const PAIR_BLOCKS: readonly PairBlock[] = ['aa', 'bb', 'ab', 'ba'];

/** Human labels for every filter, as the views' selectors show them. */
export const FILTER_LABELS: Readonly<Record<AttentionFilter, string>> = {
  all: 'All',
  aa: 'Sentence A → Sentence A',
  bb: 'Sentence B → Sentence B',
  ab: 'Sentence A → Sentence B',
  ba: 'Sentence B → Sentence A',
  generated: 'Generated tokens only',
  encoder: 'Encoder',
  decoder: 'Decoder',
  cross: 'Cross',
};

/** The filters a dataset offers, in selector order. */
export function availableFilters(data: AttentionData): AttentionFilter[] {
  const names = data.components.map((c) => c.name);
  if (names.length === 1 && names[0] === 'self') {
    const c = data.components[0]!;
    return [
      'all',
      ...(c.sentenceBStart !== undefined ? PAIR_BLOCKS : []),
      ...(c.generatedStart !== undefined ? (['generated'] as const) : []),
    ];
  }
  return names.filter((n): n is Exclude<ComponentName, 'self'> => n !== 'self');
}

/**
 * Applies a filter: picks the named component, or cuts a sentence-pair block out of the
 * self-attention component.
 * @throws AttentionDataError when the data offers no such filter.
 */
export function applyFilter(data: AttentionData, filter: AttentionFilter): AttentionComponent {
  const available = availableFilters(data);
  if (!available.includes(filter)) {
    throw new AttentionDataError(
      'filter',
      `one of ${available.map((f) => `"${f}"`).join(', ')}`,
      describe(filter),
    );
  }
  if (filter === 'all') return data.components[0]!;
  if (filter === 'encoder' || filter === 'decoder' || filter === 'cross') {
    return data.components.find((c) => c.name === filter)!;
  }
  if (filter === 'generated') return generatedRows(data.components[0]!);
  return sentencePairBlock(data.components[0]!, filter);
}

/**
 * The rows of the generated tokens: queries from `generatedStart` on, every key, so that each
 * generated token's attention to the prompt and to the tokens generated before it shows alone.
 */
export function generatedRows(c: AttentionComponent): AttentionComponent {
  const start = c.generatedStart;
  if (start === undefined) {
    throw new AttentionDataError('generatedStart', 'generated tokens for the generated filter', 'undefined');
  }
  return block(c, [start, c.queryTokens.length], [0, c.keyTokens.length]);
}

/**
 * The sub-block of a sentence-pair component: e.g. `ab` keeps queries in sentence A and keys in
 * sentence B, as bertviz's "Sentence A -> Sentence B". Weights are copied unchanged (rows of a
 * block do not sum to 1); query/key/value vectors are cut to the same tokens.
 */
export function sentencePairBlock(c: AttentionComponent, pair: PairBlock): AttentionComponent {
  const start = c.sentenceBStart;
  if (start === undefined) {
    throw new AttentionDataError('sentenceBStart', 'a sentence pair for a pair filter', 'undefined');
  }
  const n = c.queryTokens.length;
  const qRange: [number, number] = pair[0] === 'a' ? [0, start] : [start, n];
  const kRange: [number, number] = pair[1] === 'a' ? [0, start] : [start, n];
  return block(c, qRange, kRange);
}

/** The queries `qRange` and keys `kRange` of `c`, weights copied unchanged. */
function block(
  c: AttentionComponent,
  qRange: [number, number],
  kRange: [number, number],
): AttentionComponent {
  const [L, H, Q, K] = c.shape;
  const qn = qRange[1] - qRange[0];
  const kn = kRange[1] - kRange[0];
  const weights = new Float32Array(L * H * qn * kn);
  for (let lh = 0; lh < L * H; lh++) {
    for (let q = 0; q < qn; q++) {
      const src = (lh * Q + qRange[0] + q) * K + kRange[0];
      weights.set(c.weights.subarray(src, src + kn), (lh * qn + q) * kn);
    }
  }
  const result: AttentionComponent = {
    name: c.name,
    queryTokens: c.queryTokens.slice(qRange[0], qRange[1]),
    keyTokens: c.keyTokens.slice(kRange[0], kRange[1]),
    weights,
    shape: [L, H, qn, kn],
    layers: c.layers,
    heads: c.heads,
    causal: c.causal,
    normalized: c.normalized,
    queryStart: c.queryStart + qRange[0],
    keyStart: c.keyStart + kRange[0],
    ...(c.queries ? { queries: sliceTokens(c.queries, qRange) } : {}),
    ...(c.keys ? { keys: sliceTokens(c.keys, kRange) } : {}),
    ...(c.values ? { values: sliceTokens(c.values, kRange) } : {}),
    ...(c.vectorsScaled !== undefined ? { vectorsScaled: c.vectorsScaled } : {}),
    ...(c.kvHeads ? { kvHeads: c.kvHeads } : {}),
    // A position in the whole input, like queryStart: the block's tokens from it on were generated.
    ...(c.generatedStart !== undefined ? { generatedStart: c.generatedStart } : {}),
  };
  return result;
}

function sliceTokens(v: VectorTensor, [from, to]: [number, number]): VectorTensor {
  const [L, H, T, D] = v.shape;
  const n = to - from;
  const data = new Float32Array(L * H * n * D);
  for (let lh = 0; lh < L * H; lh++) {
    const src = (lh * T + from) * D;
    data.set(v.data.subarray(src, src + n * D), lh * n * D);
  }
  return { data, shape: [L, H, n, D] };
}

/** Subset options: the model's own layer and head numbers to keep, in the order given. */
export interface SubsetOptions {
  readonly layers?: readonly number[];
  readonly heads?: readonly number[];
}

/**
 * Keeps some layers and heads (by the model's own numbers), in the order given: bertviz's
 * `include_layers` / `include_heads`. The original numbers stay attached.
 * @throws AttentionDataError when a number is not in the component.
 */
export function selectSubset(c: AttentionComponent, subset: SubsetOptions): AttentionComponent {
  const layerIdx = indicesOf(subset.layers, c.layers, 'include-layers', 'layer');
  const headIdx = indicesOf(subset.heads, c.heads, 'include-heads', 'head');
  if (!layerIdx && !headIdx) return c;
  const li = layerIdx ?? c.layers.map((_, i) => i);
  const hi = headIdx ?? c.heads.map((_, i) => i);
  const [, H, Q, K] = c.shape;
  const block = Q * K;
  const weights = new Float32Array(li.length * hi.length * block);
  li.forEach((l, a) =>
    hi.forEach((h, b) => {
      const src = (l * H + h) * block;
      weights.set(c.weights.subarray(src, src + block), (a * hi.length + b) * block);
    }),
  );
  const pick = (v: VectorTensor | undefined): VectorTensor | undefined => {
    if (!v) return undefined;
    const [, VH, T, D] = v.shape;
    const size = T * D;
    const data = new Float32Array(li.length * hi.length * size);
    li.forEach((l, a) =>
      hi.forEach((h, b) => {
        const src = (l * VH + h) * size;
        data.set(v.data.subarray(src, src + size), (a * hi.length + b) * size);
      }),
    );
    return { data, shape: [li.length, hi.length, T, D] };
  };
  const queries = pick(c.queries);
  const keys = pick(c.keys);
  const values = pick(c.values);
  return {
    ...c,
    weights,
    shape: [li.length, hi.length, Q, K],
    layers: li.map((i) => c.layers[i]!),
    heads: hi.map((i) => c.heads[i]!),
    ...(c.kvHeads ? { kvHeads: hi.map((i) => c.kvHeads![i]!) } : {}),
    ...(queries ? { queries } : {}),
    ...(keys ? { keys } : {}),
    ...(values ? { values } : {}),
  };
}

function indicesOf(
  wanted: readonly number[] | undefined,
  available: readonly number[],
  field: string,
  what: string,
): number[] | undefined {
  if (wanted === undefined) return undefined;
  if (wanted.length === 0) {
    throw new AttentionDataError(field, `at least one ${what} number`, 'an empty list');
  }
  const seen = new Set<number>();
  return wanted.map((n, i) => {
    const index = available.indexOf(n);
    if (index < 0) {
      throw new AttentionDataError(
        `${field}[${i}]`,
        `one of the ${what}s ${rangeText(available)}`,
        describe(n),
      );
    }
    if (seen.has(n))
      throw new AttentionDataError(`${field}[${i}]`, `a ${what} not listed before`, describe(n));
    seen.add(n);
    return index;
  });
}

/** `0–11` for a contiguous run, else the list. */
export function rangeText(numbers: readonly number[]): string {
  if (numbers.length === 0) return '(none)';
  const contiguous = numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
  return contiguous && numbers.length > 2
    ? `${numbers[0]}–${numbers[numbers.length - 1]}`
    : `[${numbers.join(', ')}]`;
}

/**
 * One head's `[queries, keys]` matrix, by layer and head index: a zero-copy view of float32
 * weights, a float32 copy of float16 ones (so that what draws it reads one type).
 */
export function headMatrix(c: AttentionComponent, layerIndex: number, headIndex: number): Float32Array {
  const [, H, Q, K] = c.shape;
  const start = (layerIndex * H + headIndex) * Q * K;
  const m = c.weights.subarray(start, start + Q * K);
  return m instanceof Float32Array ? m : Float32Array.from(m);
}

/** Index of a layer given its original number, or -1. */
export function layerIndexOf(c: AttentionComponent, layer: number): number {
  return c.layers.indexOf(layer);
}
