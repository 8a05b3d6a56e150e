import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AttentionDataError } from '../../core/errors.js';
import { applyFilter, availableFilters } from '../../core/filters.js';
import { hasVectors } from '../../core/neuron.js';
import { componentTokens, type DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent, AttentionData } from '../../core/types.js';
import { computeNeuron, isHidden, type NeuronComputation } from '../../render/neuron-cells.js';
import { firstCell, moveInList, neuronLayout, type NeuronLayout } from '../../render/neuron-layout.js';
import { neuronScene, type NeuronShown, type NeuronStyle } from '../../render/neuron-scene.js';
import type { Scene } from '../../render/scene.js';
import { AttnView } from '../shared/attn-view.js';
import { keyword, optionalIndex, received } from '../shared/attributes.js';
import { inkOn } from '../shared/colors.js';
import { fire } from '../shared/events.js';
import { ResizeController } from '../shared/resize-controller.js';
import { resolveHead, resolveLayer } from '../shared/selection.js';
import { scrollViewStyles, tokenStyles, viewStyles } from '../shared/styles.js';
import { themeStyles } from '../shared/theme.js';
import { CellCursor, KeyCursor } from './neuron-cursor.js';
import { exportTitle, keyTitle, queryNote, renderReadout, type ReadoutInput } from './neuron-readout.js';
import { NeuronPainter } from './neuron-view-painter.js';
import { columnTitles, DIMENSION_ORDERS, renderColumns, renderGrid } from './neuron-view-parts.js';
import { renderNoVectors, renderToolbar, renderWarning, type DimensionOrder } from './neuron-view-parts.js';
import { neuronViewStyles } from './neuron-view.styles.js';
import { RowScroller } from './row-scroller.js';

export type { DimensionOrder };

