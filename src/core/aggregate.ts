/** Aggregations over heads. */
import { AttentionDataError, describe } from './errors.js';
import type { AttentionComponent, FloatTensor } from './types.js';

/**
 * Mean attention over some heads (by the model's own numbers; all heads when omitted), for every
 * layer: a `[layers, queries, keys]` tensor. Sums run in double precision, then round once to
 * float32.
 * @throws AttentionDataError for an unknown or repeated head, or an empty selection.
 */
export function meanOverHeads(c: AttentionComponent, heads?: readonly number[]): FloatTensor {
  const [L, H, Q, K] = c.shape;
  const indices = heads === undefined ? c.heads.map((_, i) => i) : headIndices(c, heads);
  const block = Q * K;
  const data = new Float32Array(L * block);
  const acc = new Float64Array(block);
  for (let l = 0; l < L; l++) {
    acc.fill(0);
    for (const h of indices) {
      const src = c.weights.subarray((l * H + h) * block, (l * H + h + 1) * block);
      for (let i = 0; i < block; i++) acc[i]! += src[i]!;
    }
    const out = data.subarray(l * block, (l + 1) * block);
    for (let i = 0; i < block; i++) out[i] = acc[i]! / indices.length;
  }
  return { data, shape: [L, Q, K] };
}

function headIndices(c: AttentionComponent, heads: readonly number[]): number[] {
  if (heads.length === 0) throw new AttentionDataError('heads', 'at least one head', 'an empty list');
  const seen = new Set<number>();
  return heads.map((h, i) => {
    const index = c.heads.indexOf(h);
    if (index < 0) {
      throw new AttentionDataError(`heads[${i}]`, `one of the heads [${c.heads.join(', ')}]`, describe(h));
    }
    if (seen.has(h)) throw new AttentionDataError(`heads[${i}]`, 'a head not listed before', describe(h));
    seen.add(h);
    return index;
  });
}

/**
 * Largest weight of a layer. Views show unnormalised data (scores, rollout) relative to it, so
 * that the strongest weight of a layer is fully opaque.
 */
export function layerMax(c: AttentionComponent, layerIndex: number): number {
  const [, H, Q, K] = c.shape;
  const block = c.weights.subarray(layerIndex * H * Q * K, (layerIndex + 1) * H * Q * K);
  let max = 0;
  for (let i = 0; i < block.length; i++) if (block[i]! > max) max = block[i]!;
  return max;
}
