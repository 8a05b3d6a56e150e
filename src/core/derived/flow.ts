/**
 * Attention flow (Abnar & Zuidema 2020): how much of each input position can reach each
 * position after a layer, as a maximum flow through the layered graph of Â (rollout's mixing
 * of attention with the residual connection) instead of rollout's sum over paths.
 */
import { AttentionDataError, describe } from '../errors.js';
import type { AttentionComponent } from '../types.js';
import { checkComponent, checkSelfAttention, checkUnitNumber, indicesOf } from './common.js';
import { FlowGraph, LayeredFlow } from './max-flow.js';
import { checkContiguousLayers, checkNormalized, residualAttention, throughLayers } from './rollout.js';

export interface FlowOptions {
  /** Weight of the residual connection r in Â = r·I + (1 − r)·Ā (default 0.5), as for rollout. */
  readonly residual?: number;
  /** Heads averaged into Ā, by the model's own numbers (default: all). */
  readonly heads?: readonly number[];
  /** The most tokens accepted (default 64): the cost grows with about tokens⁴ × layers². */
  readonly maxTokens?: number;
}

/** What a flow is computed from: checked arguments and each layer's Â (what a worker is sent). */
export interface FlowInput {
  /** Â of each layer, `[T, T]` in double precision. */
  readonly hats: Float64Array[];
  readonly tokens: number;
  /** Head indices averaged (for the label). */
  readonly heads: number[];
}

/**
 * Checks `attentionFlow`'s arguments and builds Â for every layer.
 * @throws AttentionDataError as `attentionFlow` does.
 */
export function flowInput(c: AttentionComponent, options: FlowOptions = {}): FlowInput {
  checkComponent(c, 'attentionFlow');
  if (typeof options !== 'object' || options === null) {
    throw new AttentionDataError(
      'attentionFlow: options',
      'an object ({residual, heads, maxTokens})',
      describe(options),
    );
  }
  checkSelfAttention(c, 'attentionFlow');
  checkContiguousLayers(c, 'attentionFlow');
  checkNormalized(c, 'attentionFlow');
  const residual = options.residual ?? 0.5;
  checkUnitNumber(residual, 'attentionFlow: residual');
  const heads = indicesOf(c.heads, options.heads, 'attentionFlow: heads', 'head');
  const maxTokens = options.maxTokens ?? 64;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new AttentionDataError(
      'attentionFlow: maxTokens',
      'a whole number of at least 1',
      describe(maxTokens),
    );
  }
  const [L, H, T] = c.shape;
  if (T > maxTokens) {
    throw new AttentionDataError(
      'attentionFlow: c',
      `at most ${maxTokens} tokens (maxTokens: the cost grows with about tokens⁴ × layers²)`,
      `${T} tokens`,
    );
  }
  const hats = Array.from({ length: L }, (_, l) => residualAttention(c.weights, H, T, l, heads, residual));
  return { hats, tokens: T, heads };
}

/**
 * The flow's weights, `[layers, T, T]`: entry [l][i][j] the maximum flow from input position j
 * to position i after layer l, each row normalised to sum to 1. `progress` hears the share done
 * after each input position (for a worker's progress bar).
 */
export function flowWeights(
  hats: readonly Float64Array[],
  T: number,
  progress?: (done: number) => void,
): Float32Array {
  return normalizeFlow(flowRaw(hats, T, 0, 1, progress), hats.length, T);
}

/**
 * The maximum flows from input positions `first`, `first + step`, … (the columns of those keys,
 * the rest left 0), not normalised: sources are independent, so that workers can share them out
 * (every other one each: early and late sources differ in cost, under a causal mask most of all).
 */
export function flowRaw(
  hats: readonly Float64Array[],
  T: number,
  first = 0,
  step = 1,
  progress?: (done: number) => void,
): Float64Array {
  const L = hats.length;
  const raw = new Float64Array(L * T * T);
  const graph = new FlowGraph(hats, T);
  const count = Math.ceil((T - first) / step);
  for (let j = first, done = 0; j < T; j += step) {
    const flow = new LayeredFlow(graph, j);
    for (let l = 0; l < L; l++) {
      const hat = hats[l]!;
      raw[l * T * T + j] = flow.start(l + 1, hat.subarray(0, T));
      for (let i = 1; i < T; i++) raw[(l * T + i) * T + j] = flow.retarget(hat.subarray(i * T, (i + 1) * T));
    }
    progress?.(++done / count);
  }
  return raw;
}

/** Raw flows (`[layers, T, T]`) with each row normalised to sum to 1, rounded to float32. */
export function normalizeFlow(raw: Float64Array, L: number, T: number): Float32Array {
  const weights = new Float32Array(L * T * T);
  for (let row = 0; row < L * T; row++) {
    let sum = 0;
    for (let j = 0; j < T; j++) sum += raw[row * T + j]!;
    if (sum > 0) for (let j = 0; j < T; j++) weights[row * T + j] = raw[row * T + j]! / sum;
  }
  return weights;
}

/** The component of a flow computed from `c` (here or in a worker): labelled, no vectors. */
export function flowComponent(
  c: AttentionComponent,
  heads: readonly number[],
  weights: Float32Array,
): AttentionComponent {
  return throughLayers(c, heads, weights, 'flow');
}

/**
 * Attention flow: the layered graph whose edge from position j before layer l to position i
 * after it has capacity Â_l[i][j] (Â as for `attentionRollout`: the mean over the chosen heads
 * mixed with the identity, rows renormalised); entry [l][i][j] is the maximum flow from input
 * position j to position i after layer l, each row then normalised to sum to 1. Shape
 * `[layers, 1, tokens, tokens]`, labelled "flow to layer l". Exact (Dinic's algorithm in double
 * precision, rounded once); for long inputs run it in a worker.
 * @throws AttentionDataError for cross attention or a sentence-pair block, layers that do not
 * run contiguously from the first, unnormalised weights, a residual outside [0, 1], bad heads, a
 * bad `maxTokens`, or more tokens than `maxTokens`.
 */
export function attentionFlow(c: AttentionComponent, options: FlowOptions = {}): AttentionComponent {
  const input = flowInput(c, options);
  return flowComponent(c, input.heads, flowWeights(input.hats, input.tokens));
}
