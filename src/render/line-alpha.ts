/**
 * How an attention weight becomes the opacity of its line. bertviz draws opacity = weight ÷
 * active heads, straight: at rest the many weak lines of a layer add up to a grey haze in which
 * the strong ones barely stand out, and a hovered line of weight 0.5 is a half-transparent
 * colour, below the 3:1 contrast (WCAG non-text) that makes a line readable. Two curves instead,
 * both increasing, so that a heavier line is never fainter:
 *
 * - a focused (hovered, pinned) token's lines rise quickly: full opacity from a weight of 0.5,
 *   where the line therefore has its head colour's own contrast (the palette keeps every colour
 *   ≥ 3:1 on both backgrounds), and ~half opacity at 0.2; weights near 0 stay near 0;
 * - lines at rest rise slowly (a power of 1.5), so that a 0.05 line is ~80 times fainter than a 0.9
 *   one (18 times with bertviz's straight line), and are divided by √heads rather than heads, so
 *   that the strong lines of a 12-head layer stay visible.
 */
import { MIN_VISIBLE_ALPHA } from './raster.js';

/** Base weight (weight ÷ active heads in bertviz's `shared` mode) at which a focused line is opaque. */
export const FOCUS_FULL_WEIGHT = 0.5;
/** Below 1, the focus curve lifts weak weights: 0.2 → 0.51, 0.1 → 0.30, 0.05 → 0.17. */
export const FOCUS_GAMMA = 0.7;
/**
 * Share of `FOCUS_FULL_WEIGHT` under which the focus curve bends down to 0: a long input's token
 * has thousands of weights near 0, each invisible, which lifted would add up to a dark wedge
 * where its lines meet. 0.01 → 0.05, 0.002 → 0.004, 0.0002 → not drawn.
 */
export const FOCUS_KNEE = 0.02;

/** Opacity of a focused token's line of base weight `base` (a weight already divided as `line-opacity` says). */
export function focusAlpha(base: number): number {
  if (!(base > 0)) return 0;
  const x = Math.min(1, base / FOCUS_FULL_WEIGHT);
  return (x ** FOCUS_GAMMA * x * (1 + FOCUS_KNEE)) / (x + FOCUS_KNEE);
}

/**
 * Opacity of a line at rest, of weight `weight` (scaled to [0, 1]) in one of `heads` active heads:
 * weight^1.5 ÷ √heads (written w·√w: this runs for every visible weight of a layer).
 */
export function restAlpha(weight: number, heads: number): number {
  return weight > 0 ? Math.min(1, (weight * Math.sqrt(weight)) / Math.sqrt(heads)) : 0;
}

/** The weight below which `restAlpha` falls under `MIN_VISIBLE_ALPHA` with `heads` active heads. */
export function restThreshold(heads: number): number {
  return (MIN_VISIBLE_ALPHA * Math.sqrt(heads)) ** (2 / 3);
}
