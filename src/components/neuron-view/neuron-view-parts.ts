/**
 * The neuron view's parts as templates: toolbar, the grid (header band, token columns, matrix),
 * the softmax warning, and the empty state of attention without vectors. Functions of the values
 * they show; the view passes its handlers and cursors.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { cssProps } from '../shared/css-props.js';
import { FILTER_LABELS, type AttentionFilter } from '../../core/filters.js';
import type { SoftmaxCheck } from '../../core/neuron.js';
import type { DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent } from '../../core/types.js';
import type { NeuronColumnId, NeuronLayout } from '../../render/neuron-layout.js';
import { renderFilterSelect } from '../shared/controls.js';
import { renderTokenColumn } from '../shared/token-column.js';
import { rowOf, type CellCursor, type KeyCursor } from './neuron-cursor.js';
import { quoted } from './neuron-readout.js';

/** Order of the dimensions in the vector columns. */
export type DimensionOrder = 'none' | 'contribution';
export const DIMENSION_ORDERS: readonly DimensionOrder[] = ['none', 'contribution'];

const COLUMN_TITLES: Record<NeuronColumnId, string> = {
  k: 'k (key vectors)',
  qk: 'q × k',
  dot: 'q · k',
  softmax: 'softmax',
  norm: '‖α·v‖',
  v: 'v (value vectors)',
};

/** Column titles as the view shows them (vector columns say when they are sorted). */
export function columnTitles(order: DimensionOrder): Record<NeuronColumnId, string> {
  const sorted = order === 'contribution' ? ', by contribution' : '';
  return {
    ...COLUMN_TITLES,
    k: COLUMN_TITLES.k + sorted,
    qk: COLUMN_TITLES.qk + sorted,
    v: COLUMN_TITLES.v + sorted,
  };
}

export interface ToolbarInput {
  readonly component: AttentionComponent;
  readonly layerIndex: number;
  readonly headIndex: number;
  readonly filters: readonly AttentionFilter[];
  readonly filter: AttentionFilter;
  /** The order and neuron controls and the exports, when there are cells to show. */
  readonly cells: boolean;
  readonly order: DimensionOrder;
  readonly neuron: number | null;
  /** The user chose a layer or a head (model numbers), a filter or an order. */
  readonly onLayer: (layer: number) => void;
  readonly onHead: (head: number) => void;
  readonly onFilter: (filter: AttentionFilter) => void;
  readonly onOrder: (order: DimensionOrder) => void;
  readonly onClearNeuron: () => void;
  readonly onExport: (format: 'png' | 'svg') => void;
  /** The "Hide" choice (the neuron view explains no word-level attention). */
  readonly tokens: TemplateResult;
}

/** The value of the select an event came from. */
const chosen = (e: Event) => (e.target as HTMLSelectElement).value;

const option = (value: number | string, text: string, selected: boolean) =>
  html`<option value=${value} .selected=${live(selected)}>${text}</option>`;

export function renderToolbar(i: ToolbarInput): TemplateResult {
  const c = i.component;
  return html`<div class="toolbar" part="toolbar">
    <label
      >Layer
      <select part="layer-select" aria-label="Layer" @change=${(e: Event) => i.onLayer(Number(chosen(e)))}>
        ${c.layers.map((l, n) => option(l, String(l), n === i.layerIndex))}
      </select></label
    >
    <label
      >Head
      <select part="head-select" aria-label="Head" @change=${(e: Event) => i.onHead(Number(chosen(e)))}>
        ${c.heads.map((h, n) => option(h, String(h), n === i.headIndex))}
      </select></label
    >
    ${renderFilterSelect(i.filters, i.filter, (e) => i.onFilter(chosen(e) as AttentionFilter))} ${i.tokens}
    ${i.cells ? renderCellControls(i) : nothing}
  </div>`;
}

