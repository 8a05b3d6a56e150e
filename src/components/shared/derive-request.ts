/**
 * What the page sends the derivations' worker, and the work either side does with it: each
 * layer's Â, in double precision as the core functions make it (so that the worker's result is
 * theirs to the last bit): for a flow at most `maxTokens` tokens, small; for a rollout one
 * `[layers, T, T]` array, a sixth of twelve heads' float32 weights.
 */
import { flowRaw } from '../../core/derived/flow.js';
import { rolloutWeights } from '../../core/derived/rollout.js';

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
      /** Â of every layer, `[layers, T, T]`. */
      readonly hats: Float64Array;
      readonly layers: number;
      readonly tokens: number;
      /** Input positions (columns) this request computes: `from` … `to − 1` (the rest 0). */
      readonly from: number;
      readonly to: number;
    };

/** What a request asks for: a flow's raw share (float64) or a rollout's weights (float32). */
export function computeRequest(
  r: DeriveRequest,
  progress?: (done: number) => void,
): Float32Array | Float64Array {
  return r.kind === 'flow'
    ? flowRaw(r.hats, r.tokens, r.first, r.step, progress)
    : rolloutWeights(
        r.layers,
        r.tokens,
        (l) => r.hats.subarray(l * r.tokens * r.tokens, (l + 1) * r.tokens * r.tokens),
        progress,
        r.from,
        r.to,
      );
}
