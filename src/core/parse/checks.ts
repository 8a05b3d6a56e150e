/**
 * Checks that several parts of the parser share: layer and head numbering, one layout for all
 * components, and what counts as an object.
 */
import { AttentionDataError, count, describe } from '../errors.js';
import type { AttentionComponent } from '../types.js';

/** The model's own layer or head numbers: one distinct number ≥ 0 per slice, or 0, 1, 2, … */
export function numbering(value: unknown, size: number, field: string, what: string): readonly number[] {
  if (value === undefined || value === null) return Object.freeze(Array.from({ length: size }, (_, i) => i));
  if (!Array.isArray(value)) {
    throw new AttentionDataError(field, `a list of ${count(size, `${what} number`)}`, describe(value));
  }
  if (value.length !== size) {
    throw new AttentionDataError(
      field,
      `${count(size, `${what} number`)} (one per ${what} in the tensor)`,
      `${value.length}`,
    );
  }
  const seen = new Set<number>();
  value.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) {
      throw new AttentionDataError(`${field}[${i}]`, `a ${what} number ≥ 0`, describe(n));
    }
    if (seen.has(n))
      throw new AttentionDataError(`${field}[${i}]`, `a ${what} number not listed before`, describe(n));
    seen.add(n);
  });
  return Object.freeze([...(value as number[])]);
}

/** Components of one input must share layers and heads so that one layer selector serves all. */
export function checkSameLayout(components: readonly AttentionComponent[]): void {
  const first = components[0]!;
  for (const c of components.slice(1)) {
    if (c.shape[0] !== first.shape[0] || c.shape[1] !== first.shape[1]) {
      throw new AttentionDataError(
        c.name,
        `${count(first.shape[0], 'layer')} × ${count(first.shape[1], 'head')} like ${first.name}`,
        `${c.shape[0]} × ${c.shape[1]}`,
      );
    }
  }
}

/** An object that is neither an array nor a typed array: a set, an entry or parameters. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
