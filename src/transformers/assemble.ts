/** The tapped tensors turned into the library's data, validated once at the edge like any input. */
import { AttentionDataError } from '../core/errors.js';
import { parseAttention, type AttentionSetInput, type EncoderDecoderInput } from '../core/parse/index.js';
import type { AttentionData } from '../core/types.js';
import { halfToFloat } from '../core/tensor.js';
import { AttentionComputeError } from './errors.js';
import { sharedKeyValueHeads } from './kv-heads.js';
import type { AttentionTap } from './tap.js';
import type { OrtTensor } from './types.js';

/** float32 data of an output tensor (float16 decoded). */
export function floatData(t: OrtTensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  // onnxruntime-web gives float16 as a Float16Array where the platform has one (Chromium 135+),
  // else as the values' bits in a Uint16Array.
  if (t.type === 'float16' && t.data instanceof Uint16Array) {
    const bits = t.data as ArrayLike<number>;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]!);
    return out;
  }
  return Float32Array.from(t.data as ArrayLike<number>);
}

/** Normalises a tapped tensor to `[heads, rows, cols]`, dropping a batch of 1 (or splitting `b·h`). */
export function headsOf(
  t: OrtTensor,
  heads: number,
  name: string,
): { data: Float32Array; rows: number; cols: number } {
  const dims = t.dims;
  const data = floatData(t);
  if (dims.length === 4 && dims[0] === 1 && dims[1] === heads)
    return { data, rows: dims[2]!, cols: dims[3]! };
  if (dims.length === 3 && dims[0] === heads) return { data, rows: dims[1]!, cols: dims[2]! };
  throw new AttentionComputeError(
    'unsupported',
    `tapped tensor ${name} has shape [${dims.join(', ')}], not [1, ${heads}, rows, cols]`,
  );
}

export interface AssembleOptions {
  readonly causal: boolean | undefined;
  readonly sentenceBStart: number;
  readonly heads: number;
  readonly half: boolean;
  /** The model's number of each tap's layer (default 0, 1, …). */
  readonly layers?: readonly number[];
  /** The model's head numbers to keep (default all). */
  readonly keepHeads?: readonly number[] | undefined;
  /** Index of the first generated token, if any. */
  readonly generatedStart?: number | undefined;
}

export function assemble(
  outputs: Record<string, OrtTensor>,
  taps: readonly AttentionTap[],
  tokens: string[],
  o: AssembleOptions,
): AttentionData {
  const all = gather(outputs, taps, o.heads);
  return validated(
    {
      tokens,
      ...(o.keepHeads ? pickHeads(all, o.keepHeads) : all),
      ...(o.layers ? { layers: o.layers } : {}),
      ...(o.keepHeads ? { heads: o.keepHeads } : {}),
      ...(o.causal !== undefined ? { causal: o.causal } : {}),
      vectorsScaled: taps[0]!.vectorsScaled,
      ...(o.sentenceBStart > 0 ? { sentenceBStart: o.sentenceBStart } : {}),
      ...(o.generatedStart !== undefined ? { generatedStart: o.generatedStart } : {}),
    },
    o.half,
  );
}

/** `set` with only the heads `keep` (indices of its heads), in that order. */
export function pickHeads(set: GatheredSet, keep: readonly number[]): GatheredSet {
  const pick = (t: Dense): Dense => {
    const [L, H, R, C] = t.dims as [number, number, number, number];
    if (keep.some((h) => h >= H)) {
      throw new AttentionComputeError(
        'unsupported',
        `heads: expected head numbers from 0 to ${H - 1} (the model has ${H} heads), received [${keep.join(', ')}]`,
      );
    }
    const size = R * C;
    const data = new Float32Array(L * keep.length * size);
    for (let l = 0; l < L; l++) {
      keep.forEach((h, i) =>
        data.set(t.data.subarray((l * H + h) * size, (l * H + h + 1) * size), (l * keep.length + i) * size),
      );
    }
    return { dims: [L, keep.length, R, C], data };
  };
  return {
    attention: pick(set.attention),
    queries: pick(set.queries),
    keys: pick(set.keys),
    values: pick(set.values),
    ...(set.kvHeads ? { kvHeads: keep.map((h) => set.kvHeads![h]!) } : {}),
  };
}

export type TensorSet = Pick<AttentionSetInput, 'attention' | 'queries' | 'keys' | 'values' | 'kvHeads'>;

/** A dense float32 tensor as gathered from the taps. */
interface Dense {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** One attention set's tensors as `gather` returns them. */
export interface GatheredSet extends TensorSet {
  readonly attention: Dense;
  readonly queries: Dense;
  readonly keys: Dense;
  readonly values: Dense;
}

/**
 * One attention set's tapped tensors, a layer per tap: attention `[L, H, Q, K]`, queries
 * `[L, H, Q, D]`, keys and values `[L, H, K, D]` (per query head), and which key/value head each
 * query head reads where heads share them. `heads` counts the heads when the graph folds
 * them into the batch (`[b·h, ·, ·]`, BART); 4-D tensors say it themselves.
 */
export function gather(
  outputs: Record<string, OrtTensor>,
  taps: readonly AttentionTap[],
  heads: number,
): GatheredSet {
  const L = taps.length;
  const first = outputs[taps[0]!.probs]!;
  const H = first.dims.length === 4 ? first.dims[1]! : heads;
  const tensor = (name: string, size: number) => {
    const t = headsOf(outputs[name]!, H, name);
    if (t.data.length !== size) {
      throw new AttentionComputeError(
        'runtime',
        `tapped tensor ${name} has ${t.data.length} values, not ${size}`,
      );
    }
    return t;
  };
  const { rows: Q, cols: K } = headsOf(first, H, taps[0]!.probs);
  const D = headsOf(outputs[taps[0]!.query]!, H, taps[0]!.query).cols;
  const attention = new Float32Array(L * H * Q * K);
  const queries = new Float32Array(L * H * Q * D);
  const keys = new Float32Array(L * H * K * D);
  const values = new Float32Array(L * H * K * D);
  taps.forEach((tap, l) => {
    attention.set(tensor(tap.probs, H * Q * K).data, l * H * Q * K);
    queries.set(tensor(tap.query, H * Q * D).data, l * H * Q * D);
    values.set(tensor(tap.value, H * K * D).data, l * H * K * D);
    // Keys arrive transposed, [h, d, k]: turn them to [h, k, d].
    const kt = tensor(tap.keyT, H * K * D).data;
    const base = l * H * K * D;
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < D; i++) {
        for (let s = 0; s < K; s++) keys[base + (h * K + s) * D + i] = kt[(h * D + i) * K + s]!;
      }
    }
  });
  const kvHeads = sharedKeyValueHeads(keys, values, L, H, K * D);
  return {
    attention: { dims: [L, H, Q, K], data: attention },
    queries: { dims: [L, H, Q, D], data: queries },
    keys: { dims: [L, H, K, D], data: keys },
    values: { dims: [L, H, K, D], data: values },
    ...(kvHeads ? { kvHeads } : {}),
  };
}

/** The library's data from the tapped tensors, or a runtime error naming what is not attention. */
export function validated(input: AttentionSetInput | EncoderDecoderInput, half: boolean): AttentionData {
  try {
    return parseAttention(input, half ? { tolerance: 1e-2 } : {});
  } catch (e) {
    if (e instanceof AttentionDataError) {
      throw new AttentionComputeError('runtime', `the tapped attention is not valid attention: ${e.message}`);
    }
    throw e;
  }
}