/** What the computation depends on: hovering a cell or a key re-renders without it. */
const COMPUTE_INPUTS = ['data', 'filter', 'layer', 'head', 'token', 'dimensionOrder', 'hoveredQuery'];

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
 * @fires attn-token-focus - The user selected another query (click, arrow keys). `detail: {side: 'query', index, position, token, pinned: true}`.
 * @fires attn-neuron-change - The user highlighted a dimension, or cleared it. `detail: {neuron}` (index or null).
 *
 * @csspart toolbar - The bar of controls.
 * @csspart layer-select - The layer selector.
 * @csspart head-select - The head selector.
 * @csspart filter-select - The sentence-pair / encoder-decoder selector.
 * @csspart order-select - The dimension order selector.
 * @csspart export-button - The PNG and SVG buttons.
 * @csspart warning - The message shown when softmax(q·k) differs from the data's attention.
 * @csspart note - Why a query shows little (e.g. a causal model's first query sees one key).
 * @csspart viewport - The scrolling area.
 * @csspart token - A token label.
 * @csspart matrix - The area of vector and scalar cells (focusable; arrow keys move a cell cursor).
 * @csspart readout - The panel with the exact values under the pointer or cursor.
 * @csspart empty - What the view needs and lacks (no data, or attention without vectors).
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

  /** The query previewed under the pointer: the computation follows it. */
  @state() private hoveredQuery: number | null = null;

  /** The component shown (a pair block, or a whole component). */
  private component: AttentionComponent | undefined;
  /** The component the computation runs on: the whole input, so that softmax sees every key. */
  private source: AttentionComponent | undefined;
  private layerIndex = 0;
  private headIndex = 0;
  private queryIndex = 0;
  private neuronIndex: number | null = null;
  private leftTokens: DisplayToken[] = [];
  private rightTokens: DisplayToken[] = [];
  private layout: NeuronLayout | undefined;
  /** The shown query's computation; undefined once an input changed, or for data without vectors. */
  private computed: (NeuronComputation & { readonly note: string | undefined }) | undefined;
  private drawStyle: NeuronStyle | undefined;
  private readonly painter = new NeuronPainter();
  private readonly hostSize = new ResizeController(this);
  private readonly scroller = new RowScroller(
    this,
    () => this.renderRoot.querySelector<HTMLElement>('.viewport'),
    () => this.themeTokens.pixels('--attn-max-height', 576, 16),
    () => this.paint(),
    () => this.requestUpdate(),
  );
  private readonly cell = new CellCursor(this, () => this.shown, {
    toggle: (dim) => this.setNeuron(this.neuronIndex === dim ? null : dim),
    clear: () => this.neuronIndex !== null && (this.setNeuron(null), true),
    reveal: (row) => this.reveal(row),
  });
  private readonly keys = new KeyCursor(this, () => this.component?.shape[3] ?? 0, {
    page: () => (this.layout ? this.scroller.page(this.layout) : 1),
    reveal: (row) => this.reveal(row),
    left: () => this.renderRoot.querySelector<HTMLElement>('.column.query')?.focus(),
    right: (row) => {
      this.cell.place(firstCell(this.computed!.cells.order, row));
      this.renderRoot.querySelector<HTMLElement>('.matrix')?.focus();
    },
  });

  protected override dataChanged(): void {
    this.component = undefined;
  }

  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    // Cleared before any check can throw, so that the update after an error computes again.
    if (COMPUTE_INPUTS.some((name) => changed.has(name as keyof AttnNeuronView))) this.computed = undefined;
    // Removing the attribute sets the property to null: back to the default.
    keyword(this, 'dimension-order', (this.dimensionOrder ??= 'none'), DIMENSION_ORDERS);
    keyword(this, 'filter', this.currentFilter, availableFilters(data));
    if (!this.component || changed.has('filter')) this.deriveComponent(data);
    const c = this.component!;
    this.layerIndex = resolveLayer(this, c, this.layer, data.hints);
    this.headIndex = resolveHead(this, c, this.head, data.hints);
    this.queryIndex = this.resolveToken(c);
    if (this.themeTokens.read() || !this.drawStyle || changed.has('data')) this.readStyle(c);
    if (!hasVectors(this.source!)) return;
    const D = this.source!.queries!.shape[3];
    const neuron = optionalIndex(this, 'neuron', this.neuron);
    if (neuron !== undefined && neuron >= D) {
      throw new AttentionDataError('neuron', `a dimension from 0 to ${D - 1}`, String(neuron));
    }
    this.neuronIndex = neuron ?? null;
    if (!this.computed) this.compute();
    this.layout = neuronLayout({
      width: Math.floor(this.hostSize.width) || 900,
      queryCount: c.shape[2],
      keyCount: c.shape[3],
      dim: D,
      rowHeight: this.themeTokens.pixels('--attn-row-height', 22),
      values: this.source!.values !== undefined,
    });
  }

  protected override get drawing(): boolean {
    // Every draw is whole and synchronous (in `updated`, or on scroll): no frame is left to draw.
    return false;
  }

  protected override exportScene(): Scene {
    const shown = this.shown;
    if (!shown || this.error) {
      throw new Error(`attn-neuron-view: nothing to export (${this.error ?? 'no query and key vectors'})`);
    }
    const readout = this.readoutInput(shown);
    return neuronScene(shown, {
      queryTokens: this.leftTokens,
      keyTokens: this.rightTokens,
      title: exportTitle(readout, this.currentFilter, this.neuronIndex),
      columnTitles: columnTitles(this.dimensionOrder),
      rowTitle: (key) => keyTitle(readout, key),
      ink: inkOn,
    });
  }

  protected override exportName(): string {
    const c = this.component;
    if (!c) return 'neuron';
    const [layer, head] = [c.layers[this.layerIndex], c.heads[this.headIndex]];
    return `neuron-layer${layer}-head${head}-token${c.queryStart + this.queryIndex}`;
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.renderStatus();
    if (status) return status;
    const { component: c, computed, shown } = this;
    if (!c) return nothing;
    if (!computed || !shown)
      return html`${this.renderToolbar(c, false)}${renderNoVectors(this.currentFilter, this.words || this.aggregate !== 'none')}`;
    const { layout, cells } = shown;
    const columns = renderColumns({
      layout,
      rows: this.scroller.rows(layout, Math.max(c.shape[2], c.shape[3])),
      component: c,
      queryTokens: this.leftTokens,
      keyTokens: this.rightTokens,
      query: this.queryIndex,
      hoveredQuery: this.hoveredQuery,
      keys: this.keys,
      hidden: (key) => isHidden(cells, key),
      onQueryHover: (query) => (this.hoveredQuery = query),
      onQuerySelect: (query) => this.selectQuery(query),
      onQueryKey: (e) => this.handleQueryKey(e),
    });
    const titles = columnTitles(this.dimensionOrder);
    const onScroll = (e: Event) => this.scroller.scrolled(e, this.layout, Math.max(c.shape[2], c.shape[3]));
    return html`${this.renderProgress()} ${this.renderToolbar(c, true)}
    ${renderWarning(computed.check, this.source!, c, this.rightTokens)}
    ${computed.note ? html`<p class="note" part="note" role="status">${computed.note}</p>` : nothing}
    ${renderGrid({ layout, titles, columns, cells: this.cell, keys: this.keys, onScroll })}
    ${renderReadout(this.readoutInput(shown))} `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('token')) this.reveal(this.queryIndex);
    this.paint();
  }

  private renderToolbar(c: AttentionComponent, cells: boolean): TemplateResult {
    return renderToolbar({
      component: c,
      layerIndex: this.layerIndex,
      headIndex: this.headIndex,
      filters: this.parsed ? availableFilters(this.parsed) : [],
      filter: this.currentFilter,
      cells,
      order: this.dimensionOrder,
      neuron: this.neuronIndex,
      onLayer: (layer) => {
        this.layer = layer;
        fire(this, 'attn-layer-change', { layer });
      },
      onHead: (head) => {
        this.head = head;
        fire(this, 'attn-heads-change', { heads: [head] });
      },
      onFilter: (filter) => {
        this.filter = filter;
        this.token = undefined;
        fire(this, 'attn-filter-change', { filter });
      },
      onOrder: (order) => (this.dimensionOrder = order),
      onClearNeuron: () => this.setNeuron(null),
      onExport: (format) => void this.download(format),
      tokens: this.tokenChoices(false),
    });
  }

  private deriveComponent(data: AttentionData): void {
    const filter = this.currentFilter;
    const shown = applyFilter(data, filter);
    const pair = filter === 'aa' || filter === 'bb' || filter === 'ab' || filter === 'ba';
    this.component = shown;
    this.source = pair ? applyFilter(data, 'all') : shown;
    const left = (this.leftTokens = componentTokens(shown, 'query'));
    this.rightTokens = shown.keyTokens === shown.queryTokens ? left : componentTokens(shown, 'key');
    this.hoveredQuery = null;
    this.cell.reset();
    this.keys.reset();
  }

  /** Index of the selected query: the `token` attribute (a model position), else the first ordinary token. */
  private resolveToken(c: AttentionComponent): number {
    const token = optionalIndex(this, 'token', this.token);
    const ordinary = this.leftTokens.findIndex((t) => t.kind !== 'special');
    if (token === undefined) return Math.max(0, ordinary);
    const Q = c.shape[2];
    if (token < c.queryStart || token >= c.queryStart + Q) {
      const expected = `a query position from ${c.queryStart} to ${c.queryStart + Q - 1}`;
      throw new AttentionDataError('token', expected, received(this, 'token', this.token));
    }
    return token - c.queryStart;
  }

  private readStyle(c: AttentionComponent): void {
    const t = this.themeTokens;
    this.drawStyle = {
      colors: {
        background: t.background,
        foreground: t.foreground,
        positive: t.color('--attn-positive', [0.04, 0.41, 0.85]),
        negative: t.color('--attn-negative', [0.77, 0.36, 0]),
        hidden: t.mix(t.color('--attn-border', [0.8, 0.8, 0.8]), 0.4),
        muted: t.color('--attn-muted', [0.35, 0.39, 0.43]),
        pinned: t.color('--attn-pinned', [1, 0.95, 0.76]),
        accent: t.color('--attn-accent', [0.03, 0.34, 0.76]),
        highlight: t.color('--attn-highlight', [0.74, 0.3, 0]),
        special: t.color('--attn-special-token', [0.51, 0.31, 0.87]),
      },
      palette: t.palette(Math.max(...c.heads) + 1),
      lineWidth: t.pixels('--attn-line-width', 2),
      font: t.font(),
      smallFont: t.font(t.fontSize - 2),
      numberFont: t.font(Math.max(9, t.fontSize - 2), true),
    };
    this.painter.reset();
  }

  /** The query under the pointer, else the selected one. */
  private get shownQuery(): number {
    return this.hoveredQuery ?? this.queryIndex;
  }

  /** Runs the head's computation for the query shown. */
  private compute(): void {
    const c = this.component!;
    const sort = this.dimensionOrder === 'contribution';
    const query = this.shownQuery;
    const r = computeNeuron(this.source!, c, this.layerIndex, this.headIndex, query, this.queryIndex, sort);
    this.computed = { ...r, note: queryNote(r.cells, c, this.leftTokens, query, this.headIndex) };
  }

  /** What is drawn, or undefined when there is nothing (no data, no vectors). */
  private get shown(): NeuronShown | undefined {
    const { layout, component, drawStyle: style } = this;
    const cells = this.computed?.cells;
    if (!layout || !cells || !component || !style) return undefined;
    const { layerIndex, headIndex, neuronIndex: neuron } = this;
    return { layout, cells, component, layerIndex, headIndex, query: this.shownQuery, neuron, style };
  }

  private readoutInput(shown: NeuronShown): ReadoutInput {
    const { computed, cell } = this;
    const key = typeof cell.current?.row === 'number' ? cell.current.row : this.keys.current;
    const { reported, contributions } = computed!;
    const [queryTokens, keyTokens] = [this.leftTokens, this.rightTokens];
    return { shown, queryTokens, keyTokens, reported, contributions, cell: cell.current, key };
  }

  /** Paints the header band and the rows in view. */
  private paint(): void {
    const shown = this.shown;
    const header = this.renderRoot.querySelector<HTMLCanvasElement>('.header-canvas');
    const body = this.renderRoot.querySelector<HTMLCanvasElement>('.body-canvas');
    if (!shown || !header || !body || this.error) return;
    const [scroll, height] = [this.scroller.top, this.scroller.height(shown.layout)];
    const view = { scroll, height, cursor: this.cell.current, dpr: window.devicePixelRatio || 1 };
    this.painter.paintHeader(header, shown, view);
    this.painter.paintBody(body, shown, view);
    this.drawn();
  }

  private handleQueryKey(e: KeyboardEvent): void {
    const page = this.scroller.page(this.layout!);
    const next = moveInList(e.key, this.queryIndex, this.component!.shape[2], page);
    if (next !== null) {
      e.preventDefault();
      this.selectQuery(next);
      this.reveal(next);
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      this.renderRoot.querySelector<HTMLElement>('.column.key')?.focus();
    }
  }

  /** Selects a query (reflected as `token`), and tells the page when it is another one. */
  private selectQuery(index: number): void {
    const c = this.component!;
    const changed = index !== this.queryIndex;
    this.hoveredQuery = null;
    this.token = c.queryStart + index;
    if (!changed) return;
    const detail = { side: 'query', index, position: c.queryStart + index, pinned: true } as const;
    fire(this, 'attn-token-focus', { ...detail, token: c.queryTokens[index]! });
  }

  private setNeuron(neuron: number | null): void {
    this.neuron = neuron ?? undefined;
    fire(this, 'attn-neuron-change', { neuron });
  }

  private reveal(row: number): void {
    if (this.layout) this.scroller.reveal(this.layout, row);
  }
}
