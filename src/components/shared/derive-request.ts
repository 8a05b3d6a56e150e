/**
 * What the page sends the derivations' worker, and the work either side does with it: for a
 * flow, each layer's Â (at most `maxTokens` tokens: small); for a rollout, the mean over the
 * chosen heads per layer (float32, `[layers, T, T]`), from which Â is made one layer at a time,
 * so that a 1,024-token rollout sends a twelfth of the weights and holds two layers of doubles.
 */
import { residualAttention } from '../../core/derived/rollout.js';

export type DeriveRequest =
  | { readonly kind: 'flow'; readonly hats: Float64Array[]; readonly tokens: number }
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
