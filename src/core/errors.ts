/**
 * The one error type of the data edge. Its message always names the field, what was expected and
 * what was received, so that a user can fix their input from the message alone:
 * `invalid attention: expected 4 dimensions [layers, heads, queries, keys], got 3`.
 */
export class AttentionDataError extends Error {
  override readonly name = 'AttentionDataError';

  constructor(
    /** Path of the offending field, e.g. `attention[2][0][5]` or `tokens`. */
    readonly field: string,
    /** What the field should have been. */
    readonly expected: string,
    /** What it was. */
    readonly received: string,
  ) {
    super(`invalid ${field}: expected ${expected}, got ${received}`);
  }
}

/** A short, safe description of any received value, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  }
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

/** `1 token`, `2 tokens`: a number with its noun, singular or plural. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
