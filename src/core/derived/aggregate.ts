/** Heads or layers combined into one: every view shows the result like any other attention. */
import { markComponent } from '../brand.js';
import type { AttentionComponent } from '../types.js';
import {
  aggregateLabel,
  checkAggregation,
  checkComponent,
  indicesOf,
  withoutVectors,
  type Aggregation,
} from './common.js';

/**
 * The mean or the maximum over heads (by the model's own numbers; all when omitted), per layer:
 * shape `[layers, 1, queries, keys]`, its one head labelled "mean of heads 0–11". A mean of
 * softmax rows is still one (`normalized` kept); a maximum is not. Sums run in double precision.
 * @throws AttentionDataError for a bad `how`, an unknown or repeated head, or an empty list.
 */
export function aggregateHeads(
  c: AttentionComponent,
  how: Aggregation,
  heads?: readonly number[],
): AttentionComponent {
  checkComponent(c, 'aggregateHeads');
  checkAggregation(how, 'aggregateHeads');
  const indices = indicesOf(c.heads, heads, 'aggregateHeads: heads', 'head');
  const [L, H, Q, K] = c.shape;
  const block = Q * K;
  const weights = new Float32Array(L * block);
  for (let l = 0; l < L; l++) {
    combine(
      indices.map((h) => c.weights.subarray((l * H + h) * block, (l * H + h + 1) * block)),
      how,
      weights.subarray(l * block, (l + 1) * block),
    );
  }
  const label = aggregateLabel(
    how,
    'head',
    indices.map((i) => c.heads[i]!),
  );
  return markComponent({
    ...withoutVectors(c),
    weights,
    shape: [L, 1, Q, K],
    heads: [0],
    headLabels: [label],
    normalized: c.normalized && how === 'mean',
  });
}

/**
 * The mean or the maximum over layers (by the model's own numbers; all when omitted), per head:
 * shape `[1, heads, queries, keys]`, its one layer labelled "mean of layers 0–11".
 * @throws AttentionDataError for a bad `how`, an unknown or repeated layer, or an empty list.
 */
export function aggregateLayers(
  c: AttentionComponent,
  how: Aggregation,
  layers?: readonly number[],
): AttentionComponent {
  checkComponent(c, 'aggregateLayers');
  checkAggregation(how, 'aggregateLayers');
  const indices = indicesOf(c.layers, layers, 'aggregateLayers: layers', 'layer');
  const [, H, Q, K] = c.shape;
  const block = Q * K;
  const weights = new Float32Array(H * block);
  for (let h = 0; h < H; h++) {
    combine(
      indices.map((l) => c.weights.subarray((l * H + h) * block, (l * H + h + 1) * block)),
      how,
      weights.subarray(h * block, (h + 1) * block),
    );
  }
  const label = aggregateLabel(
    how,
    'layer',
    indices.map((i) => c.layers[i]!),
  );
  return markComponent({
    ...withoutVectors(c),
    weights,
    shape: [1, H, Q, K],
    layers: [0],
    layerLabels: [label],
    normalized: c.normalized && how === 'mean',
  });
}

/** Element-wise mean (summed in double precision, rounded once) or maximum of `parts` into `out`. */
function combine(parts: readonly ArrayLike<number>[], how: Aggregation, out: Float32Array): void {
  const n = out.length;
  if (how === 'max') {
    out.set(parts[0]!);
    for (const p of parts.slice(1)) for (let i = 0; i < n; i++) if (p[i]! > out[i]!) out[i] = p[i]!;
    return;
  }
  const acc = new Float64Array(n);
  for (const p of parts) for (let i = 0; i < n; i++) acc[i]! += p[i]!;
  for (let i = 0; i < n; i++) out[i] = acc[i]! / parts.length;
}
