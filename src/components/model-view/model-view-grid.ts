/**
 * What the model view's grid shows, as templates and as an export scene, from one snapshot of the
 * view's state (`GridView`): the header and layer rows of cells (ARIA grid), the tooltip, the
 * notice for a filter without weights, and the cells of `toSVG` / `toPNG`. No state of its own
 * beyond the summaries cache, which lives as long as the component it summarises.
 */
import { headName, headShort, layerName } from '../../core/labels.js';
import { html, nothing, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { guard } from 'lit/directives/guard.js';
import { cssProps } from '../shared/css-props.js';
import { largestDifference } from '../../core/derived/difference.js';
import { formatExact } from '../../core/format.js';
import { toHex } from '../../core/palette.js';
import {
  headSummaries,
  headSummary,
  SUMMARY_LABELS,
  SUMMARY_NAMES,
  type HeadSummaries,
  type HeadSummary,
  type SummaryName,
} from '../../core/summaries.js';
import type { AttentionComponent } from '../../core/types.js';
import type { GridCell, GridLayout } from '../../render/grid-layout.js';
import { GRID_LABEL_SIZE, gridScene, type GridSceneCell } from '../../render/grid-scene.js';
import type { Scene } from '../../render/scene.js';
import type { ThemeController } from '../shared/theme-controller.js';
import type { GridFocusController } from './model-view-focus.js';

/** The grid's geometry in CSS pixels (see `gridLayout`). */
export const GRID = {
  rowLabelWidth: 64,
  columnLabelHeight: 20,
  gap: 4,
  minCell: 28,
  maxCell: 160,
  aspect: 1,
};
/** Cells at least this wide show their badges and notes. */
const BADGE_MIN_CELL = 40;
/** Room right of a row label: the label's `padding-right` (6px) and 2px for the DOM's rounding. */
const ROW_LABEL_PADDING = 8;

/** The row labels' widths measured, per component and font. */
const labelWidths = new WeakMap<AttentionComponent, { readonly font: string; readonly width: number }>();

/**
 * Width of the band of row labels: `GRID.rowLabelWidth` for the model's layers ("Layer 11"), wider
 * when derived layers' names need it, so that they show whole ("Rollout to layer 11", the name
 * every view gives that layer). Measured once per component and font.
 */
export function rowLabelWidth(c: AttentionComponent, fontFamily: string): number {
  if (!c.layerLabels) return GRID.rowLabelWidth;
  const font = `${GRID_LABEL_SIZE}px ${fontFamily}`;
  const known = labelWidths.get(c);
  if (known?.font === font) return known.width;
  const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
  ctx.font = font;
  const widest = Math.max(...c.layers.map((_, i) => ctx.measureText(layerName(c, i)).width));
  const width = Math.max(GRID.rowLabelWidth, Math.ceil(widest) + ROW_LABEL_PADDING);
  labelWidths.set(c, { font, width });
  return width;
}

/** The view's state as the grid shows it. Heads are indices into `c`; `index = row × heads + head`. */
export interface GridView {
  readonly c: AttentionComponent;
  readonly g: GridLayout;
  /** Per row, head indices in display order. */
  readonly order: readonly (readonly number[])[];
  readonly summary: SummaryName | 'none';
  /** The shown summary's values, or undefined for none. */
  readonly values: Float64Array | undefined;
  /** True when heads are sorted by the summary (columns are ranks). */
  readonly sorted: boolean;
  readonly hits: ReadonlySet<number> | undefined;
  /** 1 for each head without any weight. */
  readonly blank: Uint8Array;
  readonly selection: { readonly layer: number; readonly head: number } | null;
  readonly cursor: GridCell;
  readonly hovered: GridCell | null;
  readonly keyboardTip: boolean;
}

/** Per-head summaries of one component: every head at once when sorting needs them, else one by one. */
export class SummaryStore {
  private all: HeadSummaries | undefined;
  private readonly single = new Map<number, HeadSummary>();

  constructor(readonly component: AttentionComponent) {}

  get summaries(): HeadSummaries {
    this.all ??= headSummaries(this.component);
    return this.all;
  }

  values(name: SummaryName | 'none'): Float64Array | undefined {
    return name === 'none' ? undefined : this.summaries.values[name];
  }

  of(layerIndex: number, headIndex: number): HeadSummary {
    const index = layerIndex * this.component.shape[1] + headIndex;
    if (this.all) {
      const v = this.all.values;
      return Object.fromEntries(SUMMARY_NAMES.map((n) => [n, v[n][index]!])) as HeadSummary;
    }
    let s = this.single.get(index);
    if (!s) {
      s = headSummary(this.component, layerIndex, headIndex);
      this.single.set(index, s);
    }
    return s;
  }
}

/**
 * The grid (the canvas of thumbnails under an ARIA grid of cells) and its tooltip. Rows and cells
 * are placed by CSS grid tracks of the layout's sizes (set once, on the grid), so that no cell
 * carries a style of its own; a row renders again only when what it shows changed (hovering or
 * opening a cell re-renders its row, not the 144 cells).
 */
export function renderGrid(v: GridView, store: SummaryStore, on: GridFocusController): TemplateResult {
  const { c, g } = v;
  return html`<div class="grid-frame">
    <div class="grid-area" @scroll=${on.placeTooltip}>
      <div
        class="grid"
        part="grid"
        role="grid"
        aria-label="Attention of ${c.layers.length} layers × ${c.heads.length} heads: arrow keys move, Enter opens a head, Escape closes it"
        aria-rowcount=${c.layers.length + 1}
        aria-colcount=${c.heads.length + 1}
        ${cssProps({
          width: `${g.width}px`,
          height: `${g.height}px`,
          '--grid-label-width': `${g.x0 - g.gap}px`,
          '--grid-header-height': `${g.y0 - g.gap}px`,
          '--grid-cell-width': `${g.cellWidth}px`,
          '--grid-cell-height': `${g.cellHeight}px`,
          '--grid-gap': `${g.gap}px`,
          '--grid-rows': c.shape[0],
          '--grid-columns': c.shape[1],
        })}
        @keydown=${on.handleKeyDown}
        @pointerover=${on.handlePointerOver}
        @pointerleave=${on.handlePointerLeave}
        @click=${on.handleClick}
        @focusin=${on.handleFocusIn}
        @focusout=${on.handleFocusOut}
      >
        <canvas aria-hidden="true"></canvas>
        ${guard([c, v.sorted], () => renderHeaderRow(v))}
        ${v.order.map((heads, row) => guard(rowInputs(v, row, heads), () => renderRow(v, row)))}
      </div>
    </div>
    ${renderTooltip(v, store)}
  </div>`;
}

/** Everything row `row` shows: the row renders again when one of these changes. */
function rowInputs(v: GridView, row: number, heads: readonly number[]): unknown[] {
  const at = (cell: GridCell | null) => (cell?.row === row ? cell.col : -1);
  const cursor = at(v.cursor);
  return [
    v.c,
    v.g.cellWidth,
    heads,
    v.summary,
    v.values,
    v.sorted,
    v.hits,
    v.blank,
    v.selection?.layer === row ? v.selection.head : -1,
    at(v.hovered),
    cursor,
    cursor >= 0 && v.keyboardTip,
  ];
}

function renderHeaderRow(v: GridView): TemplateResult {
  return html`<div role="row" aria-rowindex="1">
    <div class="corner" role="columnheader" aria-colindex="1">${v.sorted ? 'Rank' : 'Head'}</div>
    ${v.c.heads.map(
      (_, i) =>
        html`<div class="col-label" role="columnheader" aria-colindex=${i + 2}>
          ${v.sorted ? `#${i + 1}` : headShort(v.c, i)}
        </div>`,
    )}
  </div>`;
}

function renderRow(v: GridView, row: number): TemplateResult {
  const { c, g } = v;
  const layer = layerName(c, row);
  const H = c.shape[1];
  const wide = g.cellWidth >= BADGE_MIN_CELL;
  const label = v.summary === 'none' ? '' : SUMMARY_LABELS[v.summary].toLowerCase();
  return html`<div role="row" aria-rowindex=${row + 2}>
    <div class="row-label" role="rowheader" aria-colindex="1">${layer}</div>
    ${v.order[row]!.map((h, col) => {
      const index = row * H + h;
      const value = v.values?.[index];
      const blank = v.blank[index] === 1;
      const selected = v.selection?.layer === row && v.selection.head === h;
      const isCursor = v.cursor.row === row && v.cursor.col === col;
      const valueText = value === undefined ? '' : `, ${label} ${formatSummary(value)}`;
      return html`<div
        id="cell-${row}-${col}"
        class=${classMap({
          cell: true,
          hovered: v.hovered?.row === row && v.hovered.col === col,
          selected,
          hit: !!v.hits?.has(index),
          dim: !!v.hits && !v.hits.has(index),
          blank,
        })}
        part="cell"
        role="gridcell"
        aria-colindex=${col + 2}
        aria-selected=${selected ? 'true' : 'false'}
        aria-label="${layer}, ${headName(c, h)}${valueText}${blank ? ', no weights' : ''}"
        aria-describedby=${isCursor && v.keyboardTip ? 'tooltip' : nothing}
        tabindex=${isCursor ? 0 : -1}
        data-row=${row}
        data-col=${col}
      >
        ${v.sorted ? html`<span class="badge head" aria-hidden="true">${c.heads[h]}</span>` : nothing}
        ${
          value !== undefined && wide
            ? html`<span class="badge" aria-hidden="true">${formatSummary(value)}</span>`
            : nothing
        }
        ${blank && wide ? html`<span class="note" aria-hidden="true">no weights</span>` : nothing}
      </div>`;
    })}
  </div>`;
}

/** The cell whose tooltip shows: the hovered one, else the keyboard's while it has focus. */
export function tipCell(v: Pick<GridView, 'hovered' | 'keyboardTip' | 'cursor'>): GridCell | null {
  return v.hovered ?? (v.keyboardTip ? v.cursor : null);
}

/** Every summary of the tooltip's cell; the view places it after rendering. */
function renderTooltip(v: GridView, store: SummaryStore): TemplateResult | typeof nothing {
  const cell = tipCell(v);
  const h = cell && v.order[cell.row]?.[cell.col];
  if (!cell || h === undefined || h === null) return nothing;
  const s = store.of(cell.row, h);
  return html`<div id="tooltip" class="tooltip" part="tooltip" role="tooltip">
    <div><strong>${layerName(v.c, cell.row)} · ${headName(v.c, h)}</strong></div>
    <table>
      ${SUMMARY_NAMES.map(
        (name) =>
          html`<tr>
            <th scope="row">${SUMMARY_LABELS[name]}</th>
            <td title=${formatExact(s[name])}>${formatSummary(s[name])}</td>
          </tr>`,
      )}
    </table>
    <div class="hint">Click or Enter: open this head</div>
  </div>`;
}

/** Says so when no head has any weight (e.g. sentence A → B of a causal model), instead of a blank grid. */
export function renderNotice(v: GridView, filterLabel: string): TemplateResult | typeof nothing {
  if (v.c.signed) return renderLegend(v.c);
  if (v.blank.some((b) => b === 0)) return nothing;
  const why = v.c.causal ? ': in a causal model, no token attends to a later one' : '';
  return html`<p class="notice" part="notice">No attention in ${filterLabel}: every weight is 0${why}.</p>`;
}

/** What a difference's two colours mean, and its largest difference (full opacity). */
function renderLegend(c: AttentionComponent): TemplateResult {
  const max = largestDifference(c);
  return html`<p class="legend" part="legend">
    <span class="swatch plus"></span> A attends more <span class="swatch minus"></span> B attends more
    <span class="scale">(full colour: a difference of ${max.toFixed(3)})</span>
  </p>`;
}

/**
 * The grid as an export scene: `title`, labels, thumbnails (`pixels(row, head)`, drawn on demand,
 * `tile` device pixels each), badges and outlines, in the theme's colours.
 */
export function gridExport(
  v: GridView,
  store: SummaryStore,
  title: string,
  tile: { readonly width: number; readonly height: number },
  pixels: (row: number, head: number) => Uint8ClampedArray,
  t: ThemeController,
): Scene {
  const css = (token: '--attn-muted' | '--attn-accent' | '--attn-highlight') =>
    toHex(t.color(token, t.foreground));
  return gridScene({
    layout: v.g,
    title,
    corner: v.sorted ? 'Rank' : 'Head',
    rowLabels: v.c.layers.map((_, i) => layerName(v.c, i)),
    columnLabels: v.c.heads.map((_, i) => (v.sorted ? `#${i + 1}` : headShort(v.c, i))),
    cells: exportCells(v, store, tile, pixels),
    colors: {
      background: toHex(t.background),
      foreground: toHex(t.foreground),
      muted: css('--attn-muted'),
      accent: css('--attn-accent'),
      highlight: css('--attn-highlight'),
    },
    fontFamily: t.fontFamily,
    monoFontFamily: t.monoFontFamily,
  });
}

/** The cells of an export, each carrying its layer, head and exact summaries as text. */
function exportCells(
  v: GridView,
  store: SummaryStore,
  tile: { readonly width: number; readonly height: number },
  pixels: (row: number, head: number) => Uint8ClampedArray,
): GridSceneCell[] {
  const { c } = v;
  const H = c.shape[1];
  return v.order.flatMap((heads, row) =>
    heads.map((h, col) => {
      const index = row * H + h;
      const s = store.of(row, h);
      const text = SUMMARY_NAMES.map((n) => `${SUMMARY_LABELS[n].toLowerCase()} ${formatValue(s[n])}`);
      return {
        row,
        col,
        pixels: pixels(row, h),
        pixelWidth: tile.width,
        pixelHeight: tile.height,
        title: `${layerName(c, row)}, ${headName(c, h)}: ${text.join(', ')}`,
        badge: v.values && formatSummary(v.values[index]!),
        headBadge: v.sorted ? String(c.heads[h]) : undefined,
        note: v.blank[index] ? 'no weights' : undefined,
        selected: v.selection?.layer === row && v.selection.head === h,
        hit: !!v.hits?.has(index),
        dim: !!v.hits && !v.hits.has(index),
      };
    }),
  );
}

/** The line above the grid: its shape, and how many heads a threshold picks out. */
export function statusText(c: AttentionComponent, hits: ReadonlySet<number> | undefined): string {
  const picked = hits ? ` · ${hits.size} of ${c.shape[0] * c.shape[1]} heads highlighted` : '';
  return `${describeShape(c)}${picked}`;
}

/** `2 layers × 3 heads · 4 tokens`, or `… · 4 queries × 3 keys` across sequences or spans. */
export function describeShape(c: AttentionComponent): string {
  const [L, H, Q, K] = c.shape;
  const same = c.name !== 'cross' && Q === K && c.queryStart === c.keyStart;
  return `${L} layers × ${H} heads · ${same ? `${Q} tokens` : `${Q} queries × ${K} keys`}`;
}

/** A summary value for a reader to copy: up to 4 decimals; NaN (not defined) as "n/a". */
function formatValue(v: number): string {
  return Number.isNaN(v) ? 'n/a' : String(Number(v.toFixed(4)));
}

/** Summary values as badges show them: 2 decimals; NaN as "–". */
export function formatSummary(v: number): string {
  return Number.isNaN(v) ? '–' : v.toFixed(2);
}
