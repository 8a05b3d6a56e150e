/**
 * What the page sends the derivations' worker, and the work either side does with it: for a
 * flow, each layer's Â (at most `maxTokens` tokens: small); for a rollout, the mean over the
 * chosen heads per layer (float32, `[layers, T, T]`), from which Â is made one layer at a time,
 * so that a 1,024-token rollout sends a twelfth of the weights and holds two layers of doubles.
 */
import { flowRaw } from '../../core/derived/flow.js';
import { residualAttention, rolloutWeights } from '../../core/derived/rollout.js';

export type DeriveRequest =
  | {
      readonly kind: 'flow';
      readonly hats: Float64Array[];
      readonly tokens: number;
      /** Input positions whose flows this request computes: `first`, `first + step`, … (raw, not normalised). */
      readonly first: number;
      readonly step: number;
    }
  | {
      readonly kind: 'rollout';
      readonly mean: Float32Array;
      readonly layers: number;
      readonly tokens: number;
      readonly residual: number;
    };

/** Â of layer `l` from a rollout request's mean of heads. */
export function hatOfMean(r: Extract<DeriveRequest, { kind: 'rollout' }>, l: number): Float64Array {
  return residualAttention(r.mean, 1, r.tokens, l, [0], r.residual);
}

/** What a request asks for: a flow's raw share (float64) or a rollout's weights (float32). */
export function computeRequest(
  r: DeriveRequest,
  progress?: (done: number) => void,
): Float32Array | Float64Array {
  return r.kind === 'flow'
    ? flowRaw(r.hats, r.tokens, r.first, r.step, progress)
    : rolloutWeights(r.layers, r.tokens, (l) => hatOfMean(r, l), progress);
}
