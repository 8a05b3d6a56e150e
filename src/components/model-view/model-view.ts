import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { layerMax } from '../../core/aggregate.js';
import { AttentionDataError, describe } from '../../core/errors.js';
import {
  applyFilter,
  availableFilters,
  headMatrix,
  selectSubset,
  type AttentionFilter,
} from '../../core/filters.js';
import { formatExact } from '../../core/format.js';
import { cellX, cellY, gridLayout, type GridLayout } from '../../render/grid-layout.js';
import { headPalette, relativeLuminance, toHex, type Rgb } from '../../core/palette.js';
import { poolMax, poolMean } from '../../render/pooling.js';
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
// The detail view is an <attn-head-view>; its define module (imported by this element's own
// define module) registers it. Imported for types only, so that this module has no side effect.
import type {} from '../head-view/define.js';
import { resolveColor } from '../shared/colors.js';
import { numberListConverter } from '../shared/converters.js';
import { fire } from '../shared/events.js';
import { prepareCanvas, renderFilterSelect } from '../shared/controls.js';
import { ResizeController } from '../shared/resize-controller.js';
import { AttnView } from '../shared/attn-view.js';
import { viewStyles } from '../shared/styles.js';
import { heatmapTile, linesTile, type TileStyle } from '../../render/thumbnails.js';
import { inheritTokens, themeStyles, type ThemeName } from '../shared/theme.js';
import { modelViewStyles } from './model-view.styles.js';

/** How thumbnails draw a head: bertviz's lines, or the query × key matrix. */
export type ThumbnailMode = 'lines' | 'heatmap';

/** Order of heads within each layer row. */
export type SortOrder = 'none' | 'descending' | 'ascending';

interface Cell {
  readonly row: number;
  readonly col: number;
}

/** Milliseconds of thumbnail drawing in the first frame, and in each later frame until done. */
const FIRST_FRAME_BUDGET = 250;
const FRAME_BUDGET = 40;
const GRID = {
  rowLabelWidth: 64,
  columnLabelHeight: 20,
  gap: 4,
  minCell: 28,
  maxCell: 160,
  aspect: 1,
};

/**
 * Every layer and head at a glance, as small multiples: one row per layer, one column per head,
 * each cell a thumbnail of that head's attention (bertviz's model view), drawn on canvas so that
 * 144 heads at 1,000 tokens stay fast. Click or Enter opens a cell in a detail head view.
 *
 * Thumbnails of long inputs are downsampled without dropping weights: a heatmap pixel shows the
 * largest weight of the block of queries × keys it covers (max pooling); a line thumbnail draws
 * one line per pair of pixel rows, as opaque as all of that block's lines drawn over one another,
 * `1 − Π(1 − w)`.
 *
 * @summary Attention of every layer and head as a grid of thumbnails.
 *
 * @fires attn-head-select - A cell was opened (`detail: {layer, head}`, the model's numbers) or the detail view closed (`{layer: null, head: null}`).
 * @fires attn-filter-change - The user chose another filter. `detail: {filter}`.
 *
 * @csspart toolbar - The bar of controls above the grid.
 * @csspart mode-select - The lines / heatmap selector.
 * @csspart filter-select - The sentence-pair / encoder-decoder selector.
 * @csspart summary-select - The summary selector.
 * @csspart sort-select - The head order selector.
 * @csspart highlight-input - The highlight threshold.
 * @csspart grid - The grid of thumbnails.
 * @csspart cell - One thumbnail's cell.
 * @csspart tooltip - The hovered or focused cell's summary.
 * @csspart detail - The panel holding the opened head's view.
 * @csspart error - The message shown for invalid data.
 *
 * @cssprop [--attn-background=#0d1117 (light #ffffff)] - Background.
 * @cssprop [--attn-foreground=#e6edf3 (light #1f2328)] - Text.
 * @cssprop [--attn-muted=#9198a1 (light #59636e)] - Labels and secondary text.
 * @cssprop [--attn-border=#3d444d (light #d1d9e0)] - Borders; causally hidden cells of heatmaps.
 * @cssprop [--attn-accent=#6cb6ff (light #0757c2)] - Focus rings and the opened cell's outline.
 * @cssprop [--attn-highlight=#ffa657 (light #bc4c00)] - Outline of cells that meet the highlight threshold.
 * @cssprop [--attn-error=#ff9492 (light #b3261e)] - The error message.
 * @cssprop [--attn-font-family=system-ui, …] - Text font.
 * @cssprop [--attn-mono-font-family=ui-monospace, …] - Numbers.
 * @cssprop [--attn-font-size=13px] - Text size.
 *
 * Every other `--attn-*` token set on this element (e.g. `--attn-row-height`, `--attn-hover`) reaches
 * the detail view, which uses the head view's tokens.
 */