function renderCellControls(i: ToolbarInput): TemplateResult {
  const exportButton = (format: 'png' | 'svg') => {
    const name = format.toUpperCase();
    return html`<button
      part="export-button"
      type="button"
      title="Save as ${name}"
      aria-label="Save as ${name}"
      @click=${() => i.onExport(format)}
    >
      ${name}
    </button>`;
  };
  return html`<label
      >Dimensions
      <select
        part="order-select"
        aria-label="Order of dimensions"
        @change=${(e: Event) => i.onOrder(chosen(e) as DimensionOrder)}
      >
        ${option('none', '0, 1, 2, …', i.order === 'none')}
        ${option('contribution', 'By contribution to q·k', i.order === 'contribution')}
      </select></label
    >
    ${
      i.neuron !== null
        ? html`<button type="button" class="clear-neuron" @click=${i.onClearNeuron}>
            Clear neuron ${i.neuron}
          </button>`
        : nothing
    }
    <span class="spacer"></span>
    <span class="exports">${exportButton('png')} ${exportButton('svg')}</span>`;
}

/** Attention without vectors: what the view shows, what it needs and where to get it. */
export function renderNoVectors(filter: AttentionFilter, derived: boolean): TemplateResult {
  if (derived) {
    return html`<div class="empty" part="empty" role="status">
      <strong>No vectors for derived attention</strong>
      <p>
        Word-level attention (<code>words</code>) and combined heads (<code>aggregate</code>: mean, max,
        rollout) mix the softmax of several queries or heads, which no one query and key vector compute.
        Remove those attributes to see how each head computes its attention.
      </p>
    </div>`;
  }
  const what = filter === 'all' ? 'This data' : `The ${FILTER_LABELS[filter]} attention`;
  return html`<div class="empty" part="empty" role="status">
    <strong>No query and key vectors</strong>
    <p>
      The neuron view shows how a head computes its attention from each token's query and key vectors. ${what}
      carries the attention only, so there is nothing to compute it from. Give data with
      <code>queries</code> and <code>keys</code> [layers, heads, tokens, dim] (bertviz's neuron-view JSON, or
      <code>model</code> and <code>text</code> with <code>attnviz/transformers</code>, which records them), or
      show this attention in <code>&lt;attn-head-view&gt;</code>.
    </p>
  </div>`;
}

/** The warning shown when softmax(q·k) is not the data's attention, with both numbers. */
export function renderWarning(
  check: SoftmaxCheck | undefined,
  source: AttentionComponent,
  shown: AttentionComponent,
  keyTokens: readonly DisplayToken[],
): TemplateResult | typeof nothing {
  if (!check || check.ok) return nothing;
  const key = check.key - (shown.keyStart - source.keyStart);
  const token = key >= 0 && key < keyTokens.length ? ` ${quoted(keyTokens[key])}` : '';
  return html`<div class="warning" part="warning" role="status">
    softmax(q·k) differs from the attention in the data by up to ${check.maxDiff.toPrecision(3)} (key
    ${source.keyStart + check.key}${token}: softmax ${check.computed.toPrecision(4)}, data
    ${check.reported.toPrecision(4)}). Are the vectors and the attention from the same layer and head, and is
    the attention softmax(q·k${source.vectorsScaled ? '' : '/√d'})?
  </div>`;
}

export function renderColumnTitles(
  layout: NeuronLayout,
  titles: Record<NeuronColumnId, string>,
): TemplateResult {
  const t = layout.tokens;
  const title = (x: number, width: number, text: string, textAlign = 'left') =>
    html`<div class="title" ${cssProps({ left: `${x}px`, width: `${width}px`, textAlign })}>${text}</div>`;
  return html`${title(t.leftX, t.tokenWidth, 'Query', 'right')} ${title(t.rightX, t.tokenWidth, 'Key')}
  ${layout.columns.map((col) => title(col.x, col.width, titles[col.id]))}`;
}

export interface GridInput {
  readonly layout: NeuronLayout;
  readonly titles: Record<NeuronColumnId, string>;
  /** The token columns, rendered for the rows in view. */
  readonly columns: TemplateResult;
  readonly cells: CellCursor;
  readonly keys: KeyCursor;
  readonly onScroll: (e: Event) => void;
}

/**
 * The scrolling grid: a sticky header band (titles, and the q / Σα·v cells over their canvas),
 * then the rows: the body canvas, the token columns, and the matrix that takes the pointer and
 * the keyboard over the cells.
 */
