/**
 * The head view's toolbar: layer selector, filter selector, head swatches and export buttons.
 */
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { AttentionFilter } from '../../core/filters.js';
import { layerShort } from '../../core/labels.js';
import type { AttentionComponent } from '../../core/types.js';
import { renderFilterSelect } from '../shared/controls.js';
import { renderSwatches, type SwatchOptions } from '../shared/swatches.js';

export interface ToolbarOptions {
  /** The component shown, whose layers are offered (by number, or a derived layer's label), and the layer shown. */
  readonly component: AttentionComponent;
  readonly layer: number;
  /** The model's layer count when the data holds some layers only: the others are offered, to compute. */
  readonly layerCount?: number | undefined;
  readonly filters: readonly AttentionFilter[];
  readonly filter: AttentionFilter;
  /** Head swatches: every head number, the active ones, their colours and handlers. */
  readonly swatches: SwatchOptions;
  readonly onLayer: (e: Event) => void;
  readonly onFilter: (e: Event) => void;
  readonly onExport: (format: 'png' | 'svg') => void;
  /** The "Tokens" and "Heads" choices. */
  readonly tokens: TemplateResult;
}

/**
 * The layer selector's options, [model number, label]: the component's layers, or with
 * `layerCount` every layer of the model, those not computed yet labelled so.
 */
export function layerOptions(c: AttentionComponent, layerCount: number | undefined): [number, string][] {
  if (layerCount === undefined || c.layerLabels) return c.layers.map((l, i) => [l, layerShort(c, i)]);
  return Array.from({ length: layerCount }, (_, l) => [
    l,
    c.layers.includes(l) ? String(l) : `${l} (to compute)`,
  ]);
}

export function renderToolbar(o: ToolbarOptions): TemplateResult {
  return html`<div class="toolbar" part="toolbar">
    <label
      >Layer
      <select part="layer-select" aria-label="Layer" @change=${o.onLayer}>
        ${layerOptions(o.component, o.layerCount).map(
          ([l, label]) => html`<option value=${l} .selected=${live(l === o.layer)}>${label}</option>`,
        )}
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