export class AttnModelView extends AttnView {
  static override styles = [
    themeStyles,
    viewStyles,
    modelViewStyles,
    inheritTokens('.detail attn-head-view'),
  ];

  /** Colour theme: `dark` (the default, as bertviz), `light`, or `auto` to follow the system setting. */
  @property({ reflect: true }) override theme: ThemeName = 'dark';

  /** Thumbnails as `lines` (bertviz) or as a `heatmap` of queries (down) × keys (across). */
  @property({ reflect: true }) thumbnail: ThumbnailMode = 'lines';

  /** Layers shown, by the model's numbers, comma-separated (default: all). */
  @property({ attribute: 'include-layers', converter: numberListConverter }) includeLayers:
    readonly number[] | undefined;

  /** Heads shown, by the model's numbers, comma-separated (default: all). */
  @property({ attribute: 'include-heads', converter: numberListConverter }) includeHeads:
    readonly number[] | undefined;

  /** Per-head summary shown as a badge on every cell: `entropy`, `first`, `previous`, `self`, `delimiters`, or `none`. */
  @property({ reflect: true }) summary: SummaryName | 'none' = 'none';

  /** Order of heads in each row by the summary: `none` (model order), `descending`, `ascending`. */
  @property({ reflect: true }) sort: SortOrder = 'none';

  /** Cells whose summary is at least this stand out and the others dim. */
  @property({ attribute: 'highlight-above', type: Number, reflect: true }) highlightAbove: number | undefined;

  /** Cells whose summary is at most this stand out and the others dim (e.g. low entropy). */
  @property({ attribute: 'highlight-below', type: Number, reflect: true }) highlightBelow: number | undefined;

  /**
   * Opening a cell outlines it and fires `attn-head-select`, but shows no detail view: for pages
   * that link the grid to a head or neuron view of their own.
   */
  @property({ attribute: 'no-detail', type: Boolean, reflect: true }) noDetail = false;

  /** The opened cell's layer (the model's number), or undefined when no detail view is open. */
  @property({ attribute: 'selected-layer', type: Number, reflect: true }) selectedLayer: number | undefined;

  /** The opened cell's head (the model's number). */
  @property({ attribute: 'selected-head', type: Number, reflect: true }) selectedHead: number | undefined;

  @state() private hovered: Cell | null = null;
  @state() private cursor: Cell = { row: 0, col: 0 };
  @state() private keyboardTip = false;

  private component: AttentionComponent | undefined;
  /** Head indices of each row, in display order. */
  private order: number[][] = [];
  private layout: GridLayout | undefined;
  private palette: Rgb[] = [];
  private background: Rgb = [0, 0, 0];
  private maskedColor: Rgb = [0.2, 0.2, 0.2];
  private summaries: HeadSummaries | undefined;
  private summaryCache = new Map<number, HeadSummary>();
  private selectedIndex: { layer: number; head: number } | null = null;

  /** Finished thumbnails by `layer * heads + head`, for the current key. */
  private tiles = new Map<number, Uint8ClampedArray>();
  private tilesKey = '';
  private gridImage: ImageData | undefined;
  /** Cells whose tile is in `gridImage` at their current place. */
  private blitted = new Set<number>();
  private placementKey = '';
  private pooled = new Float32Array(0);
  private scratch = new Float32Array(0);
  private drawFrame = 0;
  private drawWaiters: (() => void)[] = [];
  private tilesPending = 0;

