import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { AttentionDataError, describe } from '../../core/errors.js';
import { availableFilters, type AttentionFilter } from '../../core/filters.js';
import { parseAttention, type AttentionInput } from '../../core/parse.js';
import type { AttentionData } from '../../core/types.js';
import type { ThemeName } from './theme.js';

/**
 * What every view shares: the `data` property parsed once at the edge, the `filter` and `theme`
 * attributes, the error state (a parse or attribute error is shown in the element, never thrown
 * from rendering), and re-reading the theme when the system colour scheme changes. A view
 * implements `deriveState`, which resolves its attributes against the parsed data and throws
 * `AttentionDataError` for one the data cannot satisfy.
 */
export abstract class AttnView extends LitElement {
  /** The attention to show: any input `parseAttention` accepts (bertviz JSON, nested arrays, tensors, per-layer lists). The same property on every view. */
  @property({ attribute: false }) data: AttentionInput | undefined;

  /** Which attention to show: `all`; sentence-pair blocks `aa`, `bb`, `ab`, `ba`; or `encoder`, `decoder`, `cross`. */
  @property({ reflect: true }) filter: AttentionFilter | undefined;

  /** Colour theme: `light`, `dark`, or `auto` to follow the system setting. */
  @property({ reflect: true }) theme: ThemeName = 'auto';

  /** The parsed `data`, or undefined when there is none or it is invalid. */
  protected parsed: AttentionData | undefined;
  /** What the view shows instead of the attention: the data's or an attribute's error. */
  protected error: string | undefined;
  /** True when the theme tokens must be read again before drawing. */
  protected themeDirty = true;
  /** The parse error of the current `data`, kept until `data` changes. */
  private dataError: string | undefined;
  private media: MediaQueryList | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.media = window.matchMedia('(prefers-color-scheme: dark)');
    this.media.addEventListener('change', this.handleMediaChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.media?.removeEventListener('change', this.handleMediaChange);
  }

  /** Re-reads the `--attn-*` theme tokens; call after changing them from outside at run time. */
  refreshTheme(): void {
    this.themeDirty = true;
    this.requestUpdate();
  }

  /** Resets what a view derived from the previous `data` (called when `data` changes). */
  protected abstract dataChanged(): void;

  /** Resolves the view's attributes against `this.parsed`; throws `AttentionDataError` for a bad one. */
  protected abstract deriveState(changed: PropertyValues<this>): void;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('data')) {
      this.parsed = undefined;
      this.dataError = undefined;
      this.dataChanged();
      if (this.data !== undefined && this.data !== null) {
        try {
          this.parsed = parseAttention(this.data);
        } catch (e) {
          this.dataError = errorMessage(e);
        }
      }
    }
    if (this.dataError) {
      this.error = this.dataError;
      return;
    }
    try {
      if (!['light', 'dark', 'auto'].includes(this.theme)) {
        throw new AttentionDataError('theme', '"light", "dark" or "auto"', describe(this.theme));
      }
      if (this.themeDirty || changed.has('theme')) {
        // The attribute reflects only after this update; the theme's styles must apply now.
        if (this.getAttribute('theme') !== this.theme) this.setAttribute('theme', this.theme);
      }
      this.deriveState(changed);
      this.error = undefined;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** The filter shown: the attribute, else the data's first (`all`, or the first component). */
  protected get currentFilter(): AttentionFilter {
    const filters = this.parsed ? availableFilters(this.parsed) : ['all' as const];
    return this.filter ?? filters[0]!;
  }

  private readonly handleMediaChange = (): void => {
    this.refreshTheme();
  };
}

/** The message an error state shows: the data error's own, or a generic one (logged) for bugs. */
export function errorMessage(e: unknown): string {
  if (e instanceof AttentionDataError) return e.message;
  console.error(e);
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}
