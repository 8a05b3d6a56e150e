import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { AttentionDataError, describe } from '../../core/errors.js';
import { applyFilter, availableFilters, headMatrix } from '../../core/filters.js';
import { formatExact } from '../../core/format.js';
import { visibleRows } from '../../render/head-layout.js';
import {
  checkSoftmax,
  dimensionContributions,
  dimensionOrder,
  hasVectors,
  neuronRow,
  valueMix,
  type NeuronRow,
  type SoftmaxCheck,
  type ValueMix,
} from '../../core/neuron.js';
import { headPalette, relativeLuminance, toHex, type Rgb } from '../../core/palette.js';
import { displayTokens, type DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent } from '../../core/types.js';
import { focusLines } from '../../render/head-scene.js';
import { AttnView } from '../shared/attn-view.js';
import { inkOn, resolveColor } from '../shared/colors.js';
import { fire } from '../shared/events.js';
import { LineList } from '../../render/raster.js';
import { prepareCanvas, renderFilterSelect } from '../shared/controls.js';
import { ResizeController } from '../shared/resize-controller.js';
import { LinesRaster } from '../../render/scene.js';
import { resolveLayer } from '../shared/selection.js';
import { scrollViewStyles, tokenStyles, viewStyles } from '../shared/styles.js';
import { readPixels, themeStyles } from '../shared/theme.js';
import { renderTokenColumn } from '../shared/token-column.js';
import { neuronLayout, type NeuronColumn, type NeuronColumnId, type NeuronLayout } from '../../render/neuron-layout.js';
import { neuronViewStyles } from './neuron-view.styles.js';

/** Order of the dimensions in the vector columns. */
export type DimensionOrder = 'none' | 'contribution';

/** A cell of the vector and scalar columns: key row (-1: the header row of q and Σα·v), column, dimension. */
interface MatrixCell {
  readonly row: number;
  readonly column: NeuronColumnId;
  /** Dimension index (not display position), or -1 for scalar columns. */
  readonly dim: number;
}

const COLUMN_TITLES: Record<NeuronColumnId, string> = {
  k: 'k (key vectors)',
  qk: 'q × k',
  dot: 'q · k',
  softmax: 'softmax',
  norm: '‖α·v‖',
  v: 'v (value vectors)',
};

const OVERSCAN_ROWS = 6;
/** Height of the band above the rows: column titles, then the q and Σα·v vectors. */
const HEADER_TITLE = 20;

/**
 * How one head computes attention for one query (Vig 2019, section 2.3): the query vector q, each
 * key vector k, their element-wise product q×k, the scaled dot product q·k and its softmax (the
 * attention each key receives), with lines from the query to the keys weighted by attention.
 * Values are blue when positive and orange when negative, stronger with magnitude. With value
 * vectors, also each v, the head's output Σα·v for the query, and ‖α·v‖ per key.
 *
 * @summary How queries and keys (and values) make one head's attention.
 *
 * @fires attn-layer-change - The user chose another layer. `detail: {layer}`.
 * @fires attn-heads-change - The user chose another head. `detail: {heads: [head]}`.
 * @fires attn-filter-change - The user chose another filter. `detail: {filter}`.
 * @fires attn-token-focus - The selected query changed (click, Enter or arrow keys). `detail: {side: 'query', index, position, token, pinned: true}`.
 * @fires attn-neuron-change - The user highlighted a dimension, or cleared it. `detail: {neuron}` (index or null).
 *
 * @csspart toolbar - The bar of controls.
 * @csspart layer-select - The layer selector.
 * @csspart head-select - The head selector.
 * @csspart filter-select - The sentence-pair / encoder-decoder selector.
 * @csspart order-select - The dimension order selector.
 * @csspart warning - The message shown when softmax(q·k) differs from the data's attention.
 * @csspart viewport - The scrolling area.
 * @csspart token - A token label.
 * @csspart matrix - The area of vector and scalar cells (focusable; arrow keys move a cell cursor).
 * @csspart readout - The panel with the exact values under the pointer or cursor.
 * @csspart error - The message shown for invalid data.
 *
 * @cssprop [--attn-background=#ffffff (dark #0d1117)] - Background.
 * @cssprop [--attn-foreground=#1f2328 (dark #e6edf3)] - Text.
 * @cssprop [--attn-muted=#59636e (dark #9198a1)] - Secondary text; keys a causal mask hides.
 * @cssprop [--attn-border=#d1d9e0 (dark #3d444d)] - Borders; hidden keys' cells.
 * @cssprop [--attn-hover=#e9ecef (dark #262c36)] - Background of the hovered token.
 * @cssprop [--attn-pinned=#fff1c2 (dark #4a3b00)] - Background of the selected query.
 * @cssprop [--attn-accent=#0757c2 (dark #6cb6ff)] - Focus rings and the cell cursor.
 * @cssprop [--attn-highlight=#bc4c00 (dark #ffa657)] - Outline of the highlighted neuron; the warning.
 * @cssprop [--attn-positive=#0969da (dark #4493f8)] - Positive values.
 * @cssprop [--attn-negative=#c55b00 (dark #f0883e)] - Negative values.
 * @cssprop [--attn-special-token=#8250df (dark #d2a8ff)] - Special tokens such as [CLS].
 * @cssprop [--attn-error=#b3261e (dark #ff9492)] - The error message.
 * @cssprop [--attn-font-family=system-ui, …] - Text font.
 * @cssprop [--attn-mono-font-family=ui-monospace, …] - Numbers.
 * @cssprop [--attn-font-size=13px] - Text size.
 * @cssprop [--attn-row-height=22px] - Height of one token row.
 * @cssprop [--attn-line-width=2] - Width of attention lines, in CSS pixels.
 * @cssprop [--attn-max-height=36rem] - Tallest the rows grow before they scroll.
 */
export class AttnNeuronView extends AttnView {
  static override styles = [themeStyles, viewStyles, scrollViewStyles, tokenStyles, neuronViewStyles];