  private readonly hostSize = new ResizeController(this);

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.drawFrame);
  }

  /** Resolves when every thumbnail is drawn (large inputs take several frames). */
  get drawComplete(): Promise<void> {
    return this.updateComplete.then(() =>
      this.tilesPending === 0 || !this.component || this.error
        ? undefined
        : new Promise<void>((resolve) => this.drawWaiters.push(resolve)),
    );
  }

  /** The per-head summaries of the attention shown (computed once per data and filter). */
  getSummaries(): HeadSummaries | undefined {
    if (!this.component) return undefined;
    this.summaries ??= headSummaries(this.component);
    return this.summaries;
  }

  /** Opens the detail view of a head (the model's numbers), as a click on its cell does. */
  open(layer: number, head: number): void {
    this.selectedLayer = layer;
    this.selectedHead = head;
  }

  /** Closes the detail view. */
  close(): void {
    this.selectedLayer = undefined;
    this.selectedHead = undefined;
  }

  protected override dataChanged(): void {
    this.component = undefined;
    this.hovered = null;
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.renderStatus();
    if (status) return status;
    const c = this.component;
    const g = this.layout;
    if (!this.parsed || !c || !g) {
      return html`<div class="empty" part="error">
        No attention data: set the <code>data</code> property.
      </div>`;
    }
    return html`
      ${this.renderToolbar()}
      <div class="status" aria-live="polite">${this.statusText(c)}</div>
      <div class="grid-area">
        <div
          class="grid"
          part="grid"
          role="grid"
          aria-label="Attention of ${c.layers.length} layers × ${c.heads.length} heads: arrow keys move, Enter opens a head, Escape closes it"
          aria-rowcount=${c.layers.length + 1}
          aria-colcount=${c.heads.length + 1}
          style=${styleMap({ width: `${g.width}px`, height: `${g.height}px` })}
          @keydown=${this.handleGridKeyDown}
          @pointerover=${this.handlePointerOver}
          @pointerleave=${this.handlePointerLeave}
          @click=${this.handleClick}
          @focusin=${this.handleFocusIn}
          @focusout=${this.handleFocusOut}
        >
          <canvas aria-hidden="true"></canvas>
          ${this.renderHeaderRow(c, g)} ${this.order.map((heads, row) => this.renderRow(c, g, row, heads))}
        </div>
        ${this.renderTooltip(c, g)}
      </div>
      ${this.renderDetail(c)}
    `;
  }

  protected override updated(): void {
    this.syncDetail();
    this.draw();
  }

  /**
   * Creates the detail view (an `<attn-head-view>`, registered by this element's define module)
   * and hands it its data, filter, layer, head and theme. Set from here rather than bound in the
   * template, and only when they change, so that re-rendering the grid keeps the detail view's
   * own state (e.g. heads toggled in it). Runs before a new detail view's first update.
   */
  private syncDetail(): void {
    const host = this.renderRoot.querySelector('.detail-view');
    const sel = this.selectedIndex;
    const c = this.component;
    if (!host || !sel || !c) return;
    let view = host.querySelector('attn-head-view');
    if (!view) {
      view = document.createElement('attn-head-view');
      host.append(view);
    }
    const layer = c.layers[sel.layer]!;
    const heads = this.detailHeads(c.heads[sel.head]!);
    if (view.data !== this.parsed) view.data = this.parsed;
    if (view.filter !== this.currentFilter) view.filter = this.currentFilter;
    if (view.layer !== layer) view.layer = layer;
    if (view.heads !== heads) view.heads = heads;
    if (view.theme !== this.theme) view.theme = this.theme;
  }

  private renderToolbar(): TemplateResult {
    const filters = this.parsed ? availableFilters(this.parsed) : [];
    const summaryOn = this.summary !== 'none';
    return html`<div class="toolbar" part="toolbar">
      <label
        >Thumbnails
        <select part="mode-select" aria-label="Thumbnails" @change=${this.handleModeChange}>
          <option value="lines" .selected=${live(this.thumbnail === 'lines')}>Lines</option>
          <option value="heatmap" .selected=${live(this.thumbnail === 'heatmap')}>Heatmap</option>
        </select></label
      >
      ${renderFilterSelect(filters, this.currentFilter, this.handleFilterChange)}
      <label
        >Summary
        <select part="summary-select" aria-label="Summary" @change=${this.handleSummaryChange}>
          <option value="none" .selected=${live(!summaryOn)}>None</option>
          ${SUMMARY_NAMES.map(
            (s) =>
              html`<option value=${s} .selected=${live(this.summary === s)}>${SUMMARY_LABELS[s]}</option>`,
          )}
        </select></label
      >
      <label
        >Order
        <select
          part="sort-select"
          aria-label="Order of heads"
          ?disabled=${!summaryOn}
          @change=${this.handleSortChange}
        >
          <option value="none" .selected=${live(this.sort === 'none')}>Head number</option>
          <option value="descending" .selected=${live(this.sort === 'descending')}>Highest first</option>
          <option value="ascending" .selected=${live(this.sort === 'ascending')}>Lowest first</option>
        </select></label
      >
      <label
        >Highlight ≥
        <input
          part="highlight-input"
          type="number"
          step="0.05"
          aria-label="Highlight heads whose summary is at least"
          .value=${numberText(this.highlightAbove)}
          ?disabled=${!summaryOn}
          @change=${(e: Event) => (this.highlightAbove = readNumber(e))}
      /></label>
      <label
        >≤
        <input
          part="highlight-input"
          type="number"
          step="0.05"
          aria-label="Highlight heads whose summary is at most"
          .value=${numberText(this.highlightBelow)}
          ?disabled=${!summaryOn}
          @change=${(e: Event) => (this.highlightBelow = readNumber(e))}
      /></label>
    </div>`;
  }

  private statusText(c: AttentionComponent): string {
    const [L, H, Q, K] = c.shape;
    // Self-attention over the same tokens, or queries and keys from different sequences or spans.
    const same = c.name !== 'cross' && Q === K && c.queryStart === c.keyStart;
    const tokens = same ? `${Q} tokens` : `${Q} queries × ${K} keys`;
    const pending = this.tilesPending > 0 ? ` · drawing ${this.tilesPending} thumbnails…` : '';
    const hits = this.hits;
    const highlight = hits ? ` · ${hits.size} of ${L * H} heads highlighted` : '';
    return `${L} layers × ${H} heads · ${tokens}${pending}${highlight}`;
  }

  private renderHeaderRow(c: AttentionComponent, g: GridLayout): TemplateResult {
    const sorted = this.sort !== 'none' && this.summary !== 'none';
    return html`<div
      role="row"
      aria-rowindex="1"
      style=${styleMap({ top: '0px', height: `${g.y0}px`, width: `${g.width}px` })}
    >
      <div class="corner" role="columnheader" aria-colindex="1" style="width:${GRID.rowLabelWidth}px">
        ${sorted ? 'Rank' : 'Head'}
      </div>
      ${c.heads.map(
        (h, i) =>
          html`<div
            class="col-label"
            role="columnheader"
            aria-colindex=${i + 2}
            style=${styleMap({ left: `${cellX(g, i)}px`, width: `${g.cellWidth}px` })}
          >
            ${sorted ? `#${i + 1}` : h}
          </div>`,
      )}
    </div>`;
  }

  private renderRow(
    c: AttentionComponent,
    g: GridLayout,
    row: number,
    heads: readonly number[],
  ): TemplateResult {
    const layer = c.layers[row]!;
    const top = cellY(g, row);
    const values = this.summary !== 'none' ? this.summaryValues() : undefined;
    const hits = this.hits;
    const sorted = this.sort !== 'none' && values !== undefined;
    const H = c.shape[1];
    return html`<div
      role="row"
      aria-rowindex=${row + 2}
      style=${styleMap({ top: `${top}px`, height: `${g.cellHeight}px`, width: `${g.width}px` })}
    >
      <div
        class="row-label"
        role="rowheader"
        aria-colindex="1"
        style=${styleMap({ width: `${GRID.rowLabelWidth}px`, lineHeight: `${g.cellHeight}px` })}
      >
        Layer ${layer}
      </div>
      ${heads.map((h, col) => {
        const head = c.heads[h]!;
        const index = row * H + h;
        const value = values?.[index];
        const selected = this.selectedIndex?.layer === row && this.selectedIndex.head === h;
        const isCursor = this.cursor.row === row && this.cursor.col === col;
        const classes = {
          cell: true,
          hovered: this.hovered?.row === row && this.hovered.col === col,
          selected,
          hit: !!hits?.has(index),
          dim: !!hits && !hits.has(index),
        };
        const valueText =
          value === undefined
            ? ''
            : `, ${SUMMARY_LABELS[this.summary as SummaryName].toLowerCase()} ${formatSummary(value)}`;
        return html`<div
          id="cell-${row}-${col}"
          class=${classMap(classes)}
          part="cell"
          role="gridcell"
          aria-colindex=${col + 2}
          aria-selected=${selected ? 'true' : 'false'}
          aria-label="Layer ${layer}, head ${head}${valueText}"
          aria-describedby=${isCursor && this.keyboardTip ? 'tooltip' : nothing}
          tabindex=${isCursor ? 0 : -1}
          data-row=${row}
          data-col=${col}
          style=${styleMap({
            left: `${cellX(g, col)}px`,
            top: '0px',
            width: `${g.cellWidth}px`,
            height: `${g.cellHeight}px`,
          })}
        >
          ${sorted ? html`<span class="badge head" aria-hidden="true">${head}</span>` : nothing}
          ${
            value !== undefined && g.cellWidth >= 40
              ? html`<span class="badge" aria-hidden="true">${formatSummary(value)}</span>`
              : nothing
          }
        </div>`;
      })}
    </div>`;
  }

  private renderTooltip(c: AttentionComponent, g: GridLayout): TemplateResult | typeof nothing {
    const cell = this.hovered ?? (this.keyboardTip ? this.cursor : null);
    if (!cell) return nothing;
    const h = this.order[cell.row]?.[cell.col];
    if (h === undefined) return nothing;
    const s = this.summaryOf(cell.row, h);
    // The tooltip sits in the grid's scroll area (not in the grid: ARIA grids hold rows only),
    // which pads the grid by 8px.
    const left = cellX(g, cell.col) + 8;
    const top = cellY(g, cell.row) + g.cellHeight + 4;
    const flip = left + 220 > g.width;
    return html`<div
      id="tooltip"
      class="tooltip"
      part="tooltip"
      role="tooltip"
      style=${styleMap({
        top: `${top}px`,
        ...(flip ? { right: `${g.width + 8 - left - g.cellWidth}px` } : { left: `${left}px` }),
      })}
    >
      <div><strong>Layer ${c.layers[cell.row]} · head ${c.heads[h]}</strong></div>
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

  private renderDetail(c: AttentionComponent): TemplateResult | typeof nothing {
    const sel = this.selectedIndex;
    if (!sel || this.noDetail) return nothing;
    const layer = c.layers[sel.layer]!;
    const head = c.heads[sel.head]!;
    return html`<section
      class="detail"
      part="detail"
      aria-labelledby="detail-title"
      @keydown=${this.handleDetailKeyDown}
      @attn-layer-change=${this.handleDetailLayer}
      @attn-heads-change=${this.handleDetailHeads}
    >
      <div class="detail-header">
        <h3 id="detail-title">Layer ${layer}, head ${head}</h3>
        <span class="spacer"></span>
        <button type="button" aria-label="Close the detail view" @click=${() => this.closeFromUser()}>
          Close
        </button>
      </div>
      <div class="detail-view"></div>
    </section>`;
  }

  /** The detail view's heads: the same array while the head stays, so re-renders keep its state. */
  private detailHeads(head: number): readonly number[] {
    if (this.detailHeadList[0] !== head || this.detailHeadList.length !== 1) this.detailHeadList = [head];
    return this.detailHeadList;
  }

  private detailHeadList: readonly number[] = [];

  /** Resolves every attribute against the parsed data. Throws AttentionDataError on a bad attribute. */
  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    if (this.thumbnail !== 'lines' && this.thumbnail !== 'heatmap') {
      throw new AttentionDataError('thumbnail', '"lines" or "heatmap"', describe(this.thumbnail));
    }
    if (this.summary !== 'none' && !SUMMARY_NAMES.includes(this.summary)) {
      throw new AttentionDataError(
        'summary',
        `"none" or one of ${SUMMARY_NAMES.map((s) => `"${s}"`).join(', ')}`,
        describe(this.summary),
      );
    }
    if (!['none', 'descending', 'ascending'].includes(this.sort)) {
      throw new AttentionDataError('sort', '"none", "descending" or "ascending"', describe(this.sort));
    }
    for (const [field, v] of [
      ['highlight-above', this.highlightAbove],
      ['highlight-below', this.highlightBelow],
    ] as const) {
      if (v !== undefined && v !== null && !Number.isFinite(v)) {
        throw new AttentionDataError(field, 'a number', JSON.stringify(this.getAttribute(field) ?? v));
      }
    }
    if (
      !this.component ||
      changed.has('data') ||
      changed.has('filter') ||
      changed.has('includeLayers') ||
      changed.has('includeHeads')
    ) {
      const full = applyFilter(data, this.currentFilter);
      const layers = checkList(this.includeLayers, 'include-layers', this);
      const heads = checkList(this.includeHeads, 'include-heads', this);
      const component = layers || heads ? selectSubset(full, { layers, heads }) : full;
      if (component !== this.component) {
        this.component = component;
        this.summaries = undefined;
        this.summaryCache.clear();
        this.tilesKey = '';
      }
    }
    const c = this.component!;
    if (this.themeDirty || changed.has('theme')) this.readTheme(c);
    this.selectedIndex = this.resolveSelection(c);
    this.order = this.displayOrder(c);
    this.hits = this.highlighted();
    const [L, H] = c.shape;
    this.cursor = { row: Math.min(this.cursor.row, L - 1), col: Math.min(this.cursor.col, H - 1) };
    if (this.hovered && (this.hovered.row >= L || this.hovered.col >= H)) this.hovered = null;
    const width = Math.floor(this.hostSize.width) || 720;
    this.layout = gridLayout({ width: width - 16, rows: L, columns: H, ...GRID });
  }

  private resolveSelection(c: AttentionComponent): { layer: number; head: number } | null {
    const layer = this.selectedLayer;
    const head = this.selectedHead;
    const none = (v: number | undefined | null) => v === undefined || v === null;
    if (none(layer) && none(head)) return null;
    if (none(layer) || none(head)) {
      throw new AttentionDataError(
        none(layer) ? 'selected-layer' : 'selected-head',
        'a number together with the other of selected-layer / selected-head',
        'nothing',
      );
    }
    const l = c.layers.indexOf(layer!);
    if (l < 0) {
      throw new AttentionDataError(
        'selected-layer',
        `one of the layers shown [${c.layers.join(', ')}]`,
        describe(layer),
      );
    }
    const h = c.heads.indexOf(head!);
    if (h < 0) {
      throw new AttentionDataError(
        'selected-head',
        `one of the heads shown [${c.heads.join(', ')}]`,
        describe(head),
      );
    }
    return { layer: l, head: h };
  }

  /** Per row, head indices in display order: model order, or sorted by the summary (NaN last). */
  private displayOrder(c: AttentionComponent): number[][] {
    const [L, H] = c.shape;
    const natural = Array.from({ length: H }, (_, h) => h);
    const values = this.sort !== 'none' && this.summary !== 'none' ? this.summaryValues() : undefined;
    return Array.from({ length: L }, (_, l) => {
      if (!values) return natural;
      const sign = this.sort === 'descending' ? -1 : 1;
      return [...natural].sort((a, b) => {
        const va = values[l * H + a]!;
        const vb = values[l * H + b]!;
        if (Number.isNaN(va) || Number.isNaN(vb))
          return Number.isNaN(va) ? (Number.isNaN(vb) ? a - b : 1) : -1;
        return sign * (va - vb) || a - b;
      });
    });
  }

  private summaryValues(): Float64Array | undefined {
    if (this.summary === 'none') return undefined;
    return this.getSummaries()?.values[this.summary];
  }

  private summaryOf(layerIndex: number, headIndex: number): HeadSummary {
    const c = this.component!;
    const H = c.shape[1];
    const index = layerIndex * H + headIndex;
    if (this.summaries) {
      const v = this.summaries.values;
      return Object.fromEntries(SUMMARY_NAMES.map((n) => [n, v[n][index]!])) as HeadSummary;
    }
    let s = this.summaryCache.get(index);
    if (!s) {
      s = headSummary(c, layerIndex, headIndex);
      this.summaryCache.set(index, s);
    }
    return s;
  }

  /** Highlighted heads (`layer * heads + head`), computed once per update; undefined when none is asked. */
  private hits: Set<number> | undefined;

  /** Indices (`layer * heads + head`) of highlighted heads, or undefined when nothing is highlighted. */
  private highlighted(): Set<number> | undefined {
    const above = this.highlightAbove;
    const below = this.highlightBelow;
    const hasAbove = above !== undefined && above !== null && Number.isFinite(above);
    const hasBelow = below !== undefined && below !== null && Number.isFinite(below);
    if (this.summary === 'none' || (!hasAbove && !hasBelow)) return undefined;
    const values = this.summaryValues();
    if (!values) return undefined;
    const hits = new Set<number>();
    values.forEach((v, i) => {
      if ((!hasAbove || v >= above) && (!hasBelow || v <= below)) hits.add(i);
    });
    return hits;
  }

  private readTheme(c: AttentionComponent): void {
    const style = getComputedStyle(this);
    const root = this.renderRoot as ShadowRoot;
    this.background = resolveColor(root, style.getPropertyValue('--attn-background'), [0, 0, 0]);
    const border = resolveColor(root, style.getPropertyValue('--attn-border'), [0.3, 0.3, 0.3]);
    this.maskedColor = [0, 1, 2].map((i) => 0.55 * this.background[i]! + 0.45 * border[i]!) as unknown as Rgb;
    const dark = relativeLuminance(this.background) < 0.4;
    this.palette = headPalette(Math.max(...c.heads) + 1, dark ? 'dark' : 'light');
    this.themeDirty = false;
    this.tilesKey = '';
  }

  /**
   * Paints the grid: thumbnails already drawn are kept; missing ones are drawn in display order
   * until the frame's time budget is spent, and the rest in later frames, so that a long input
   * never freezes the page. Each thumbnail is drawn whole, so the picture does not depend on
   * how the work was sliced.
   */
  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const g = this.layout;
    const c = this.component;
    if (!canvas || !g || !c || this.error) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.ceil(g.width * dpr);
    const h = Math.ceil(g.height * dpr);
    const tw = Math.max(1, Math.round(g.cellWidth * dpr));
    const th = Math.max(1, Math.round(g.cellHeight * dpr));
    const key = `${this.thumbnail}|${tw}x${th}|${toHex(this.background)}|${this.palette.map(toHex).join()}`;
    if (key !== this.tilesKey) {
      this.tiles.clear();
      this.tilesKey = key;
      this.placementKey = '';
    }
    const ctx = prepareCanvas(canvas, g.width, g.height, dpr);
    if (!this.gridImage || this.gridImage.width !== w || this.gridImage.height !== h) {
      this.gridImage = new ImageData(w, h);
      this.placementKey = '';
    }
    const placement = `${key}|${w}x${h}|${this.order.map((r) => r.join(',')).join(';')}`;
    if (placement !== this.placementKey) {
      this.gridImage.data.fill(0);
      this.blitted.clear();
      this.placementKey = placement;
    }
    const [L, H] = c.shape;
    const budget = this.tiles.size === 0 ? FIRST_FRAME_BUDGET : FRAME_BUDGET;
    const start = performance.now();
    let pending = 0;
    for (let row = 0; row < L; row++) {
      for (let col = 0; col < H; col++) {
        const head = this.order[row]![col]!;
        const index = row * H + head;
        let tile = this.tiles.get(index);
        if (!tile) {
          if (performance.now() - start > budget) {
            pending++;
            continue;
          }
          tile = this.drawTile(c, row, head, tw, th);
          this.tiles.set(index, tile);
        }
        if (!this.blitted.has(index)) {
          blit(
            this.gridImage,
            tile,
            tw,
            th,
            Math.round(cellX(g, col) * dpr),
            Math.round(cellY(g, row) * dpr),
          );
          this.blitted.add(index);
        }
      }
    }
    ctx?.putImageData(this.gridImage, 0, 0);
    const before = this.tilesPending;
    this.tilesPending = pending;
    if (pending > 0) {
      cancelAnimationFrame(this.drawFrame);
      this.drawFrame = requestAnimationFrame(() => this.draw());
    } else {
      for (const resolve of this.drawWaiters.splice(0)) resolve();
    }
    if (before > 0 !== pending > 0) this.requestUpdate();
  }

  private drawTile(
    c: AttentionComponent,
    layerIndex: number,
    headIndex: number,
    tw: number,
    th: number,
  ): Uint8ClampedArray {
    const [, , Q, K] = c.shape;
    const m = headMatrix(c, layerIndex, headIndex);
    const scale = c.normalized ? 1 : 1 / Math.max(layerMax(c, layerIndex), Number.MIN_VALUE);
    const style: TileStyle = {
      color: this.palette[c.heads[headIndex]!]!,
      background: this.background,
      masked: this.maskedColor,
    };
    const out = new Uint8ClampedArray(tw * th * 4);
    if (this.pooled.length < tw * th) this.pooled = new Float32Array(tw * th);
    if (this.thumbnail === 'heatmap') {
      const pooled = poolMax(m, Q, K, Math.min(Q, th), Math.min(K, tw), this.pooled);
      heatmapTile(pooled, tw, th, scale, style, c, out);
    } else {
      // One line per two CSS pixels of height at most: denser lines would not read apart,
      // and the cost of a line thumbnail grows with the square of its lines.
      const bins = Math.max(1, Math.ceil(this.layout!.cellHeight / 2));
      if (this.scratch.length < tw * (th + 2)) this.scratch = new Float32Array(tw * (th + 2));
      const pooled = poolMean(m, Q, K, Math.min(Q, bins), Math.min(K, bins), this.pooled);
      linesTile(pooled, tw, th, scale, style, out, this.scratch);
    }
    return out;
  }

  private cellFrom(e: Event): Cell | null {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
    if (!el) return null;
    return { row: Number(el.dataset['row']), col: Number(el.dataset['col']) };
  }

  private toggle(cell: Cell): void {
    const c = this.component!;
    const h = this.order[cell.row]![cell.col]!;
    const same = this.selectedIndex?.layer === cell.row && this.selectedIndex.head === h;
    if (same) this.closeFromUser();
    else this.selectFromUser(c.layers[cell.row]!, c.heads[h]!);
  }

  /** Opens a head as the user asked, and says so with `attn-head-select`. */
  private selectFromUser(layer: number, head: number): void {
    if (this.selectedLayer === layer && this.selectedHead === head) return;
    this.open(layer, head);
    fire(this, 'attn-head-select', { layer, head });
  }

  private closeFromUser(): void {
    if (this.selectedLayer === undefined && this.selectedHead === undefined) return;
    this.close();
    fire(this, 'attn-head-select', { layer: null, head: null });
    void this.updateComplete.then(() => this.focusCell(this.cursor));
  }

  private focusCell(cell: Cell): void {
    this.renderRoot.querySelector<HTMLElement>(`#cell-${cell.row}-${cell.col}`)?.focus();
  }

  private readonly handlePointerOver = (e: PointerEvent): void => {
    const cell = this.cellFrom(e);
    if (!cell) return;
    if (this.hovered?.row !== cell.row || this.hovered.col !== cell.col) this.hovered = cell;
  };

  private readonly handlePointerLeave = (): void => {
    this.hovered = null;
  };

  private readonly handleClick = (e: MouseEvent): void => {
    const cell = this.cellFrom(e);
    if (!cell) return;
    this.cursor = cell;
    this.toggle(cell);
  };

  private readonly handleFocusIn = (e: FocusEvent): void => {
    const cell = this.cellFrom(e);
    if (!cell) return;
    this.cursor = cell;
    this.keyboardTip = true;
  };

  private readonly handleFocusOut = (e: FocusEvent): void => {
    const next = e.relatedTarget as HTMLElement | null;
    if (next?.getAttribute('role') === 'gridcell' && this.renderRoot.contains(next)) return;
    this.keyboardTip = false;
  };

  private readonly handleGridKeyDown = (e: KeyboardEvent): void => {
    const c = this.component;
    if (!c) return;
    const [L, H] = c.shape;
    const { row, col } = this.cursor;
    const moves: Record<string, Cell> = {
      ArrowRight: { row, col: Math.min(H - 1, col + 1) },
      ArrowLeft: { row, col: Math.max(0, col - 1) },
      ArrowDown: { row: Math.min(L - 1, row + 1), col },
      ArrowUp: { row: Math.max(0, row - 1), col },
      Home: e.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 },
      End: e.ctrlKey ? { row: L - 1, col: H - 1 } : { row, col: H - 1 },
      PageDown: { row: L - 1, col },
      PageUp: { row: 0, col },
    };
    const next = moves[e.key];
    if (next) {
      e.preventDefault();
      this.cursor = next;
      this.keyboardTip = true;
      void this.updateComplete.then(() => this.focusCell(next));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.toggle(this.cursor);
    } else if (e.key === 'Escape' && this.selectedIndex) {
      e.preventDefault();
      this.closeFromUser();
    }
  };

  private readonly handleDetailKeyDown = (e: KeyboardEvent): void => {
    // The head view uses Escape to unpin a token first (and then marks the event handled).
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      this.closeFromUser();
    }
  };

  /** The detail view's own layer selector moves the opened cell along. */
  private readonly handleDetailLayer = (e: CustomEvent<{ layer: number }>): void => {
    const c = this.component!;
    if (!c.layers.includes(e.detail.layer) || this.selectedHead === undefined) return;
    this.selectFromUser(e.detail.layer, this.selectedHead);
  };

  /** Soloing another head in the detail view opens that head's cell. */
  private readonly handleDetailHeads = (e: CustomEvent<{ heads: readonly number[] }>): void => {
    const c = this.component!;
    const heads = e.detail.heads;
    if (heads.length !== 1 || !c.heads.includes(heads[0]!) || this.selectedLayer === undefined) return;
    this.selectFromUser(this.selectedLayer, heads[0]!);
  };

  private handleModeChange(e: Event): void {
    this.thumbnail = (e.target as HTMLSelectElement).value as ThumbnailMode;
  }

  private handleFilterChange(e: Event): void {
    const filter = (e.target as HTMLSelectElement).value as AttentionFilter;
    this.filter = filter;
    fire(this, 'attn-filter-change', { filter });
  }

  private handleSummaryChange(e: Event): void {
    this.summary = (e.target as HTMLSelectElement).value as SummaryName | 'none';
  }

  private handleSortChange(e: Event): void {
    this.sort = (e.target as HTMLSelectElement).value as SortOrder;
  }
}

