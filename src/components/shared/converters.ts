import type { ComplexAttributeConverter } from 'lit';

/**
 * `"0, 3,5"` ⇄ `[0, 3, 5]`. Entries that are not whole numbers become NaN, which the view
 * reports in its error state with the attribute's name (a converter cannot report errors).
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