export function renderGrid(i: GridInput): TemplateResult {
  const { layout, cells } = i;
  const px = (n: number) => `${n}px`;
  const width = px(layout.width);
  const x0 = layout.columns[0]!.x;
  const band = { top: px(layout.headerRowTop), height: px(layout.headerHeight - layout.headerRowTop) };
  const matrix = { left: px(x0), width: px(layout.width - x0), height: px(layout.height) };
  return html`<div class="viewport" part="viewport" @scroll=${i.onScroll}>
    <div class="content" ${cssProps({ width })}>
      <div class="header" ${cssProps({ height: px(layout.headerHeight), width })}>
        <canvas class="header-canvas" aria-hidden="true"></canvas>
        ${renderColumnTitles(layout, i.titles)}
        <div
          class="header-cells"
          ${cssProps(band)}
          @pointermove=${cells.headerPointerMove}
          @pointerleave=${cells.pointerLeave}
          @click=${cells.headerClick}
        ></div>
      </div>
      <div class="rows" ${cssProps({ height: px(layout.height) })} @pointerdown=${i.keys.pointerDown}>
        <canvas class="body-canvas" aria-hidden="true" ${cssProps({ top: px(layout.headerHeight) })}></canvas>
        ${i.columns}
        <div
          class="matrix"
          part="matrix"
          role="group"
          tabindex="0"
          aria-label="Vectors and scores of each key: arrow keys move a cell cursor, Enter highlights its dimension"
          aria-describedby="readout"
          ${cssProps(matrix)}
          @pointermove=${cells.pointerMove}
          @pointerleave=${cells.pointerLeave}
          @pointerdown=${cells.pointerDown}
          @click=${cells.click}
          @keydown=${cells.keyDown}
          @focus=${cells.focus}
          @blur=${cells.blur}
        ></div>
      </div>
    </div>
  </div>`;
}

export interface ColumnsInput {
  readonly layout: NeuronLayout;
  /** Rows to render, `[first, last)`. */
  readonly rows: readonly [number, number];
  readonly component: AttentionComponent;
  readonly queryTokens: readonly DisplayToken[];
  readonly keyTokens: readonly DisplayToken[];
  /** The selected query, and the one under the pointer. */
  readonly query: number;
  readonly hoveredQuery: number | null;
  readonly keys: KeyCursor;
  /** Keys the causal mask hides from the query shown. */
  readonly hidden: (key: number) => boolean;
  readonly onQueryHover: (query: number | null) => void;
  readonly onQuerySelect: (query: number) => void;
  readonly onQueryKey: (e: KeyboardEvent) => void;
}

/** The query and key token columns (listboxes), as the head view draws them. */
export function renderColumns(i: ColumnsInput): TemplateResult {
  const t = i.layout.tokens;
  const [first, last] = i.rows;
  const shared = { width: t.tokenWidth, height: i.layout.height, rowHeight: t.rowHeight, padding: t.padding };
  const { keys } = i;
  const none = () => undefined;
  return html`${renderTokenColumn({
    ...shared,
    first,
    last,
    name: 'query',
    tokens: i.queryTokens,
    start: i.component.queryStart,
    left: t.leftX,
    label: `Query tokens, ${i.queryTokens.length}: arrow keys choose the query, hovering previews one`,
    cursor: i.query,
    selected: i.query,
    hovered: (n) => n === i.hoveredQuery,
    handlers: {
      pointerover: (e) => i.onQueryHover(rowOf(e) ?? i.hoveredQuery),
      pointerleave: () => i.onQueryHover(null),
      click: (e) => i.onQuerySelect(rowOf(e) ?? i.query),
      keydown: i.onQueryKey,
      focus: none,
      blur: none,
    },
  })}
  ${renderTokenColumn({
    ...shared,
    first,
    last,
    name: 'key',
    tokens: i.keyTokens,
    start: i.component.keyStart,
    left: t.rightX,
    label: `Key tokens, ${i.keyTokens.length}: arrow keys move, the readout shows each key's numbers`,
    cursor: keys.cursor ?? -1,
    selected: -1,
    hovered: (n) => n === keys.hovered,
    muted: i.hidden,
    handlers: {
      pointerover: keys.pointerOver,
      pointerleave: keys.pointerLeave,
      click: keys.click,
      keydown: keys.keyDown,
      focus: keys.focus,
      blur: keys.blur,
    },
  })}`;
}