  /** The layer shown, by the model's own number (default: the data's hint, else the first). */
  @property({ type: Number, reflect: true }) layer: number | undefined;

  /** The head shown, by the model's own number (default: the data's hint, else the first). */
  @property({ type: Number, reflect: true }) head: number | undefined;

  /** The selected query, by its position in the model's input (default: the first that is not a special token). */
  @property({ type: Number, reflect: true }) token: number | undefined;

  /** The highlighted dimension (neuron) index, outlined in every row (default: none). */
  @property({ type: Number, reflect: true }) neuron: number | undefined;

  /** Order of dimensions: `none` (0, 1, 2, …) or `contribution` (largest mean |q_i·k_i| first). */
  @property({ attribute: 'dimension-order', reflect: true }) dimensionOrder: DimensionOrder = 'none';

  @state() private hoveredQuery = -1;
  @state() private hoveredKey = -1;
  @state() private hoveredCell: MatrixCell | null = null;
  @state() private keyCursor = -1;
  @state() private cellCursor: MatrixCell | null = null;

  /** The component shown (a pair block, or a whole component). */
  private component: AttentionComponent | undefined;
  /** The component the computation runs on: the whole input, so that softmax sees every key. */
  private source: AttentionComponent | undefined;
  private layerIndex = 0;
  private headIndex = 0;
  private queryIndex = 0;
  private leftTokens: DisplayToken[] = [];
  private rightTokens: DisplayToken[] = [];
  private layout: NeuronLayout | undefined;
  private row: NeuronRow | undefined;
  private check: SoftmaxCheck | undefined;
  private mix: ValueMix | undefined;
  private order: number[] = [];
  private contributions: Float64Array = new Float64Array(0);
  /** Largest |value| per column for the head shown, by which colours saturate. */
  private scales = { q: 1, k: 1, qk: 1, dot: 1, norm: 1, v: 1 };
  private colors = {
    background: [1, 1, 1] as Rgb,
    positive: [0, 0, 1] as Rgb,
    negative: [1, 0.5, 0] as Rgb,
    hidden: [0.9, 0.9, 0.9] as Rgb,
    foreground: '#000000',
    accent: '#0757c2',
    highlight: '#bc4c00',
    font: '11px monospace',
  };
  private palette: Rgb[] = [];
  private rowHeight = 22;
  private maxHeight = 576;
  private lineWidth = 2;
  private viewScroll = 0;
  private renderedRows: [number, number] = [0, 0];
  private readonly lines = new LineList();
  private readonly linesRaster = new LinesRaster();
  private draws = 0;
  private lastQueryKey = '';

  private readonly hostSize = new ResizeController(this);
  private readonly viewportSize = new ResizeController(this, () => this.viewport);

