/**
 * The model view's toolbar: thumbnail mode, filter, tokens, heads, summary, order and highlight
 * thresholds (with a summary), and export. Labels are short and each control stays whole when the bar wraps, so that half of a
 * page (600px) holds it in two rows.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { FILTER_LABELS, type AttentionFilter } from '../../core/filters.js';
import type { SortOrder } from '../../render/grid-order.js';
import type { ThumbnailMode } from '../../render/thumbnails.js';
import { SUMMARY_LABELS, SUMMARY_NAMES, type SummaryName } from '../../core/summaries.js';

/** Filter names short enough for a toolbar (the option's title gives the full one). */
const SHORT_FILTERS: Readonly<Record<AttentionFilter, string>> = {
  all: 'All',
  aa: 'A → A',
  bb: 'B → B',
  ab: 'A → B',
  ba: 'B → A',
  generated: 'Generated',
  encoder: 'Encoder',
  decoder: 'Decoder',
  cross: 'Cross',
};

const SHORT_SUMMARIES: Readonly<Record<SummaryName, string>> = {
  entropy: 'Entropy',
  first: 'First',
  previous: 'Previous',
  self: 'Itself',
  delimiters: 'Delimiters',
};

const SORTS: readonly (readonly [SortOrder, string])[] = [
  ['none', 'Head #'],
  ['descending', 'High first'],
  ['ascending', 'Low first'],
];

/** What the toolbar shows: the view's own properties. */
export interface ToolbarState {
  readonly thumbnail: ThumbnailMode;
  readonly summary: SummaryName | 'none';
  readonly sort: SortOrder;
  readonly highlightAbove: number | undefined | null;
  readonly highlightBelow: number | undefined | null;
}

export interface ToolbarHandlers {
  readonly thumbnail: (mode: ThumbnailMode) => void;
  readonly filter: (filter: AttentionFilter) => void;
  readonly summary: (summary: SummaryName | 'none') => void;
  readonly sort: (sort: SortOrder) => void;
  readonly above: (value: number | undefined) => void;
  readonly below: (value: number | undefined) => void;
  readonly download: (format: 'png' | 'svg') => void;
  /** The "Tokens" selector (words and hide). */
  readonly tokens: () => TemplateResult;
  /** The "Heads" selector: each, mean, max, rollout, flow. */
  readonly aggregate: () => TemplateResult;
}

const value = (e: Event) => (e.target as HTMLSelectElement).value;

export function renderToolbar(
  s: ToolbarState,
  filters: readonly AttentionFilter[],
  filter: AttentionFilter,
  on: ToolbarHandlers,
  /** A difference A − B: always a heatmap in two colours, so the thumbnail choice is shown, not offered. */
  signed = false,
): TemplateResult {
  const summaryOn = s.summary !== 'none';
  const option = (v: string, label: string, selected: boolean, title?: string) =>
    html`<option value=${v} title=${ifDefined(title)} .selected=${live(selected)}>${label}</option>`;
  const threshold = (part: 'above' | 'below', v: number | undefined | null) =>
    html`<input
      part="highlight-input"
      type="number"
      step="0.05"
      aria-label="Highlight heads whose summary is at ${part === 'above' ? 'least' : 'most'}"
      .value=${numberText(v)}
      ?disabled=${!summaryOn}
      @change=${(e: Event) => on[part](readNumber(e))}
    />`;
  return html`<div class="toolbar" part="toolbar">
    <label
      >Thumbnails
      <select
        part="mode-select"
        ?disabled=${signed}
        title=${ifDefined(signed ? 'A difference is a heatmap in two colours' : undefined)}
        @change=${(e: Event) => on.thumbnail(value(e) as ThumbnailMode)}
      >
        ${option('lines', 'Lines', !signed && s.thumbnail === 'lines')}
        ${option('heatmap', 'Heatmap', signed || s.thumbnail === 'heatmap')}
      </select></label
    >
    ${
      filters.length > 1
        ? html`<label
            >Attention
            <select part="filter-select" @change=${(e: Event) => on.filter(value(e) as AttentionFilter)}>
              ${filters.map((f) => option(f, SHORT_FILTERS[f], f === filter, FILTER_LABELS[f]))}
            </select></label
          >`
        : nothing
    }
    ${on.tokens()} ${on.aggregate()}
    <label
      >Summary
      <select part="summary-select" @change=${(e: Event) => on.summary(value(e) as SummaryName | 'none')}>
        ${option('none', 'None', !summaryOn)}
        ${SUMMARY_NAMES.map((n) => option(n, SHORT_SUMMARIES[n], s.summary === n, SUMMARY_LABELS[n]))}
      </select></label
    >
    ${
      summaryOn
        ? html`<label
            >Order
            <select part="sort-select" @change=${(e: Event) => on.sort(value(e) as SortOrder)}>
              ${SORTS.map(([v, label]) => option(v, label, s.sort === v))}
            </select></label
          >`
        : nothing
    }
    ${
      // Thresholds apply to a summary: without one they would be two disabled boxes taking room.
      summaryOn
        ? html`<span
            class="highlight"
            role="group"
            aria-label="Highlight"
            title="Highlight heads whose summary is at least / at most"
            >≥ ${threshold('above', s.highlightAbove)} ≤ ${threshold('below', s.highlightBelow)}</span
          >`
        : nothing
    }
    <span class="spacer"></span>
    <span class="exports">
      <button
        part="export-button"
        type="button"
        title="Save as PNG"
        aria-label="Save as PNG"
        @click=${() => on.download('png')}
      >
        PNG
      </button>
      <button
        part="export-button"
        type="button"
        title="Save as SVG"
        aria-label="Save as SVG"
        @click=${() => on.download('svg')}
      >
        SVG
      </button>
    </span>
  </div>`;
}

/** A number input's text for an optional number ('' when unset). */
function numberText(v: number | undefined | null): string {
  return v === undefined || v === null ? '' : String(v);
}

/** An optional number from a number input's change event: undefined when emptied. */
function readNumber(e: Event): number | undefined {
  const raw = (e.target as HTMLInputElement).value.trim();
  return raw === '' ? undefined : Number(raw);
}
