/**
 * Checking attribute values, one way for every view (Observable Plot's `keyword()` is the model).
 * Each check throws `AttentionDataError` naming the attribute, the values it takes and the text the
 * page wrote: an attribute converter cannot report an error, so a malformed number reaches the view
 * as NaN and the message quotes the attribute's own text instead.
 */
import type { ComplexAttributeConverter } from 'lit';
import { AttentionDataError, describe } from '../../core/errors.js';

/** What the page wrote: the attribute's text when the value came from it malformed, else the value. */
export function received(host: Element, attribute: string, value: unknown): string {
  const malformed =
    (typeof value === 'number' && Number.isNaN(value)) ||
    (Array.isArray(value) && value.some((v) => typeof v === 'number' && Number.isNaN(v)));
  const text = host.getAttribute(attribute);
  return malformed && text !== null ? JSON.stringify(text) : describe(value);
}

/** The value if it is one of `allowed`, else an error listing them. */
export function keyword<T extends string>(
  host: Element,
  attribute: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  const list = allowed.map((a) => `"${a}"`);
  const expected = list.length < 3 ? list.join(' or ') : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
  throw new AttentionDataError(attribute, expected, received(host, attribute, value));
}

/** An optional finite number (e.g. a threshold), or an error quoting what the page wrote. */
export function optionalNumber(host: Element, attribute: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new AttentionDataError(attribute, 'a number', received(host, attribute, value));
}

/** An optional whole number ≥ 0 (a position or index), or an error quoting what the page wrote. */
export function optionalIndex(host: Element, attribute: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new AttentionDataError(attribute, 'a whole number ≥ 0', received(host, attribute, value));
}

/** An optional list of whole numbers (layers, heads), or an error quoting what the page wrote. */
export function numberList(
  host: Element,
  attribute: string,
  value: unknown,
  what = 'numbers',
): readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    return value as readonly number[];
  }
  throw new AttentionDataError(attribute, `comma-separated ${what}`, received(host, attribute, value));
}

/**
 * `"0, 3,5"` ⇄ `[0, 3, 5]`. Entries that are not whole numbers become NaN, which `numberList`
 * reports with the attribute's text.
 */
export const numberListConverter: ComplexAttributeConverter<readonly number[] | undefined> = {
  fromAttribute(value: string | null): readonly number[] | undefined {
    if (value === null) return undefined;
    const parts = value
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  },
  toAttribute(value: readonly number[] | undefined): string | null {
    return value === undefined ? null : value.join(',');
  },
};