  protected override dataChanged(): void {
    this.component = undefined;
    this.hoveredQuery = this.hoveredKey = this.keyCursor = -1;
    this.hoveredCell = this.cellCursor = null;
  }

  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    if (!['none', 'contribution'].includes(this.dimensionOrder)) {
      throw new AttentionDataError(
        'dimension-order',
        '"none" or "contribution"',
        describe(this.dimensionOrder),
      );
    }
    if (!this.component || changed.has('data') || changed.has('filter')) {
      const filter = this.currentFilter;
      const shown = applyFilter(data, filter);
      const pair = filter === 'aa' || filter === 'bb' || filter === 'ab' || filter === 'ba';
      const source = pair ? applyFilter(data, 'all') : shown;
      if (!hasVectors(source)) {
        throw new AttentionDataError(
          source.name === 'self' ? 'queries' : `${source.name}.queries`,
          'per-head query and key vectors [layers, heads, tokens, dim] for the neuron view (e.g. bertviz neuron-view JSON with queries and keys)',
          'attention without vectors',
        );
      }
      this.component = shown;
      this.source = source;
      this.leftTokens = displayTokens(shown.queryTokens);
      this.rightTokens =
        shown.keyTokens === shown.queryTokens ? this.leftTokens : displayTokens(shown.keyTokens);
      this.hoveredQuery = this.hoveredKey = this.keyCursor = -1;
      this.hoveredCell = this.cellCursor = null;
    }
    const c = this.component!;
    const [, , Q, K] = c.shape;
    this.layerIndex = resolveLayer(c, this.layer, data.hints);
    this.headIndex = this.resolveHead(c, data.hints.heads?.[0]);
    this.queryIndex = this.resolveToken(c);
    const D = this.source!.queries!.shape[3];
    if (
      this.neuron !== undefined &&
      this.neuron !== null &&
      (!Number.isInteger(this.neuron) || this.neuron < 0 || this.neuron >= D)
    ) {
      throw new AttentionDataError('neuron', `a dimension from 0 to ${D - 1}`, describe(this.neuron));
    }
    if (this.themeDirty || changed.has('theme')) this.readTheme(c);
    // The computation depends on these only: hovering cells or keys re-renders without it.
    const key = [this.layerIndex, this.headIndex, this.shownQuery, this.queryIndex, this.dimensionOrder].join(
      '|',
    );
    if (changed.has('data') || changed.has('filter') || key !== this.computedKey) {
      this.compute();
      this.computedKey = key;
    }
    const width = Math.floor(this.hostSize.width) || 900;
    this.layout = neuronLayout({
      width,
      queryCount: Q,
      keyCount: K,
      dim: D,
      rowHeight: this.rowHeight,
      values: this.mix !== undefined,
    });
  }

  private resolveHead(c: AttentionComponent, hint: number | undefined): number {
    const wanted = this.head ?? hint;
    if (wanted === undefined || wanted === null) return 0;
    const index = c.heads.indexOf(wanted);
    if (index < 0)
      throw new AttentionDataError('head', `one of the heads [${c.heads.join(', ')}]`, describe(wanted));
    return index;
  }

  /** Index of the selected query: the `token` attribute (a model position), else the first ordinary token. */
  private resolveToken(c: AttentionComponent): number {
    const Q = c.shape[2];
    if (this.token === undefined || this.token === null) {
      const first = this.leftTokens.findIndex((t) => t.kind !== 'special');
      return first < 0 ? 0 : first;
    }
    const index = this.token - c.queryStart;
    if (!Number.isInteger(this.token) || index < 0 || index >= Q) {
      throw new AttentionDataError(
        'token',
        `a query position from ${c.queryStart} to ${c.queryStart + Q - 1}`,
        describe(this.token),
      );
    }
    return index;
  }

  /** The query under the pointer, else the selected one. */
  private get shownQuery(): number {
    return this.hoveredQuery >= 0 ? this.hoveredQuery : this.queryIndex;
  }

  /** Runs the head's computation for the query shown, and the scales its colours use. */
  private computedKey = '';

  private compute(): void {
    const c = this.component!;
    const src = this.source!;
    const query = this.shownQuery + c.queryStart - src.queryStart;
    const row = neuronRow(src, this.layerIndex, this.headIndex, query);
    const [, , , SK] = src.shape;
    const reported = headMatrix(src, this.layerIndex, this.headIndex).subarray(query * SK, (query + 1) * SK);
    this.row = row;
    this.check = checkSoftmax(row, reported);
    this.mix = src.values ? valueMix(src, this.layerIndex, this.headIndex, reported) : undefined;
    this.contributions = dimensionContributions(row);
    // Dimensions keep the selected query's order while another query is previewed, so that
    // columns do not move under the pointer.
    const selected = this.queryIndex + c.queryStart - src.queryStart;
    const orderFrom =
      selected === query
        ? this.contributions
        : dimensionContributions(neuronRow(src, this.layerIndex, this.headIndex, selected));
    this.order =
      this.dimensionOrder === 'contribution'
        ? dimensionOrder(orderFrom)
        : Array.from({ length: row.dim }, (_, i) => i);
    const D = row.dim;
    const { start, end } = this.keyRange();
    const maxAbs = (a: ArrayLike<number>, from = 0, to = a.length, skip?: (i: number) => boolean) => {
      let m = 0;
      for (let i = from; i < to; i++) if (!skip?.(i)) m = Math.max(m, Math.abs(a[i]!));
      return m || 1;
    };
    const keys = src.keys!;
    const [, H, T] = keys.shape;
    const kBase = (this.layerIndex * H + this.headIndex) * T * D;
    const hiddenKey = (k: number) => row.hidden[k] === 1;
    this.scales = {
      q: maxAbs(row.q),
      k: maxAbs(keys.data, kBase + start * D, kBase + end * D),
      qk: maxAbs(row.products, start * D, end * D, (i) => hiddenKey(Math.floor(i / D))),
      dot: maxAbs(row.dots, start, end, hiddenKey),
      norm: this.mix ? maxAbs(this.mix.weightedNorms, start, end) : 1,
      v: 1,
    };
    if (this.mix && src.values) {
      const [, VH, VT, VD] = src.values.shape;
      const vBase = (this.layerIndex * VH + this.headIndex) * VT * VD;
      this.scales.v = Math.max(
        maxAbs(src.values.data, vBase + start * VD, vBase + end * VD),
        maxAbs(this.mix.output),
      );
    }
  }

  /** The source's keys shown (a pair block shows a range of them). */
  private keyRange(): { start: number; end: number } {
    const c = this.component!;
    const start = c.keyStart - this.source!.keyStart;
    return { start, end: start + c.shape[3] };
  }

  private readTheme(c: AttentionComponent): void {
    const style = getComputedStyle(this);
    const root = this.renderRoot as ShadowRoot;
    const color = (name: string, fallback: Rgb) => resolveColor(root, style.getPropertyValue(name), fallback);
    const background = color('--attn-background', [1, 1, 1]);
    const border = color('--attn-border', [0.8, 0.8, 0.8]);
    const fontSize = readPixels(style, '--attn-font-size', 13);
    this.rowHeight = readPixels(style, '--attn-row-height', 22, fontSize);
    this.lineWidth = readPixels(style, '--attn-line-width', 2);
    this.maxHeight = readPixels(style, '--attn-max-height', 576, 16);
    this.colors = {
      background,
      positive: color('--attn-positive', [0.04, 0.41, 0.85]),
      negative: color('--attn-negative', [0.77, 0.36, 0]),
      hidden: [0, 1, 2].map((i) => 0.6 * background[i]! + 0.4 * border[i]!) as unknown as Rgb,
      foreground: toHex(color('--attn-foreground', [0, 0, 0])),
      accent: toHex(color('--attn-accent', [0, 0.3, 0.8])),
      highlight: toHex(color('--attn-highlight', [0.7, 0.3, 0])),
      font: `${Math.max(9, fontSize - 2)}px ${style.getPropertyValue('--attn-mono-font-family').trim() || 'monospace'}`,
    };
    const dark = relativeLuminance(background) < 0.4;
    this.palette = headPalette(Math.max(...c.heads) + 1, dark ? 'dark' : 'light');
    this.themeDirty = false;
    this.linesRaster.reset();
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.renderStatus();
    if (status) return status;
    const c = this.component;
    const layout = this.layout;
    if (!this.parsed || !c || !layout || !this.row) {
      return html`<div class="empty" part="error">
        No attention data: set the <code>data</code> property.
      </div>`;
    }
    const viewHeight = this.viewHeight(layout);
    const [from, to] = visibleRows(
      layout.tokens,
      this.viewScroll,
      this.viewScroll + viewHeight,
      Math.max(c.shape[2], c.shape[3]),
    );
    const first = Math.max(0, from - OVERSCAN_ROWS);
    const last = to + OVERSCAN_ROWS;
    this.renderedRows = [first, last];
    const headerHeight = this.headerHeight();
    return html`
      ${this.renderToolbar(c)} ${this.renderWarning()}
      <div class="viewport" part="viewport" @scroll=${this.handleScroll}>
        <div class="content" style=${styleMap({ width: `${layout.width}px` })}>
          <div class="header" style=${styleMap({ height: `${headerHeight}px`, width: `${layout.width}px` })}>
            <canvas class="header-canvas" aria-hidden="true"></canvas>
            ${this.renderColumnTitles(layout)}
            <div
              class="header-cells"
              style=${styleMap({ top: `${HEADER_TITLE}px`, height: `${headerHeight - HEADER_TITLE}px` })}
              @pointermove=${this.handleHeaderPointer}
              @pointerleave=${this.handleCellLeave}
              @click=${this.handleCellClick}
            ></div>
          </div>
          <div class="rows" style=${styleMap({ height: `${layout.height}px` })}>
            <canvas
              class="body-canvas"
              aria-hidden="true"
              style=${styleMap({ top: `${headerHeight}px` })}
            ></canvas>
            ${this.renderQueryColumn(c, layout, first, last)} ${this.renderKeyColumn(c, layout, first, last)}
            ${this.renderMatrix(layout)}
          </div>
        </div>
      </div>
      ${this.renderReadout(c)}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('token') && this.component) this.scrollRowIntoView(this.queryIndex);
    this.draw();
    this.fireQueryIfChanged();
  }

  private renderToolbar(c: AttentionComponent): TemplateResult {
    const filters = this.parsed ? availableFilters(this.parsed) : [];
    return html`<div class="toolbar" part="toolbar">
      <label
        >Layer
        <select part="layer-select" aria-label="Layer" @change=${this.handleLayerChange}>
          ${c.layers.map((l, i) => html`<option value=${l} .selected=${live(i === this.layerIndex)}>${l}</option>`)}
        </select></label
      >
      <label
        >Head
        <select part="head-select" aria-label="Head" @change=${this.handleHeadChange}>
          ${c.heads.map((h, i) => html`<option value=${h} .selected=${live(i === this.headIndex)}>${h}</option>`)}
        </select></label
      >
      ${renderFilterSelect(filters, this.currentFilter, this.handleFilterChange)}
      <label
        >Dimensions
        <select part="order-select" aria-label="Order of dimensions" @change=${this.handleOrderChange}>
          <option value="none" .selected=${live(this.dimensionOrder === 'none')}>0, 1, 2, …</option>
          <option value="contribution" .selected=${live(this.dimensionOrder === 'contribution')}>
            By contribution to q·k
          </option>
        </select></label
      >
      ${
        this.neuron !== undefined && this.neuron !== null
          ? html`<button type="button" class="clear-neuron" @click=${() => this.setNeuron(null)}>
              Clear neuron ${this.neuron}
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderWarning(): TemplateResult | typeof nothing {
    const check = this.check;
    if (!check || check.ok) return nothing;
    const c = this.component!;
    const key = check.key - (c.keyStart - this.source!.keyStart);
    const token = key >= 0 && key < this.rightTokens.length ? ` “${this.rightTokens[key]!.text}”` : '';
    return html`<div class="warning" part="warning" role="status">
      softmax(q·k) differs from the attention in the data by up to ${check.maxDiff.toPrecision(3)} (key
      ${this.source!.keyStart + check.key}${token}: softmax ${check.computed.toPrecision(4)}, data
      ${check.reported.toPrecision(4)}). Are the vectors and the attention from the same layer and head, and
      is the attention softmax(q·k${this.source!.vectorsScaled ? '' : '/√d'})?
    </div>`;
  }

  private renderColumnTitles(layout: NeuronLayout): TemplateResult {
    const order = this.dimensionOrder === 'contribution' ? ', by contribution' : '';
    return html`${[
      { x: layout.tokens.leftX, width: layout.tokens.tokenWidth, text: 'Query', align: 'right' },
      { x: layout.tokens.rightX, width: layout.tokens.tokenWidth, text: 'Key', align: 'left' },
    ].map(
      (t) =>
        html`<div
          class="title"
          style=${styleMap({ left: `${t.x}px`, width: `${t.width}px`, textAlign: t.align })}
        >
          ${t.text}
        </div>`,
    )}
    ${layout.columns.map(
      (col) =>
        html`<div class="title" style=${styleMap({ left: `${col.x}px`, width: `${col.width}px` })}>
          ${COLUMN_TITLES[col.id]}${col.vector ? order : ''}
        </div>`,
    )}`;
  }

  private renderQueryColumn(
    c: AttentionComponent,
    layout: NeuronLayout,
    first: number,
    last: number,
  ): TemplateResult {
    const t = layout.tokens;
    return renderTokenColumn({
      name: 'query',
      tokens: this.leftTokens,
      start: c.queryStart,
      left: t.leftX,
      width: t.tokenWidth,
      height: layout.height,
      rowHeight: t.rowHeight,
      padding: t.padding,
      first,
      last,
      label: `Query tokens, ${this.leftTokens.length}: arrow keys choose the query, hovering previews one`,
      cursor: this.queryIndex,
      selected: this.queryIndex,
      hovered: (i) => i === this.hoveredQuery,
      handlers: {
        pointerover: (e) => {
          const i = indexOf(e);
          if (i >= 0 && i !== this.hoveredQuery) this.hoveredQuery = i;
        },
        pointerleave: () => (this.hoveredQuery = -1),
        click: (e) => {
          const i = indexOf(e);
          if (i >= 0) this.selectQuery(i);
        },
        keydown: (e) => this.handleQueryKey(e),
        focus: () => undefined,
        blur: () => undefined,
      },
    });
  }

  private renderKeyColumn(
    c: AttentionComponent,
    layout: NeuronLayout,
    first: number,
    last: number,
  ): TemplateResult {
    const t = layout.tokens;
    const { start } = this.keyRange();
    return renderTokenColumn({
      name: 'key',
      tokens: this.rightTokens,
      start: c.keyStart,
      left: t.rightX,
      width: t.tokenWidth,
      height: layout.height,
      rowHeight: t.rowHeight,
      padding: t.padding,
      first,
      last,
      label: `Key tokens, ${this.rightTokens.length}: arrow keys move, the readout shows each key's numbers`,
      cursor: this.keyCursor,
      selected: -1,
      hovered: (i) => i === this.hoveredKey,
      muted: (i) => this.row!.hidden[start + i] === 1,
      handlers: {
        pointerover: (e) => {
          const i = indexOf(e);
          if (i >= 0 && i !== this.hoveredKey) this.hoveredKey = i;
        },
        pointerleave: () => (this.hoveredKey = -1),
        click: () => undefined,
        keydown: (e) => this.handleKeyListKey(e),
        focus: () => {
          if (this.keyCursor < 0) this.keyCursor = 0;
        },
        blur: () => (this.keyCursor = -1),
      },
    });
  }

  private renderMatrix(layout: NeuronLayout): TemplateResult {
    const x0 = layout.columns[0]!.x;
    return html`<div
      class="matrix"
      part="matrix"
      role="group"
      tabindex="0"
      aria-label="Vectors and scores of each key: arrow keys move a cell cursor, Enter highlights its dimension"
      aria-describedby="readout"
      style=${styleMap({ left: `${x0}px`, width: `${layout.width - x0}px`, height: `${layout.height}px` })}
      @pointermove=${this.handleMatrixPointer}
      @pointerleave=${this.handleCellLeave}
      @click=${this.handleCellClick}
      @keydown=${this.handleMatrixKey}
      @focus=${() => {
        if (!this.cellCursor) this.cellCursor = { row: 0, column: 'k', dim: this.order[0] ?? 0 };
      }}
      @blur=${() => (this.cellCursor = null)}
    ></div>`;
  }

  private renderReadout(c: AttentionComponent): TemplateResult {
    const row = this.row!;
    const { start } = this.keyRange();
    const quote = (t: DisplayToken | undefined) =>
      t ? `“${t.kind === 'continuation' ? '##' : ''}${t.text}”` : '';
    const query = this.shownQuery;
    const head = html`Query ${c.queryStart + query} ${quote(this.leftTokens[query])} · layer
    ${c.layers[this.layerIndex]} · head ${c.heads[this.headIndex]}`;
    const cell = this.hoveredCell ?? this.cellCursor;
    const key = cell && cell.row >= 0 ? cell.row : this.hoveredKey >= 0 ? this.hoveredKey : this.keyCursor;
    let detail: TemplateResult;
    if (cell && cell.row < 0) {
      const value = cell.column === 'v' ? this.mix!.output[cell.dim]! : row.q[cell.dim]!;
      detail = html`${cell.column === 'v' ? 'Σα·v' : 'q'} · dimension ${cell.dim}:
        <span class="num">${formatExact(value)}</span>`;
    } else if (key >= 0) {
      const k = start + key;
      const parts: TemplateResult[] = [];
      if (cell && cell.dim >= 0) {
        const D = row.dim;
        const vectorValue =
          cell.column === 'v'
            ? this.valueAt(k, cell.dim)
            : cell.column === 'qk'
              ? row.products[k * D + cell.dim]!
              : this.keyAt(k, cell.dim);
        parts.push(
          html`dimension ${cell.dim}: ${cell.column === 'v' ? 'v' : cell.column === 'qk' ? 'q×k' : 'k'} =
            <span class="num">${formatExact(vectorValue)}</span>
            ${
              cell.column === 'qk'
                ? html`(q = <span class="num">${formatExact(row.q[cell.dim]!)}</span>, k =
                    <span class="num">${formatExact(this.keyAt(k, cell.dim))}</span>)`
                : cell.column === 'k'
                  ? html`(q = <span class="num">${formatExact(row.q[cell.dim]!)}</span>)`
                  : nothing
            }
            ·`,
        );
      }
      const hidden = row.hidden[k] === 1;
      const reported = headMatrix(this.source!, this.layerIndex, this.headIndex)[
        row.query * this.source!.shape[3] + k
      ]!;
      parts.push(
        hidden
          ? html`hidden by the causal mask: the query never sees this key`
          : html`q·k${row.scale !== 1 ? '/√d' : ''} = <span class="num">${formatExact(row.dots[k]!)}</span> ·
              softmax <span class="num">${formatExact(row.softmax[k]!)}</span> · attention in the data
              <span class="num">${formatExact(reported)}</span>
              ${
                this.mix
                  ? html`· ‖v‖ <span class="num">${formatExact(this.mix.valueNorms[k]!)}</span> · ‖α·v‖
                      <span class="num">${formatExact(this.mix.weightedNorms[k]!)}</span>`
                  : nothing
              }`,
      );
      detail = html`Key ${c.keyStart + key} ${quote(this.rightTokens[key])}:
      ${parts.map((p, i) => (i ? html` ${p}` : p))}`;
    } else {
      const top = dimensionOrder(this.contributions).slice(0, 5);
      detail = html`<span class="hint"
        >Dimensions driving q·k (mean |q×k|):
        ${top.map((d, i) => html`${i ? ', ' : ''}${d} (${this.contributions[d]!.toPrecision(3)})`)}. Hover or
        use arrow keys for exact values; click a cell to highlight its dimension.</span
      >`;
    }
    return html`<div class="readout" id="readout" part="readout" aria-live="polite">
      <div>${head}</div>
      <div>${detail}</div>
    </div>`;
  }

  private keyAt(k: number, dim: number): number {
    const keys = this.source!.keys!;
    const [, H, T, D] = keys.shape;
    return keys.data[((this.layerIndex * H + this.headIndex) * T + k) * D + dim]!;
  }

  private valueAt(k: number, dim: number): number {
    const values = this.source!.values!;
    const [, H, T, D] = values.shape;
    return values.data[((this.layerIndex * H + this.headIndex) * T + k) * D + dim]!;
  }

  private headerHeight(): number {
    return HEADER_TITLE + this.rowHeight + 4;
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  private viewHeight(layout: NeuronLayout): number {
    const h = this.viewportSize.height;
    const header = this.headerHeight();
    return Math.max(1, Math.min(layout.height, (h > 0 ? h : this.maxHeight) - header));
  }

  /**
   * A value's colour as one packed RGBA word (little-endian, as `ImageData` bytes read through a
   * `Uint32Array`): blue for positive, orange for negative, over the background by |value| / scale.
   */
  private packed(value: number, scale: number): number {
    const a = Math.min(1, Math.abs(value) / scale);
    return pack(value >= 0 ? this.colors.positive : this.colors.negative, this.colors.background, a);
  }

  /** Fills a rectangle (device pixels, rounded to whole pixels) of a packed image with one colour. */
  private fill(image: PackedImage, x: number, y: number, w: number, h: number, color: number): void {
    const x0 = Math.max(0, Math.round(x));
    const x1 = Math.min(image.width, Math.round(x + w));
    const y0 = Math.max(0, Math.round(y));
    const y1 = Math.min(image.height, Math.round(y + h));
    const { words, width } = image;
    for (let py = y0; py < y1; py++) words.fill(color, py * width + x0, py * width + x1);
  }

  /** Paints the header (q and Σα·v) and the visible rows: lines, vector cells and scalar cells. */
  private draw(): void {
    const layout = this.layout;
    const row = this.row;
    const c = this.component;
    if (!layout || !row || !c || this.error) return;
    const dpr = window.devicePixelRatio || 1;
    this.drawHeader(layout, row, dpr);
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('.body-canvas');
    if (!canvas) return;
    const viewHeight = this.viewHeight(layout);
    const ctx = prepareCanvas(canvas, layout.width, viewHeight, dpr);
    if (!ctx) return;
    const h = canvas.height;
    // Lines from the query shown to every key, weighted by the data's attention.
    const src = {
      component: c,
      layerIndex: this.layerIndex,
      heads: [this.headIndex],
      layout: layout.tokens,
      top: 0,
      weightScale: 1,
    };
    focusLines(src, 'query', this.shownQuery, 'full', this.lines);
    const band = {
      lines: this.lines,
      palette: this.palette,
      lineWidth: this.lineWidth,
      linesX0: layout.tokens.linesX0,
      linesX1: layout.tokens.linesX1,
    };
    const image = this.linesRaster.draw(++this.draws, band, this.viewScroll, viewHeight, dpr);
    ctx.putImageData(image, Math.round(layout.tokens.linesX0 * dpr), 0);
    // Cells of the visible key rows.
    const x0 = layout.columns[0]!.x;
    const mw = Math.max(1, Math.ceil((layout.width - x0) * dpr));
    const cells = this.packedImage('cells', mw, h);
    const t = layout.tokens;
    const [from, to] = visibleRows(t, this.viewScroll, this.viewScroll + viewHeight, c.shape[3]);
    const { start } = this.keyRange();
    const D = row.dim;
    const texts: { x: number; y: number; text: string; ink: string }[] = [];
    const hiddenColor = pack(this.colors.hidden, this.colors.hidden, 1);
    for (let key = from; key < to; key++) {
      const k = start + key;
      const y = (t.padding + key * t.rowHeight - this.viewScroll) * dpr;
      const rh = (t.rowHeight - 2) * dpr;
      const hidden = row.hidden[k] === 1;
      // Paint one pixel line of the row's cells, then copy it down the row's height.
      const line = Math.round(y);
      if (line >= h || line + rh <= 0) continue;
      const paintLine = Math.max(0, line);
      for (const col of layout.columns) {
        const cx = (col.x - x0) * dpr;
        if (col.vector) {
          const cw = layout.cell * dpr;
          for (let j = 0; j < D; j++) {
            const dim = this.order[j]!;
            const value =
              col.id === 'k'
                ? this.keyAt(k, dim)
                : col.id === 'qk'
                  ? row.products[k * D + dim]!
                  : this.valueAt(k, dim);
            const scale = col.id === 'k' ? this.scales.k : col.id === 'qk' ? this.scales.qk : this.scales.v;
            const color = hidden && col.id === 'qk' ? hiddenColor : this.packed(value, scale);
            this.fill(cells, cx + j * cw, paintLine, cw, 1, color);
          }
        } else {
          const value =
            col.id === 'dot'
              ? row.dots[k]!
              : col.id === 'softmax'
                ? row.softmax[k]!
                : this.mix!.weightedNorms[k]!;
          const scale = col.id === 'dot' ? this.scales.dot : col.id === 'softmax' ? 1 : this.scales.norm;
          const color = hidden ? hiddenColor : this.packed(value, scale);
          this.fill(cells, cx, paintLine, col.width * dpr, 1, color);
          if (!hidden) {
            // Black or white text, whichever reads better on the cell's colour.
            const rgb: Rgb = [(color & 255) / 255, ((color >>> 8) & 255) / 255, ((color >>> 16) & 255) / 255];
            texts.push({
              x: col.x + col.width - 4,
              y: t.padding + (key + 0.5) * t.rowHeight - this.viewScroll,
              text: value.toFixed(3),
              ink: inkOn(rgb),
            });
          }
        }
      }
      const { words, width } = cells;
      const last = Math.min(h, Math.round(y + rh));
      for (let py = paintLine + 1; py < last; py++)
        words.copyWithin(py * width, paintLine * width, (paintLine + 1) * width);
    }
    ctx.putImageData(cells.image, Math.round(x0 * dpr), 0);
    ctx.save();
    ctx.scale(dpr, dpr);
    ctx.font = this.colors.font;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const text of texts) {
      ctx.fillStyle = text.ink;
      ctx.fillText(text.text, text.x, text.y);
    }
    this.outlineNeuronAndCursor(ctx, layout, from, to, false);
    ctx.restore();
  }

  private drawHeader(layout: NeuronLayout, row: NeuronRow, dpr: number): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('.header-canvas');
    if (!canvas) return;
    const ctx = prepareCanvas(canvas, layout.width, this.headerHeight(), dpr);
    if (!ctx) return;
    const image = this.packedImage('header', canvas.width, canvas.height);
    const y = (HEADER_TITLE + 1) * dpr;
    const rh = (this.rowHeight - 2) * dpr;
    for (const col of layout.columns) {
      if (col.id !== 'k' && col.id !== 'v') continue;
      const cw = layout.cell * dpr;
      for (let j = 0; j < row.dim; j++) {
        const dim = this.order[j]!;
        const value = col.id === 'k' ? row.q[dim]! : this.mix!.output[dim]!;
        this.fill(
          image,
          col.x * dpr + j * cw,
          y,
          cw,
          rh,
          this.packed(value, col.id === 'k' ? this.scales.q : this.scales.v),
        );
      }
    }
    ctx.putImageData(image.image, 0, 0);
    ctx.save();
    ctx.scale(dpr, dpr);
    ctx.font = this.colors.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = this.colors.foreground;
    ctx.textAlign = 'right';
    const k = layout.columns.find((col) => col.id === 'k')!;
    ctx.fillText('q', k.x - 3, HEADER_TITLE + this.rowHeight / 2);
    const v = layout.columns.find((col) => col.id === 'v');
    if (v) ctx.fillText('Σα·v', v.x - 3, HEADER_TITLE + this.rowHeight / 2);
    this.outlineNeuronAndCursor(ctx, layout, 0, 0, true);
    ctx.restore();
  }

  /** Outlines the highlighted neuron's cells and the cell under the cursor (CSS pixels). */
  private outlineNeuronAndCursor(
    ctx: CanvasRenderingContext2D,
    layout: NeuronLayout,
    from: number,
    to: number,
    header: boolean,
  ): void {
    const t = layout.tokens;
    const rowTop = (key: number) =>
      header ? HEADER_TITLE + 1 : t.padding + key * t.rowHeight - this.viewScroll;
    const rh = this.rowHeight - 2;
    const slot = (dim: number) => this.order.indexOf(dim);
    ctx.lineWidth = 1.5;
    if (this.neuron !== undefined && this.neuron !== null) {
      ctx.strokeStyle = this.colors.highlight;
      const j = slot(this.neuron);
      for (const col of layout.columns) {
        if (!col.vector || (header && col.id === 'qk')) continue;
        const x = col.x + j * layout.cell;
        const top = header ? rowTop(0) : rowTop(from);
        const bottom = header ? top + rh : rowTop(to);
        ctx.strokeRect(x - 0.75, top - 0.75, layout.cell + 1.5, bottom - top + 1.5);
      }
    }
    const cell = this.hoveredCell ?? this.cellCursor;
    if (!cell || cell.row < 0 !== header) return;
    const col = layout.columns.find((c) => c.id === cell.column);
    if (!col) return;
    const x = col.vector ? col.x + slot(cell.dim) * layout.cell : col.x;
    const width = col.vector ? layout.cell : col.width;
    ctx.strokeStyle = this.colors.accent;
    ctx.strokeRect(x - 1, rowTop(Math.max(0, cell.row)) - 1, width + 2, rh + 2);
  }

  /** A cleared image of this size, reused between frames (allocating megabytes per frame costs). */
  private packedImage(name: 'cells' | 'header', width: number, height: number): PackedImage {
    let image = this.images[name];
    if (!image || image.width !== width || image.height !== height) {
      const data = new ImageData(width, height);
      image = { image: data, words: new Uint32Array(data.data.buffer), width, height };
      this.images[name] = image;
    } else {
      image.words.fill(0);
    }
    return image;
  }

  private images: Partial<Record<'cells' | 'header', PackedImage>> = {};

  /** The cell under a point of the matrix (x from the first column, y in row coordinates). */
  private cellAt(x: number, y: number, header: boolean): MatrixCell | null {
    const layout = this.layout!;
    const t = layout.tokens;
    const row = header ? -1 : Math.floor((y - t.padding) / t.rowHeight);
    if (!header && (row < 0 || row >= this.component!.shape[3])) return null;
    for (const col of layout.columns) {
      if (x < col.x || x >= col.x + col.width) continue;
      if (header && col.id !== 'k' && col.id !== 'v') return null;
      if (!col.vector) return { row, column: col.id, dim: -1 };
      const j = Math.floor((x - col.x) / layout.cell);
      return { row, column: col.id, dim: this.order[j] ?? 0 };
    }
    return null;
  }

  private readonly handleMatrixPointer = (e: PointerEvent): void => {
    const layout = this.layout!;
    const x = layout.columns[0]!.x + e.offsetX;
    const cell = this.cellAt(x, e.offsetY, false);
    if (!sameCell(cell, this.hoveredCell)) this.hoveredCell = cell;
  };

  private readonly handleHeaderPointer = (e: PointerEvent): void => {
    const cell = this.cellAt(e.offsetX, 0, true);
    if (!sameCell(cell, this.hoveredCell)) this.hoveredCell = cell;
  };

  private readonly handleCellLeave = (): void => {
    this.hoveredCell = null;
  };

  private readonly handleCellClick = (): void => {
    const cell = this.hoveredCell;
    if (cell && cell.dim >= 0) this.setNeuron(this.neuron === cell.dim ? null : cell.dim);
  };

  private readonly handleMatrixKey = (e: KeyboardEvent): void => {
    const layout = this.layout;
    const c = this.component;
    if (!layout || !c) return;
    const cursor = this.cellCursor ?? { row: 0, column: 'k' as NeuronColumnId, dim: this.order[0] ?? 0 };
    // Flatten the columns into slots: every dimension of a vector column, one per scalar column.
    const slots: { column: NeuronColumn; dim: number }[] = layout.columns.flatMap((col) =>
      col.vector ? this.order.map((dim) => ({ column: col, dim })) : [{ column: col, dim: -1 }],
    );
    let i = slots.findIndex((s) => s.column.id === cursor.column && s.dim === cursor.dim);
    if (i < 0) i = 0;
    let row = cursor.row;
    const K = c.shape[3];
    if (e.key === 'ArrowRight') i = Math.min(slots.length - 1, i + 1);
    else if (e.key === 'ArrowLeft') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowDown') row = Math.min(K - 1, row + 1);
    else if (e.key === 'ArrowUp') {
      // Above the first key: the header's q (over k) and Σα·v (over v).
      const header = cursor.column === 'k' || cursor.column === 'v';
      row = Math.max(header ? -1 : 0, row - 1);
    } else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = slots.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (cursor.dim >= 0) this.setNeuron(this.neuron === cursor.dim ? null : cursor.dim);
      return;
    } else if (e.key === 'Escape' && this.neuron !== undefined && this.neuron !== null) {
      e.preventDefault();
      this.setNeuron(null);
      return;
    } else return;
    e.preventDefault();
    const slotAt = slots[i]!;
    if (row < 0 && slotAt.column.id !== 'k' && slotAt.column.id !== 'v') row = 0;
    this.cellCursor = { row, column: slotAt.column.id, dim: slotAt.dim };
    if (row >= 0) this.scrollRowIntoView(row);
  };

  private handleQueryKey(e: KeyboardEvent): void {
    const Q = this.component!.shape[2];
    const page = Math.max(1, Math.floor(this.viewHeight(this.layout!) / this.layout!.tokens.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.queryIndex + 1,
      ArrowUp: this.queryIndex - 1,
      PageDown: this.queryIndex + page,
      PageUp: this.queryIndex - page,
      Home: 0,
      End: Q - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(Q - 1, moves[e.key]!));
      this.selectQuery(next);
      this.scrollRowIntoView(next);
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      this.renderRoot.querySelector<HTMLElement>('.column.key')?.focus();
    }
  }

  private handleKeyListKey(e: KeyboardEvent): void {
    const K = this.component!.shape[3];
    const moves: Record<string, number> = {
      ArrowDown: this.keyCursor + 1,
      ArrowUp: this.keyCursor - 1,
      Home: 0,
      End: K - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.keyCursor = Math.max(0, Math.min(K - 1, moves[e.key]!));
      this.scrollRowIntoView(this.keyCursor);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      this.renderRoot.querySelector<HTMLElement>('.column.query')?.focus();
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      const matrix = this.renderRoot.querySelector<HTMLElement>('.matrix');
      this.cellCursor = { row: Math.max(0, this.keyCursor), column: 'k', dim: this.order[0] ?? 0 };
      matrix?.focus();
    }
  }

  private selectQuery(index: number): void {
    const position = this.component!.queryStart + index;
    this.hoveredQuery = -1;
    if (this.token !== position || this.queryIndex !== index) this.token = position;
  }

  private setNeuron(neuron: number | null): void {
    this.neuron = neuron ?? undefined;
    fire(this, 'attn-neuron-change', { neuron });
  }

  private fireQueryIfChanged(): void {
    const c = this.component;
    if (!c) return;
    const key = `${c.queryStart + this.queryIndex}|${this.currentFilter}`;
    if (key === this.lastQueryKey) return;
    const first = this.lastQueryKey === '';
    this.lastQueryKey = key;
    if (first) return;
    fire(this, 'attn-token-focus', {
      side: 'query',
      index: this.queryIndex,
      position: c.queryStart + this.queryIndex,
      token: c.queryTokens[this.queryIndex]!,
      pinned: true,
    });
  }

  private scrollRowIntoView(index: number): void {
    const viewport = this.viewport;
    const layout = this.layout;
    if (!viewport || !layout) return;
    const t = layout.tokens;
    const header = this.headerHeight();
    const top = t.padding + index * t.rowHeight;
    const bottom = top + t.rowHeight;
    const visible = viewport.clientHeight - header;
    if (top < viewport.scrollTop) viewport.scrollTop = top - t.padding;
    else if (bottom > viewport.scrollTop + visible) viewport.scrollTop = bottom - visible + t.padding;
  }

  private readonly handleScroll = (e: Event): void => {
    this.viewScroll = (e.currentTarget as HTMLElement).scrollTop;
    const layout = this.layout;
    if (!layout) return;
    const viewHeight = this.viewHeight(layout);
    const rows = Math.max(this.component!.shape[2], this.component!.shape[3]);
    const [first, last] = visibleRows(layout.tokens, this.viewScroll, this.viewScroll + viewHeight, rows);
    const [from, to] = this.renderedRows;
    if (first < from || last > Math.min(rows, to)) this.requestUpdate();
    else this.draw();
  };

  private handleLayerChange(e: Event): void {
    const layer = Number((e.target as HTMLSelectElement).value);
    this.layer = layer;
    fire(this, 'attn-layer-change', { layer });
  }

  private handleHeadChange(e: Event): void {
    const head = Number((e.target as HTMLSelectElement).value);
    this.head = head;
    fire(this, 'attn-heads-change', { heads: [head] });
  }

  private handleFilterChange(e: Event): void {
    const filter = (e.target as HTMLSelectElement).value as typeof this.filter & string;
    this.filter = filter;
    this.token = undefined;
    fire(this, 'attn-filter-change', { filter });
  }

  private handleOrderChange(e: Event): void {
    this.dimensionOrder = (e.target as HTMLSelectElement).value as DimensionOrder;
  }
}

/** An `ImageData` with a 32-bit view of its pixels. */
interface PackedImage {
  readonly image: ImageData;
  readonly words: Uint32Array;
  readonly width: number;
  readonly height: number;
}

/** `color` over `background` at opacity `a`, as one opaque RGBA word (little-endian byte order). */
function pack(color: Rgb, background: Rgb, a: number): number {
  const r = Math.round((color[0] * a + background[0] * (1 - a)) * 255);
  const g = Math.round((color[1] * a + background[1] * (1 - a)) * 255);
  const b = Math.round((color[2] * a + background[2] * (1 - a)) * 255);
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

function indexOf(e: Event): number {
  const el = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
  return el ? Number(el.dataset['index']) : -1;
}

function sameCell(a: MatrixCell | null, b: MatrixCell | null): boolean {
  return a === b || (!!a && !!b && a.row === b.row && a.column === b.column && a.dim === b.dim);
}
