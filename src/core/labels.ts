/**
 * What views call a layer or a head: the model's own number ("Layer 5", "head 3"), or, for
 * derived attention, the label its function gave it ("rollout to layer 5", "mean of heads 0–11").
 */
import type { AttentionComponent } from './types.js';

/** "Layer 5", or a derived layer's label with a capital ("Rollout to layer 5"). */
export function layerName(c: AttentionComponent, index: number): string {
  const label = c.layerLabels?.[index];
  return label ? label[0]!.toUpperCase() + label.slice(1) : `Layer ${c.layers[index]}`;
}

/** "head 3", or a derived head's label ("mean of heads 0–11"). */
export function headName(c: AttentionComponent, index: number): string {
  return c.headLabels?.[index] ?? `head ${c.heads[index]}`;
}

/** What a head's swatch, column or readout row shows: its number, or a derived head's first word ("mean"). */
export function headShort(c: AttentionComponent, index: number): string {
  return c.headLabels?.[index]?.split(' ')[0] ?? String(c.heads[index]);
}

/** What the layer selector shows: the number, or a derived layer's label. */
export function layerShort(c: AttentionComponent, index: number): string {
  return c.layerLabels?.[index] ?? String(c.layers[index]);
}
