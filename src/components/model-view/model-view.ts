import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { applyFilter, availableFilters, FILTER_LABELS, selectSubset } from '../../core/filters.js';
import { SUMMARY_LABELS, SUMMARY_NAMES, type HeadSummaries, type SummaryName } from '../../core/summaries.js';
import { headName, layerName } from '../../core/labels.js';
import type { AttentionComponent } from '../../core/types.js';
import { gridLayout, type GridLayout } from '../../render/grid-layout.js';
import { headOrder, highlightSet, SORT_ORDERS, type SortOrder } from '../../render/grid-order.js';
import type { Scene } from '../../render/scene.js';
import { blankHeads, THUMBNAIL_MODES, type ThumbnailMode } from '../../render/thumbnails.js';
import { AttnView } from '../shared/attn-view.js';
import { keyword, numberList, numberListConverter, optionalNumber } from '../shared/attributes.js';
import { fire } from '../shared/events.js';
import { ResizeController } from '../shared/resize-controller.js';
import { viewStyles } from '../shared/styles.js';
import { inheritTokens, themeStyles, type ThemeName } from '../shared/theme.js';
import { DetailPanel, resolveSelection, type DetailHandlers, type DetailState } from './model-view-detail.js';
import { GridFocusController } from './model-view-focus.js';
import {
  describeShape,
  GRID,
  gridExport,
  renderGrid,
  renderNotice,
  rowLabelWidth,
  statusText,
  SummaryStore,
  type GridView,
} from './model-view-grid.js';
import { GridPainter, tileSource, type TilePlacement, type TileSource } from './model-view-painter.js';
import { renderToolbar, type ToolbarHandlers } from './model-view-toolbar.js';
import { modelViewStyles } from './model-view.styles.js';

export type { SortOrder, ThumbnailMode };

const SUMMARIES: readonly (SummaryName | 'none')[] = ['none', ...SUMMARY_NAMES];
/** The detail goes beside the grid when the host has this much room right of it. */
const DETAIL_BESIDE_WIDTH = 480;
/** Heads of at most this many weights get a detail view parked ahead of the first open. */
const PARK_MAX_WEIGHTS = 256 * 256;

