/**
 * Head selection rules shared by the views (bertviz's behaviour): a click toggles a head but the
 * last active head cannot be turned off; a double click solos a head, and double-clicking the
 * only active head brings all heads back. Heads are the model's own numbers.
 */
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
