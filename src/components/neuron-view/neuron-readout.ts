/**
 * The neuron view's readout: the exact numbers of the cell or key under the pointer or the
 * cursor (shortest float32 text, `formatExact`), else the dimensions that drive q·k. The
 * numbers of one key are also the text an SVG export gives its row (`keyTitle`).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { FILTER_LABELS, rangeText, type AttentionFilter } from '../../core/filters.js';
import { formatExact } from '../../core/format.js';
import { dimensionOrder } from '../../core/neuron.js';
import type { DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent } from '../../core/types.js';
import { headerValue, isHidden, vectorValue, type NeuronCells } from '../../render/neuron-cells.js';
import type { NeuronCell } from '../../render/neuron-layout.js';
import type { NeuronShown } from '../../render/neuron-scene.js';

export interface ReadoutInput {
  /** What the view shows: the component, layer, head, query (index in the component) and cells. */
  readonly shown: NeuronShown;
  readonly queryTokens: readonly DisplayToken[];
  readonly keyTokens: readonly DisplayToken[];
  /** The attention the data reports from the query to each key of the input. */
  readonly reported: Float32Array;
  /** Mean |q_i·k_i| per dimension. */
  readonly contributions: Float64Array;
  /** The cell under the pointer or the cursor, and the key row to describe (null: none). */
  readonly cell: NeuronCell | null;
  readonly key: number | null;
}

/** A token in quotes, as the labels show it (a WordPiece continuation with its `##`). */
export function quoted(t: DisplayToken | undefined): string {
  return t ? `“${t.kind === 'continuation' ? '##' : ''}${t.text}”` : '';
}

/** The numbers of one key row as label and value pairs, or null for a key the mask hides. */
function keyNumbers(i: ReadoutInput, key: number): [string, string][] | null {
  const { cells } = i.shown;
  if (isHidden(cells, key)) return null;
  const k = cells.keyOffset + key;
  const { row } = cells;
  const numbers: [string, string][] = [
    [`q·k${row.scale !== 1 ? '/√d' : ''} =`, formatExact(row.dots[k]!)],
    ['softmax', formatExact(row.softmax[k]!)],
    ['attention in the data', formatExact(i.reported[k]!)],
  ];
  if (cells.values) {
    numbers.push(['‖v‖', formatExact(cells.values.mix.valueNorms[k]!)]);
    numbers.push(['‖α·v‖', formatExact(cells.values.mix.weightedNorms[k]!)]);
  }
  return numbers;
}

const HIDDEN = 'hidden by the causal mask: the query never sees this key';

/** One key row's numbers as plain text, as the readout words them (the SVG export's row titles). */
export function keyTitle(i: ReadoutInput, key: number): string {
  const numbers = keyNumbers(i, key);
  const body = numbers ? numbers.map(([label, value]) => `${label} ${value}`).join(' · ') : HIDDEN;
  return `Key ${i.shown.component.keyStart + key} ${quoted(i.keyTokens[key])}: ${body}`;
}

/** The title line of an export: layer, head and query, the filter and the outlined neuron. */
export function exportTitle(i: ReadoutInput, filter: AttentionFilter, neuron: number | null): string {
  const { component: c, layerIndex, headIndex, query } = i.shown;
  return [
    `Layer ${c.layers[layerIndex]}`,
    `head ${c.heads[headIndex]}`,
    `query ${c.queryStart + query} ${quoted(i.queryTokens[query])}`,
    ...(filter === 'all' ? [] : [FILTER_LABELS[filter]]),
    ...(neuron === null ? [] : [`neuron ${neuron}`]),
  ].join(' · ');
}

export function renderReadout(i: ReadoutInput): TemplateResult {
  const { component: c, layerIndex, headIndex, query } = i.shown;
  const head = html`Query ${c.queryStart + query} ${quoted(i.queryTokens[query])} · layer
  ${c.layers[layerIndex]} · head ${c.heads[headIndex]}`;
  return html`<div class="readout" id="readout" part="readout" aria-live="polite">
    <div>${head}</div>
    <div>${renderDetail(i)}</div>
  </div>`;
}

const num = (value: number | string) =>
  html`<span class="num">${typeof value === 'number' ? formatExact(value) : value}</span>`;