/** Copies a tile's rows into the grid image at device pixel (x, y), clipped to the image. */
function blit(image: ImageData, tile: Uint8ClampedArray, tw: number, th: number, x: number, y: number): void {
  const width = Math.min(tw, image.width - x);
  for (let r = 0; r < th && y + r < image.height; r++) {
    const src = r * tw * 4;
    image.data.set(tile.subarray(src, src + width * 4), ((y + r) * image.width + x) * 4);
  }
}

/** A number input's text for an optional number ('' when unset; Lit sets removed attributes to null). */
function numberText(v: number | undefined | null): string {
  return v === undefined || v === null || Number.isNaN(v) ? '' : String(v);
}

/** An optional number from a number input's change event: undefined when emptied. */
function readNumber(e: Event): number | undefined {
  const raw = (e.target as HTMLInputElement).value.trim();
  return raw === '' ? undefined : Number(raw);
}

/** Summary values as badges show them: shares with 2 decimals, entropy in bits with 2; NaN as "–". */
function formatSummary(v: number): string {
  return Number.isNaN(v) ? '–' : v.toFixed(2);
}

function checkList(
  list: readonly number[] | undefined,
  field: string,
  host: HTMLElement,
): readonly number[] | undefined {
  if (list?.some((n) => Number.isNaN(n))) {
    throw new AttentionDataError(field, 'comma-separated numbers', JSON.stringify(host.getAttribute(field)));
  }
  return list;
}
