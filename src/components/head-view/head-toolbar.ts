/**
 * The head view's toolbar: layer selector, filter selector, head swatches and export buttons.
 */
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { AttentionFilter } from '../../core/filters.js';
import { renderFilterSelect } from '../shared/controls.js';
import { renderSwatches, type SwatchOptions } from '../shared/swatches.js';

export interface ToolbarOptions {
  /** Layer numbers offered, and the one shown. */
  readonly layers: readonly number[];
  readonly layer: number;
  readonly filters: readonly AttentionFilter[];
  readonly filter: AttentionFilter;
  /** Head swatches: every head number, the active ones, their colours and handlers. */
  readonly swatches: SwatchOptions;
  readonly onLayer: (e: Event) => void;
  readonly onFilter: (e: Event) => void;
  readonly onExport: (format: 'png' | 'svg') => void;
  /** The "Words" and "Hide" choices. */
  readonly tokens: TemplateResult;
}

export function renderToolbar(o: ToolbarOptions): TemplateResult {
  return html`<div class="toolbar" part="toolbar">
    <label
      >Layer
      <select part="layer-select" aria-label="Layer" @change=${o.onLayer}>
        ${o.layers.map((l) => html`<option value=${l} .selected=${live(l === o.layer)}>${l}</option>`)}
      </select></label
    >
    ${renderFilterSelect(o.filters, o.filter, o.onFilter)} ${o.tokens} ${renderSwatches(o.swatches)}
    <span class="spacer"></span>
    <span class="exports">
      ${(['png', 'svg'] as const).map((format) => {
        const label = `Save as ${format.toUpperCase()}`;
        return html`<button
          part="export-button"
          type="button"
          title=${label}
          aria-label=${label}
          @click=${() => o.onExport(format)}
        >
          ${format.toUpperCase()}
        </button>`;
      })}
    </span>
  </div>`;
}