function renderDetail(i: ReadoutInput): TemplateResult {
  const { cell, key } = i;
  const { cells } = i.shown;
  if (cell && cell.row === 'header' && cell.dim !== null) {
    const name = cell.column === 'v' ? 'Σα·v' : 'q';
    return html`${name} · dimension ${cell.dim}: ${num(headerValue(cells, cell.column, cell.dim))}`;
  }
  if (key === null) {
    const top = dimensionOrder(i.contributions).slice(0, 5);
    return html`<span class="hint"
      >Dimensions driving q·k (mean |q×k|):
      ${top.map((d, n) => html`${n ? ', ' : ''}${d} (${i.contributions[d]!.toPrecision(3)})`)}. Hover or use
      arrow keys for exact values; click a cell to highlight its dimension.</span
    >`;
  }
  const parts: TemplateResult[] = [];
  if (cell && cell.dim !== null) parts.push(renderDimension(i, key, cell.column, cell.dim));
  const numbers = keyNumbers(i, key);
  parts.push(
    numbers
      ? html`${numbers.map(([label, value], n) => html`${n ? ' · ' : ''}${label} ${num(value)}`)}`
      : html`${HIDDEN}`,
  );
  return html`Key ${i.shown.component.keyStart + key} ${quoted(i.keyTokens[key])}:
  ${parts.map((p, n) => (n ? html` ${p}` : p))}`;
}

/** A vector cell: its value, with the q and k it multiplies for q×k (and q for k). */
function renderDimension(
  i: ReadoutInput,
  key: number,
  column: NeuronCell['column'],
  dim: number,
): TemplateResult {
  const { cells } = i.shown;
  const name = column === 'v' ? 'v' : column === 'qk' ? 'q×k' : 'k';
  const q = cells.row.q[dim]!;
  const k = vectorValue(cells, 'k', key, dim);
  const factors =
    column === 'qk' ? html`(q = ${num(q)}, k = ${num(k)})` : column === 'k' ? html`(q = ${num(q)})` : nothing;
  return html`dimension ${dim}: ${name} = ${num(vectorValue(cells, column, key, dim))} ${factors} ·`;
}

/**
 * What the view says above the columns, or undefined: why the query shown has little to show
 * (`maskNote`), and which key/value head the head reads (`kvNote`).
 */
export function queryNote(
  cells: NeuronCells,
  component: AttentionComponent,
  queryTokens: readonly DisplayToken[],
  query: number,
  headIndex: number,
): string | undefined {
  const notes = [maskNote(cells, component, queryTokens, query), kvNote(component, headIndex)];
  return notes.filter(Boolean).join(' ') || undefined;
}

/**
 * Why the query shown has little to show, or undefined: under a causal mask, the first query
 * sees one key (so its softmax is 1 whatever q·k), and a block can lie wholly after the query.
 */
function maskNote(
  cells: NeuronCells,
  component: AttentionComponent,
  queryTokens: readonly DisplayToken[],
  query: number,
): string | undefined {
  const { row } = cells;
  const who = `Query ${component.queryStart + query} ${quoted(queryTokens[query])}`;
  let shown = 0;
  for (let key = 0; key < cells.keyCount; key++) if (!isHidden(cells, key)) shown++;
  if (shown === 0) {
    return `${who} sees none of the keys shown: they all come after it, and the causal mask hides them. Its q·k and softmax are greyed; choose a later query.`;
  }
  const seen = row.hidden.reduce((n, h) => n + (h ? 0 : 1), 0);
  if (seen === 1 && row.keyCount > 1) {
    return `${who} sees one key: the causal mask hides every later one, so softmax gives that key all the attention (1) whatever q·k. Later queries show keys competing.`;
  }
  return undefined;
}

/**
 * For grouped- or multi-query attention (`kvHeads`), which key/value head the shown head reads
 * and which heads share it: their key and value columns are the same vectors.
 */
export function kvNote(component: AttentionComponent, headIndex: number): string | undefined {
  const kv = component.kvHeads?.[headIndex];
  if (kv === undefined) return undefined;
  const sharing = component.heads.filter((_, i) => component.kvHeads![i] === kv);
  const head = component.heads[headIndex];
  if (sharing.length < 2) return `Head ${head} reads key/value head ${kv}, its own.`;
  return `Head ${head} reads key/value head ${kv}, shared with heads ${rangeText(sharing)}: their keys and values are the same vectors (grouped-query attention).`;
}