/**
 * Every layer and head at a glance, as small multiples: one row per layer, one column per head,
 * each cell a thumbnail of that head's attention (bertviz's model view), drawn on canvas so that
 * 144 heads at 1,000 tokens stay fast. Click or Enter opens a cell in a detail head view.
 *
 * Thumbnails of long inputs are downsampled without dropping weights: a heatmap pixel shows the
 * largest weight of the block of queries × keys it covers (max pooling); a line thumbnail draws
 * one line per pair of pixel rows, as opaque as all of that block's lines drawn over one another.
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
 * @csspart highlight-input - The highlight thresholds.
 * @csspart export-button - The PNG and SVG buttons.
 * @csspart grid - The grid of thumbnails.
 * @csspart cell - One thumbnail's cell.
 * @csspart notice - What the grid says when every head of the filter is empty.
 * @csspart tooltip - The hovered or focused cell's summaries.
 * @csspart detail - The panel holding the opened head's view.
 * @csspart error - The message shown for invalid data or attributes.
 * @csspart empty - The message shown without data.
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
 * Every other `--attn-*` token set on this element reaches the detail view.
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
  @property({ attribute: 'include-layers', converter: numberListConverter })
  includeLayers: readonly number[] | undefined;

  /** Heads shown, by the model's numbers, comma-separated (default: all); fewer heads, wider cells. */
  @property({ attribute: 'include-heads', converter: numberListConverter })
  includeHeads: readonly number[] | undefined;

  /** Per-head summary shown as a badge on every cell: `entropy`, `first`, `previous`, `self`, `delimiters`, or `none`. */
  @property({ reflect: true }) summary: SummaryName | 'none' = 'none';

  /** Order of heads in each row by the summary: `none` (model order), `descending`, `ascending`. */
  @property({ reflect: true }) sort: SortOrder = 'none';

  /** Cells whose summary is at least this stand out and the others dim. */
  @property({ attribute: 'highlight-above', type: Number, reflect: true }) highlightAbove: number | undefined;

  /** Cells whose summary is at most this stand out and the others dim (e.g. low entropy). */
  @property({ attribute: 'highlight-below', type: Number, reflect: true }) highlightBelow: number | undefined;

  /** Opening a cell outlines it and fires `attn-head-select` but shows no detail (for pages with a view of their own). */
  @property({ attribute: 'no-detail', type: Boolean, reflect: true }) noDetail = false;

  /** The opened cell's layer (the model's number), or undefined when no detail view is open. */
  @property({ attribute: 'selected-layer', type: Number, reflect: true }) selectedLayer: number | undefined;

  /** The opened cell's head (the model's number). */
  @property({ attribute: 'selected-head', type: Number, reflect: true }) selectedHead: number | undefined;

  /** The attention shown (filter and subset applied), and what is derived from it. */
  private component: AttentionComponent | undefined;
  private store: SummaryStore | undefined;
  /** 1 for each head (`layer * heads + head`) without any weight. */
  private blank: Uint8Array = new Uint8Array(0);
  /** Head indices of each row, in display order. */
  private order: number[][] = [];
  /** Highlighted heads (`layer * heads + head`), or undefined when no threshold is set. */
  private hits: Set<number> | undefined;
  private layout: GridLayout | undefined;
  private selection: { layer: number; head: number } | null = null;
  /** What the thumbnails are drawn from and where they go: new objects when their inputs change. */
  private source: TileSource | undefined;
  private placement: TilePlacement | undefined;
  private readonly painter = new GridPainter();
  private readonly hostSize = new ResizeController(this);
  private readonly grid = new GridFocusController(this, {
    size: () => this.component && [this.component.shape[0], this.component.shape[1]],
    activate: (cell) => {
      const h = this.order[cell.row]![cell.col]!;
      if (this.selection?.layer === cell.row && this.selection.head === h) this.closeFromUser();
      else this.selectFromUser(this.component!.layers[cell.row]!, this.component!.heads[h]!);
    },
    escape: () => !!this.selection && (this.closeFromUser(), true),
  });

  protected override releaseBuffers(): void {
    this.painter.release();
  }

  /** The per-head summaries of the attention shown (computed once per data, filter and subset). */
  getSummaries(): HeadSummaries | undefined {
    return this.store?.summaries;
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

  protected override get drawing(): boolean {
    return this.placement !== undefined && (this.painter.pending > 0 || this.painter.presenting);
  }

  protected override dataChanged(): void {
    this.component = undefined;
    this.detail.drop();
  }

  /** Resolves every attribute against the parsed data; throws AttentionDataError for a bad one. */
  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    keyword(this, 'thumbnail', this.thumbnail, THUMBNAIL_MODES);
    keyword(this, 'summary', this.summary, SUMMARIES);
    keyword(this, 'sort', this.sort, SORT_ORDERS);
    const above = optionalNumber(this, 'highlight-above', this.highlightAbove);
    const below = optionalNumber(this, 'highlight-below', this.highlightBelow);
    const tokensRead = this.themeTokens.read();
    const fresh =
      !this.component || changed.has('filter') || changed.has('includeLayers') || changed.has('includeHeads');
    if (fresh) {
      // Left undefined if the subset throws, so that the next update checks it again.
      this.component = undefined;
      const layers = numberList(this, 'include-layers', this.includeLayers, 'layer numbers');
      const heads = numberList(this, 'include-heads', this.includeHeads, 'head numbers');
      const c = selectSubset(applyFilter(data, this.currentFilter), {
        ...(layers && { layers }),
        ...(heads && { heads }),
      });
      this.store = new SummaryStore(c);
      this.blank = blankHeads(c);
      this.component = c;
    }
    const c = this.component!;
    const [L, H] = c.shape;
    this.selection = resolveSelection(this, c, this.selectedLayer, this.selectedHead);
    this.grid.clamp(L, H);
    const reorder = fresh || changed.has('summary') || changed.has('sort');
    const values = this.store!.values(this.summary);
    if (reorder) this.order = headOrder(L, H, values, this.sort);
    if (reorder || changed.has('highlightAbove') || changed.has('highlightBelow')) {
      this.hits = values && highlightSet(values, above, below);
    }
    // The host's width is no property: the layout is computed each update and kept while the same.
    const g = gridLayout({
      width: (Math.floor(this.hostSize.width) || 720) - 16,
      rows: L,
      columns: H,
      ...GRID,
      rowLabelWidth: rowLabelWidth(c, this.themeTokens.fontFamily),
    });
    const old = this.layout;
    const moved = !old || g.width !== old.width || g.height !== old.height || g.cellWidth !== old.cellWidth;
    if (moved) this.layout = g;
    const dpr = window.devicePixelRatio || 1;
    const p = this.placement;
    const resized = old?.cellWidth !== g.cellWidth || p?.dpr !== dpr;
    if (fresh || tokensRead || resized || changed.has('thumbnail')) {
      this.source = tileSource(c, this.thumbnail, this.layout!, dpr, this.themeTokens);
    }
    if (!p || p.source !== this.source || moved || reorder) {
      this.placement = { source: this.source!, layout: this.layout!, order: this.order, dpr };
    }
  }

  protected override render(): TemplateResult {
    const status = this.renderStatus();
    if (status) return status;
    const v = this.gridView();
    const { c, g } = v;
    const sel = this.selection;
    const detail = sel && !this.noDetail;
    const beside = !!detail && this.hostSize.width >= g.width + 16 + DETAIL_BESIDE_WIDTH;
    return html`${this.renderProgress()}
      ${renderToolbar(this, availableFilters(this.parsed!), this.currentFilter, this.toolbarHandlers, !!c.signed)}
      <div class="status" aria-live="polite">${statusText(c, this.hits)}<span class="progress"></span></div>
      ${renderNotice(v, FILTER_LABELS[this.currentFilter])}
      <div class=${classMap({ body: true, beside })}>
        ${renderGrid(v, this.store!, this.grid)}
        ${this.noDetail ? nothing : this.detail.render(detail ? `${layerName(c, sel.layer)}, ${headName(c, sel.head)}` : null)}
      </div> `;
  }

  protected override updated(): void {
    const { component: c, selection: sel } = this;
    if (c && !this.noDetail && !this.error) {
      const state = (row: number, head: number): DetailState => ({
        data: this.parsed,
        filter: this.currentFilter,
        layer: c.layers[row]!,
        head: c.heads[head]!,
        theme: this.theme,
      });
      this.detail.updated(sel && state(sel.layer, sel.head), state(0, 0));
    }
    this.paint();
  }

  protected override exportScene(): Scene {
    const source = this.source;
    if (!this.component || !source || this.error)
      throw new Error('attn-model-view: there is no attention to export');
    const v = this.gridView();
    const summary = this.summary === 'none' ? '' : ` · ${SUMMARY_LABELS[this.summary]}`;
    const title = `${describeShape(v.c)} · ${FILTER_LABELS[this.currentFilter]} · ${this.thumbnail} thumbnails${summary}`;
    const pixels = (row: number, head: number) => this.painter.tile(source, row, head);
    return gridExport(v, this.store!, title, source.spec, pixels, this.themeTokens);
  }

  protected override exportName(): string {
    const [L, H] = this.component?.shape ?? [0, 0];
    return `attention-model-${L}x${H}-${this.currentFilter}`;
  }

  private gridView(): GridView {
    const values = this.store!.values(this.summary);
    const { cursor, hovered, keyboardTip } = this.grid;
    const { order, hits, blank, selection, summary } = this;
    const sorted = values !== undefined && this.sort !== 'none';
    return {
      c: this.component!,
      g: this.layout!,
      order,
      summary,
      values,
      sorted,
      hits,
      blank,
      selection,
      cursor,
      hovered,
      keyboardTip,
    };
  }

  /**
   * Paints what the frame's budget allows and asks for another frame for the rest. A frame runs
   * only for the placement it was asked for (the FrameController also drops it when the data
   * changes or the element leaves the page); a newer placement is painted from its own update.
   */
  private paint(): void {
    const placement = this.placement;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!placement || !canvas || this.error || !this.isConnected) return;
    const pending = this.painter.paint(canvas, placement, () => this.drawn());
    if (pending > 0) {
      this.frames.request(() => {
        if (placement === this.placement && this.isConnected) this.paint();
      });
    } else if (!this.noDetail && this.component!.shape[2] * this.component!.shape[3] <= PARK_MAX_WEIGHTS) {
      this.detail.parkWhenIdle(
        (fn, delay) => this.frames.idle(fn, delay),
        () => this.requestUpdate(),
      );
    }
    // Said from here, in a node the template leaves alone: no second update per frame drawn.
    const progress = this.renderRoot.querySelector('.progress');
    const text = pending > 0 ? ' · drawing thumbnails…' : '';
    if (progress && progress.textContent !== text) progress.textContent = text;
    this.drawn();
  }

  /** Opens a head as the user asked and says so with `attn-head-select`. */
  private selectFromUser(layer: number, head: number): void {
    if (this.selectedLayer === layer && this.selectedHead === head) return;
    this.open(layer, head);
    // The detail now holds the user's attention: the grid's tooltip goes, the detail comes into view.
    this.grid.hideTooltip();
    this.detail.revealNext();
    fire(this, 'attn-head-select', { layer, head });
  }

  private closeFromUser(): void {
    if (this.selectedLayer === undefined && this.selectedHead === undefined) return;
    this.close();
    fire(this, 'attn-head-select', { layer: null, head: null });
    void this.updateComplete.then(() => this.grid.focusCursor());
  }

  private readonly toolbarHandlers: ToolbarHandlers = {
    thumbnail: (mode) => (this.thumbnail = mode),
    filter: (filter) => {
      this.filter = filter;
      fire(this, 'attn-filter-change', { filter });
    },
    summary: (summary) => (this.summary = summary),
    sort: (sort) => (this.sort = sort),
    above: (v) => (this.highlightAbove = v),
    below: (v) => (this.highlightBelow = v),
    download: (format) => void this.download(format),
    tokens: () => this.tokenChoices(),
    aggregate: () => this.aggregateChoice(),
  };

  private readonly detailHandlers: DetailHandlers = {
    // The head view uses Escape to unpin a token first (and then marks the event handled).
    keydown: (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        this.closeFromUser();
      }
    },
    // The detail view's layer selector moves the opened cell, and the grid's cursor, along.
    layerChange: (e) => {
      const c = this.component!;
      const row = c.layers.indexOf(e.detail.layer);
      const head = this.selectedHead;
      if (row < 0 || head === undefined || head === null) return;
      this.grid.moveTo({ row, col: this.order[row]!.indexOf(c.heads.indexOf(head)) });
      this.selectFromUser(e.detail.layer, head);
    },
    // Soloing another head in the detail view opens that head's cell.
    headsChange: (e) => {
      const [head] = e.detail.heads;
      const layer = this.selectedLayer;
      if (e.detail.heads.length !== 1 || head === undefined || !this.component!.heads.includes(head)) return;
      if (layer !== undefined && layer !== null) this.selectFromUser(layer, head);
    },
    close: () => this.closeFromUser(),
  };

  private readonly detail = new DetailPanel(() => this.renderRoot, this.detailHandlers);
}
