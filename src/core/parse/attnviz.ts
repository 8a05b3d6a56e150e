/**
 * attnviz's own format: one attention set `{tokens, attention, …}`, or a bare tensor with its
 * tokens in the options. Every other format is turned into `AttentionSetInput`s too, so this is
 * also the form `buildComponent` validates.
 */
import { AttentionDataError } from '../errors.js';
import type { TensorInput } from '../tensor.js';
import type { AttentionData, ComponentName } from '../types.js';
import { buildComponent } from './component.js';

/** One attention set in attnviz's own input format. */
export interface AttentionSetInput {
  /** Tokens of a self-attention set (queries and keys are the same tokens). */
  readonly tokens?: readonly string[];
  /** Query-side tokens, when they differ from the key side (cross attention). */
  readonly queryTokens?: readonly string[];
  /** Key-side tokens, when they differ from the query side. */
  readonly keyTokens?: readonly string[];
  /** `[layers, heads, queries, keys]`, or a per-layer list of `[1, heads, queries, keys]`. */
  readonly attention: TensorInput;
  /** The model's layer numbers for each layer of `attention` (default 0, 1, 2, …). */
  readonly layers?: readonly number[];
  /** The model's head numbers for each head of `attention` (default 0, 1, 2, …). */
  readonly heads?: readonly number[];
  /** Decoder self-attention; inferred from the weights when absent. */
  readonly causal?: boolean;
  /** Index of the first token of the second sentence of a pair. */
  readonly sentenceBStart?: number;
  /** Index of the first token the model generated after the prompt (self-attention only). */
  readonly generatedStart?: number;
  /** Per-head query vectors `[layers, heads, queries, dim]`. */
  readonly queries?: TensorInput;
  /** Per-head key vectors `[layers, heads, keys, dim]`. */
  readonly keys?: TensorInput;
  /** Per-head value vectors `[layers, heads, keys, dim]`. */
  readonly values?: TensorInput;
  /**
   * The key/value head each head of `attention` reads (grouped- or multi-query attention), by the
   * model's numbers; heads listed with the same number share keys and values.
   */
  readonly kvHeads?: readonly number[];
  /** True when queries and keys are pre-scaled as in SDPA-style graphs (q·k needs no 1/√d). */
  readonly vectorsScaled?: boolean;
}

export interface ParseOptions {
  /** Tokens for a bare tensor input (self-attention). */
  readonly tokens?: readonly string[];
  /** Key-side tokens for a bare cross-attention tensor. */
  readonly keyTokens?: readonly string[];
  /** Allowed |row sum − 1| (default 1e-3, or 1e-2 for half-precision input). */
  readonly tolerance?: number;
  /** Accept rows that do not sum to 1 (pre-softmax scores must still be made ≥ 0; rollout). */
  readonly allowUnnormalized?: boolean;
}

/** `{tokens, attention, …}`, or `{queryTokens, keyTokens, attention, …}` for cross attention. */
export function parseAttentionSet(set: AttentionSetInput, options: ParseOptions): AttentionData {
  // Distinct query and key token lists are cross attention, as for a bare tensor with keyTokens.
  const name: ComponentName = set.tokens === undefined && set.queryTokens !== undefined ? 'cross' : 'self';
  return { components: [buildComponent(name, set, '', options)], hints: {} };
}

/** A tensor alone (nested arrays, a tensor object or a per-layer list); its tokens come in the options. */
export function parseBareTensor(input: TensorInput, options: ParseOptions): AttentionData {
  if (!options.tokens) {
    throw new AttentionDataError(
      'tokens',
      'a token list (pass {tokens} in the options, or give {tokens, attention})',
      'undefined',
    );
  }
  const set: AttentionSetInput = options.keyTokens
    ? { queryTokens: options.tokens, keyTokens: options.keyTokens, attention: input }
    : { tokens: options.tokens, attention: input };
  const name: ComponentName = options.keyTokens ? 'cross' : 'self';
  return { components: [buildComponent(name, set, '', options)], hints: {} };
}
