/**
 * Toolbar controls and canvas plumbing every view shares.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { FILTER_LABELS, type AttentionFilter } from '../../core/filters.js';

/** The "Attention" selector (sentence-pair blocks or encoder / decoder / cross), when there is a choice. */
export function renderFilterSelect(
  filters: readonly AttentionFilter[],
  current: AttentionFilter,
  onChange: (e: Event) => void,
): TemplateResult | typeof nothing {
  if (filters.length < 2) return nothing;
  return html`<label
      >Attention
      <select part="filter-select" aria-label="Attention" @change=${onChange}>
        ${filters.map((f) => html`<option value=${f} .selected=${live(f === current)}>${FILTER_LABELS[f]}</option>`)}
      </select></label
    >${
      filters.includes('generated')
        ? html`<span class="generated-legend" part="generated-legend">generated</span>`
        : nothing
    }`;
}

/**
 * Sizes a canvas to `width × height` CSS pixels at `dpr` device pixels each (only when that
 * changes: resizing clears it) and returns its 2D context, cleared; or null without a context.
 */
export function prepareCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  dpr: number,
): CanvasRenderingContext2D | null {
  const w = Math.ceil(width * dpr);
  const h = Math.ceil(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx?.clearRect(0, 0, w, h);
  return ctx;
}
