/**
 * A session's inputs for one whole text: token ids, an all-ones mask, token types, positions,
 * an empty past for decoders, and `use_cache_branch` false for merged decoders. The empty past
 * takes its shape from the graph's own declared input shape, and its symbolic dimensions from the
 * config: key/value heads (fewer than the query heads in grouped- and multi-query attention) and
 * head size (not always hidden / heads).
 */
import { AttentionComputeError } from './errors.js';

/** The parts of onnxruntime-web's Tensor constructor and tensors used here. */
interface FeedTensor {
  readonly type: string;
  readonly dims: readonly number[];
}
type TensorConstructor = new (type: string, data: unknown, dims: readonly number[]) => FeedTensor;

/** The parts of an onnxruntime-web session read here. */
interface FeedSession {
  readonly inputNames: readonly string[];
  /** Each input's element type and declared shape (onnxruntime-web 1.21+; symbolic dims by name). */
  readonly inputMetadata?: readonly {
    readonly name: string;
    readonly type?: string;
    readonly shape?: readonly (number | string)[];
  }[];
}

/** What a cache entry's symbolic dimensions stand for, from the config. */
export interface PastSize {
  /** Key/value heads: `num_key_value_heads` where the config has it, else the attention heads. */
  readonly heads: number;
  /** Each head's size: `head_dim` where the config has it, else hidden / heads. */
  readonly dim: number;
}

/** True for the graph inputs that hold a cache (`past_key_values.0.key`, …). */
export const isPastInput = (name: string): boolean =>
  name.startsWith('past_key_values.') || name.startsWith('past_');

/**
 * The shape of an empty cache input: its declared shape with batch 1 and no past positions, the
 * other symbolic dimensions of a `[batch, heads, past, dim]` cache from `size`.
 */
export function emptyPastShape(
  name: string,
  declared: readonly (number | string)[] | undefined,
  size: PastSize,
): number[] {
  if (!declared || declared.length === 0) return [1, size.heads, 0, size.dim];
  const fallback = declared.length === 4 ? [1, size.heads, 0, size.dim] : undefined;
  return declared.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    if (i === 0) return 1;
    if (fallback) return fallback[i]!;
    if (/past|seq|length/i.test(String(d))) return 0;
    throw new AttentionComputeError(
      'unsupported',
      `the model's input "${name}" has shape [${declared.join(', ')}]: this adapter cannot tell what "${d}" should be for an empty cache`,
    );
  });
}

export function int64Tensor(Tensor: TensorConstructor, values: readonly number[]): FeedTensor {
  return new Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );
}

/**
 * Inputs for `ids` (and `typeIds`) by the session's input names; `given` ones as they are. A
 * cache input gets the element type the model declares where onnxruntime says (fp16 files with
 * float32 inputs and outputs exist beside all-float16 ones), else float16 for fp16 weights.
 */
export function buildFeeds<T extends FeedTensor>(
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => T,
  session: FeedSession,
  ids: readonly number[],
  typeIds: readonly number[] | undefined,
  past: PastSize,
  half: boolean,
  given: Readonly<Record<string, T>> = {},
): Record<string, T> {
  const int64 = (values: readonly number[]) => int64Tensor(Tensor, values) as T;
  const feeds: Record<string, T> = {};
  for (const name of session.inputNames) {
    if (name in given) feeds[name] = given[name]!;
    else if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'token_type_ids') feeds[name] = int64(typeIds ?? ids.map(() => 0));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else if (name === 'use_cache_branch') feeds[name] = new Tensor('bool', Uint8Array.from([0]), [1]);
    else if (isPastInput(name)) {
      const meta = session.inputMetadata?.find((m) => m.name === name);
      const dims = emptyPastShape(name, meta?.shape, past);
      feeds[name] =
        (meta?.type ?? (half ? 'float16' : 'float32')) === 'float16'
          ? new Tensor('float16', new Uint16Array(0), dims)
          : new Tensor('float32', new Float32Array(0), dims);
    } else {
      throw new AttentionComputeError(
        'unsupported',
        `the model takes an input "${name}" this adapter does not know how to fill (it fills ${[...Object.keys(given), 'input_ids', 'attention_mask', 'token_type_ids', 'position_ids', 'past_key_values.*', 'use_cache_branch'].join(', ')}) for a sequence of ${ids.length} tokens`,
      );
    }
  }
  return feeds;
}
