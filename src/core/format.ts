/** Number formatting for readouts. */

/**
 * The shortest decimal that reads back as the same float32: the exact value a model produced,
 * without float64 noise (0.1f is shown as `0.1`, not `0.10000000149011612`).
 */
export function formatExact(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const f = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(f);
}

/** A weight for a compact table: four decimals, or scientific notation below 0.0001. */
export function formatWeight(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 1e-4) return value.toExponential(1);
  return value.toFixed(4);
}
