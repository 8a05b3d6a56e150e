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

/** A row label for a layer: "Layer 5", "Rollout 5" ("rollout to layer 5"), "Mean" ("mean of layers 0–11"). */
export function layerRowLabel(c: AttentionComponent, index: number): string {
  const label = c.layerLabels?.[index];
  if (!label) return `Layer ${c.layers[index]}`;
  const to = /^(\w+) to layer (\S+)$/.exec(label);
  const short = to ? `${to[1]} ${to[2]}` : label.split(' ')[0]!;
  return short[0]!.toUpperCase() + short.slice(1);
}
