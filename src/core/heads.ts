/**
 * Head selection rules shared by the views (bertviz's behaviour): a click toggles a head but the
 * last active head cannot be turned off; a double click solos a head, and double-clicking the
 * only active head brings all heads back. Heads are the model's own numbers.
 */
import { AttentionDataError, describe } from './errors.js';

/** Toggles `head`; returns `active` unchanged when it is the last active head. Keeps model order. */
export function toggleHead(
  active: readonly number[],
  all: readonly number[],
  head: number,
): readonly number[] {
  if (active.includes(head)) {
    return active.length === 1 ? active : active.filter((h) => h !== head);
  }
  return all.filter((h) => h === head || active.includes(h));
}

/** Solos `head`, or restores every head when `head` already is the only active one. */
export function soloHead(active: readonly number[], all: readonly number[], head: number): readonly number[] {
  return active.length === 1 && active[0] === head ? [...all] : [head];
}

/**
 * Parses a comma-separated attribute such as `heads="0, 3,5"` into numbers.
 * @throws AttentionDataError naming the attribute and the bad entry.
 */
export function parseNumberList(text: string, field: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map((p, i) => {
    if (!/^\d+$/.test(p)) {
      throw new AttentionDataError(
        `${field}[${i}]`,
        'a whole number ≥ 0 (comma-separated list)',
        describe(p),
      );
    }
    return Number(p);
  });
}
