import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { layerMax } from '../../core/aggregate.js';
import { AttentionDataError } from '../../core/errors.js';
import {
  applyFilter,
  availableFilters,
  FILTER_LABELS,
  headMatrix,
  selectSubset,
  type AttentionFilter,
} from '../../core/filters.js';
import { formatExact, formatWeight } from '../../core/format.js';
import { soloHead, toggleHead } from '../../core/heads.js';
import { headLayout, visibleRows, type HeadLayout } from '../../render/head-layout.js';
import { headPalette, relativeLuminance, toHex, type Rgb } from '../../core/palette.js';
import { displayTokens, type DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent } from '../../core/types.js';
import { resolveColor } from '../shared/colors.js';
import { numberListConverter } from '../shared/converters.js';
import { fire, type TokenSide } from '../shared/events.js';
import { download, sceneToPng, sceneToSvg } from '../shared/export.js';
import { LineList } from '../../render/raster.js';
import { prepareCanvas, renderFilterSelect } from '../shared/controls.js';
import { ResizeController } from '../shared/resize-controller.js';
import { LinesRaster, paintRects, type Scene, type SceneText } from '../../render/scene.js';
import { resolveHeads, resolveLayer } from '../shared/selection.js';
import { AttnView } from '../shared/attn-view.js';
import { scrollViewStyles, swatchStyles, tokenStyles, viewStyles } from '../shared/styles.js';
import { renderSwatches } from '../shared/swatches.js';
import { renderTokenColumn } from '../shared/token-column.js';
import { readPixels, themeStyles } from '../shared/theme.js';
import {
  allLines,
  focusBoxes,
  focusLines,
  labelTexts,
  type LineOpacity,
  type LineSource,
} from '../../render/head-scene.js';
import { headViewStyles } from './head-view.styles.js';

interface TokenRef {
  readonly side: TokenSide;
  readonly index: number;
}

/**
 * Pixel visits the picture of every line may take in the first frame, and in each later frame
 * until done (~1 M visits take 10 ms on a slow 2 GHz core).
 */
const FIRST_SLICE_VISITS = 4_000_000;
const SLICE_VISITS = 1_500_000;
/** Rows rendered beyond the visible ones, so that scrolling a little needs no re-render. */
const OVERSCAN_ROWS = 6;
/** Strongest weights listed per head in the readout. */
const READOUT_TOP = 3;
/** Height of the title band of exported images. */
const EXPORT_HEADER = 30;
const LAYOUT = {
  minTokenWidth: 64,
  maxTokenWidth: 180,
  minLinesWidth: 60,
  maxLinesWidth: 320,
  gap: 6,
  padding: 4,
};

/**
 * One layer's attention as lines from each query token (left) to each key token (right), one
 * colour per head: bertviz's head view, rebuilt to stay fast at 1,000 tokens, usable by keyboard,
 * and exportable.
 *
 * @summary Attention of one layer as lines between two token columns, one colour per head.
 *
 * @fires attn-layer-change - The user chose another layer. `detail: {layer}` (the model's number).
 * @fires attn-heads-change - The user toggled or soloed heads. `detail: {heads}` (the model's numbers).
 * @fires attn-filter-change - The user chose another filter. `detail: {filter}`.
 * @fires attn-token-focus - The hovered, keyboard-focused or pinned token changed. `detail: {side, index, position, token, pinned}`.
 *
 * @csspart toolbar - The bar of controls above the view.
 * @csspart layer-select - The layer selector.
 * @csspart filter-select - The sentence-pair / encoder-decoder selector.
 * @csspart heads - The group of head swatches.
 * @csspart head-swatch - One head's toggle button.
 * @csspart export-button - The PNG and SVG buttons.
 * @csspart viewport - The scrolling area holding tokens and lines.
 * @csspart token - A token label.
 * @csspart readout - The panel with the focused token's weights.
 * @csspart error - The message shown for invalid data.
 *
 * @cssprop [--attn-background=#ffffff (dark #0d1117)] - Background.
 * @cssprop [--attn-foreground=#1f2328 (dark #e6edf3)] - Text.
 * @cssprop [--attn-muted=#59636e (dark #9198a1)] - Secondary text.
 * @cssprop [--attn-border=#d1d9e0 (dark #3d444d)] - Borders of controls and panels.
 * @cssprop [--attn-hover=#e9ecef (dark #262c36)] - Background of the hovered token.
 * @cssprop [--attn-pinned=#fff1c2 (dark #4a3b00)] - Background of the pinned token.
 * @cssprop [--attn-accent=#0757c2 (dark #6cb6ff)] - Focus rings.
 * @cssprop [--attn-special-token=#8250df (dark #d2a8ff)] - Special tokens such as [CLS].
 * @cssprop [--attn-error=#b3261e (dark #ff9492)] - The error message.
 * @cssprop [--attn-font-family=system-ui, …] - Text font.
 * @cssprop [--attn-mono-font-family=ui-monospace, …] - Numbers in the readout.
 * @cssprop [--attn-font-size=13px] - Text size.
 * @cssprop [--attn-row-height=22px] - Height of one token row.
 * @cssprop [--attn-line-width=2] - Width of attention lines, in CSS pixels.
 * @cssprop [--attn-max-height=36rem] - Tallest the token area grows before it scrolls.
 * @cssprop [--attn-swatch-size=22px] - Size of the head swatches.
 */
export class AttnHeadView extends AttnView {
  static override styles = [
    themeStyles,
    viewStyles,
    scrollViewStyles,
    swatchStyles,
    tokenStyles,
    headViewStyles,
  ];

  /** The layer shown, by the model's own number (default: the data's hint, else the first layer). */
  @property({ type: Number, reflect: true }) layer: number | undefined;

  /** The active heads by the model's own numbers, comma-separated (default: all). */
  @property({ reflect: true, converter: numberListConverter }) heads: readonly number[] | undefined;

  /** Opacity of a focused token's lines: `shared` = weight ÷ active heads (bertviz), `full` = weight. */
  @property({ attribute: 'line-opacity', reflect: true }) lineOpacity: LineOpacity = 'shared';

  /** Layers offered in the layer selector, by the model's numbers, comma-separated (default: all). */
  @property({ attribute: 'include-layers', converter: numberListConverter }) includeLayers:
    readonly number[] | undefined;

  @state() private hovered: TokenRef | null = null;
  @state() private pinned: TokenRef | null = null;
  @state() private cursor: TokenRef | null = null;
  @state() private swatchFocus = 0;

  private component: AttentionComponent | undefined;
  private layerIndex = 0;
  private headIndices: number[] = [];
  private leftTokens: DisplayToken[] = [];
  private rightTokens: DisplayToken[] = [];
  private layout: HeadLayout | undefined;
  private palette: Rgb[] = [];
  private paletteCss: string[] = [];
  private colors = { background: '#ffffff', foreground: '#1f2328', font: '13px sans-serif' };
  private rowHeight = 22;
  private maxHeight = 576;
  private lineWidth = 2;
  private weightScale = 1;

  /** Lines of every active head; rebuilt only when layer, heads, filter or layout change. */
  private readonly fullLines = new LineList();
  private fullLinesKey = '';
  private fullKey = '';
  private warmKey = '';
  private readonly focusLineList = new LineList();
  private readonly focusRaster = new LinesRaster();
  private readonly fullRaster = new LinesRaster();
  private focusDraws = 0;
  private drawWaiters: (() => void)[] = [];
  private viewScroll = 0;
  private renderedRows: [number, number] = [0, 0];
  private drawFrame = 0;
  private lastFocusKey = 'none';

  private readonly hostSize = new ResizeController(this);
  private readonly viewportSize = new ResizeController(this, () => this.viewport);

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.drawFrame);
  }

  /** The whole view (every token, not only those scrolled into view) as an SVG document. */
  toSVG(): string {
    return sceneToSvg(this.exportScene());
  }

  /** The whole view as a PNG, at `scale` device pixels per CSS pixel (default: the screen's). */
  toPNG(scale = window.devicePixelRatio || 1): Promise<Blob> {
    return sceneToPng(this.exportScene(), scale);
  }

  /** Saves the view as a file, as the toolbar's buttons do. */
  async download(format: 'png' | 'svg'): Promise<void> {
    const name = `attention-layer${this.component?.layers[this.layerIndex] ?? 0}.${format}`;
    if (format === 'svg') download(this.toSVG(), name);
    else download(await this.toPNG(), name);
  }

  protected override dataChanged(): void {
    this.component = undefined;
    this.hovered = this.pinned = this.cursor = null;
    this.fullLinesKey = '';
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.renderStatus();
    if (status) return status;
    const c = this.component;
    const layout = this.layout;
    if (!this.parsed || !c) {
      return html`<div class="empty" part="error">
        No attention data: set the <code>data</code> property.
      </div>`;
    }
    return html`
      ${this.renderToolbar(c)}
      <div class="viewport" part="viewport" @scroll=${this.handleScroll}>
        ${layout ? this.renderContent(c, layout) : nothing}
      </div>
      ${this.renderReadout(c)}
    `;
  }

  protected override updated(): void {
    this.draw();
    this.fireFocusIfChanged();
  }

  private renderToolbar(c: AttentionComponent): TemplateResult {
    const filters = this.parsed ? availableFilters(this.parsed) : [];
    const activeNumbers = new Set(this.headIndices.map((i) => c.heads[i]!));
    return html`<div class="toolbar" part="toolbar">
      <label
        >Layer
        <select part="layer-select" aria-label="Layer" @change=${this.handleLayerChange}>
          ${(this.includedLayers ?? c.layers).map(
            (l) => html`<option value=${l} .selected=${live(l === c.layers[this.layerIndex])}>${l}</option>`,
          )}
        </select></label
      >
      ${renderFilterSelect(filters, this.currentFilter, this.handleFilterChange)}
      ${renderSwatches({
        heads: c.heads,
        active: activeNumbers,
        colors: c.heads.map((h) => this.palette[h]!),
        focusIndex: Math.min(this.swatchFocus, c.heads.length - 1),
        onToggle: (h) => this.setHeads(toggleHead([...activeNumbers], c.heads, h)),
        onSolo: (h) => this.setHeads(soloHead([...activeNumbers], c.heads, h)),
        onFocusIndex: (i) => (this.swatchFocus = i),
      })}
      <span class="spacer"></span>
      <span class="exports">
        <button
          part="export-button"
          type="button"
          title="Save as PNG"
          aria-label="Save as PNG"
          @click=${() => this.download('png')}
        >
          PNG
        </button>
        <button
          part="export-button"
          type="button"
          title="Save as SVG"
          aria-label="Save as SVG"
          @click=${() => this.download('svg')}
        >
          SVG
        </button>
      </span>
    </div>`;
  }

  private renderContent(c: AttentionComponent, layout: HeadLayout): TemplateResult {
    const viewHeight = this.viewHeight(layout);
    const [first, last] = this.rowWindow(layout, viewHeight);
    this.renderedRows = [first, last];
    return html`<div
      class="content"
      style=${styleMap({ height: `${layout.height}px`, width: `${layout.width}px` })}
    >
      <canvas aria-hidden="true"></canvas>
      ${this.renderColumn('query', this.leftTokens, layout, first, last)}
      ${this.renderColumn('key', this.rightTokens, layout, first, last)}
    </div>`;
  }

  private renderColumn(
    side: TokenSide,
    tokens: readonly DisplayToken[],
    layout: HeadLayout,
    first: number,
    last: number,
  ): TemplateResult {
    const c = this.component!;
    const focus = this.effectiveFocus();
    const partner = this.partner();
    return renderTokenColumn({
      name: side,
      tokens,
      start: side === 'query' ? c.queryStart : c.keyStart,
      left: side === 'query' ? layout.leftX : layout.rightX,
      width: layout.tokenWidth,
      height: layout.height,
      rowHeight: layout.rowHeight,
      padding: layout.padding,
      first,
      last,
      label:
        side === 'query'
          ? `Query tokens (attending), ${tokens.length}: arrow keys move, Enter pins, Escape unpins`
          : `Key tokens (attended to), ${tokens.length}: arrow keys move, Enter pins, Escape unpins`,
      cursor: this.cursor?.side === side ? this.cursor.index : -1,
      selected: this.pinned?.side === side ? this.pinned.index : -1,
      hovered: (i) =>
        (focus?.side === side && focus.index === i) || (partner?.side === side && partner.index === i),
      handlers: {
        pointerover: (e) => this.handlePointerOver(side, e),
        pointerleave: this.handlePointerLeave,
        click: (e) => this.handleClick(side, e),
        keydown: (e) => this.handleKeyDown(side, e),
        focus: () => this.handleFocus(side),
        blur: this.handleBlur,
      },
    });
  }

  private renderReadout(c: AttentionComponent): TemplateResult {
    const focus = this.effectiveFocus();
    const layerNumber = c.layers[this.layerIndex]!;
    if (!focus) {
      return html`<div class="readout" part="readout" aria-live="polite">
        <span class="hint"
          >Layer ${layerNumber} · ${this.headIndices.length} of ${c.heads.length} heads. Hover, click or use
          arrow keys on a token to see its weights.</span
        >
      </div>`;
    }
    const partner = this.partner();
    const [, , Q, K] = c.shape;
    const tokensOf = (side: TokenSide) => (side === 'query' ? this.leftTokens : this.rightTokens);
    const positionOf = (side: TokenSide, i: number) => (side === 'query' ? c.queryStart : c.keyStart) + i;
    const focusToken = tokensOf(focus.side)[focus.index]!;
    const other: TokenSide = focus.side === 'query' ? 'key' : 'query';
    const weightAt = (m: Float32Array, i: number) =>
      focus.side === 'query' ? m[focus.index * K + i]! : m[i * K + focus.index]!;
    const count = focus.side === 'query' ? K : Q;
    const rows = this.headIndices.map((h) => {
      const m = headMatrix(c, this.layerIndex, h);
      const top: [number, number][] = [];
      for (let i = 0; i < count; i++) {
        const w = weightAt(m, i);
        if (w <= 0) continue;
        if (top.length < READOUT_TOP || w > top[top.length - 1]![1]) {
          top.push([i, w]);
          top.sort((a, b) => b[1] - a[1]);
          if (top.length > READOUT_TOP) top.pop();
        }
      }
      return { h, top, pair: partner ? weightAt(m, partner.index) : undefined };
    });
    const otherTokens = tokensOf(other);
    const quote = (t: DisplayToken) => `“${t.kind === 'continuation' ? '##' : ''}${t.text}”`;
    const heading =
      focus.side === 'query'
        ? html`Query ${positionOf('query', focus.index)} <strong>${quote(focusToken)}</strong> attends to`
        : html`Key ${positionOf('key', focus.index)} <strong>${quote(focusToken)}</strong> is attended by`;
    return html`<div class="readout" part="readout" aria-live="polite">
      <div>${heading} · layer ${layerNumber}${this.pinned ? ' · pinned' : ''}</div>
      <table>
        <thead>
          <tr>
            <th scope="col">Head</th>
            ${
              partner
                ? html`<th scope="col">
                    ${focus.side === 'query' ? '→' : '←'} ${positionOf(other, partner.index)}
                    ${quote(otherTokens[partner.index]!)}
                  </th>`
                : nothing
            }
            <th scope="col" colspan=${READOUT_TOP}>Strongest</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <th scope="row">
                  <span class="dot" style="background:${this.paletteCss[c.heads[r.h]!]}"></span
                  >${c.heads[r.h]}
                </th>
                ${
                  r.pair !== undefined
                    ? html`<td class="num" title=${formatExact(r.pair)}>${formatWeight(r.pair)}</td>`
                    : nothing
                }
                ${r.top.map(
                  ([i, w]) =>
                    html`<td
                      title="${formatExact(w)} (${otherTokens[i]!.raw}, position ${positionOf(other, i)})"
                    >
                      ${quote(otherTokens[i]!)} <span class="num">${formatWeight(w)}</span>
                    </td>`,
                )}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  /** Resolves every attribute against the parsed data. Throws AttentionDataError on a bad attribute. */
  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    if (changed.has('data') || changed.has('filter') || changed.has('includeLayers') || !this.component) {
      const full = applyFilter(data, this.currentFilter);
      const included = this.includedLayers;
      const component = included ? selectSubset(full, { layers: included }) : full;
      if (component !== this.component) {
        this.component = component;
        const clamp = (r: TokenRef | null, side: TokenSide, n: number) =>
          r?.side === side && r.index >= n ? null : r;
        for (const key of ['hovered', 'pinned', 'cursor'] as const) {
          this[key] = clamp(clamp(this[key], 'query', component.shape[2]), 'key', component.shape[3]);
        }
        this.leftTokens = displayTokens(component.queryTokens);
        this.rightTokens =
          component.keyTokens === component.queryTokens
            ? this.leftTokens
            : displayTokens(component.keyTokens);
      }
    }
    const c = this.component!;
    const layerIndex = resolveLayer(c, this.layer, data.hints);
    const heads = this.heads?.some((h) => Number.isNaN(h))
      ? (() => {
          throw new AttentionDataError(
            'heads',
            'comma-separated head numbers',
            JSON.stringify(this.getAttribute('heads')),
          );
        })()
      : resolveHeads(c, this.heads, data.hints);
    if (this.lineOpacity !== 'shared' && this.lineOpacity !== 'full') {
      throw new AttentionDataError('line-opacity', '"shared" or "full"', JSON.stringify(this.lineOpacity));
    }
    this.layerIndex = layerIndex;
    this.headIndices = heads;
    if (this.themeDirty || changed.has('theme')) this.readTheme(c);
    this.weightScale = c.normalized ? 1 : 1 / Math.max(layerMax(c, layerIndex), Number.MIN_VALUE);
    const width = Math.floor(this.hostSize.width) || 640;
    this.layout = headLayout({
      width,
      queryCount: c.shape[2],
      keyCount: c.shape[3],
      rowHeight: this.rowHeight,
      ...LAYOUT,
    });
  }

  private get includedLayers(): readonly number[] | undefined {
    const layers = this.includeLayers;
    if (layers?.some((l) => Number.isNaN(l))) {
      throw new AttentionDataError(
        'include-layers',
        'comma-separated layer numbers',
        JSON.stringify(this.getAttribute('include-layers')),
      );
    }
    return layers;
  }

  private readTheme(c: AttentionComponent): void {
    const style = getComputedStyle(this);
    const root = this.renderRoot as ShadowRoot;
    const background = resolveColor(root, style.getPropertyValue('--attn-background'), [1, 1, 1]);
    const foreground = resolveColor(root, style.getPropertyValue('--attn-foreground'), [0, 0, 0]);
    const fontSize = readPixels(style, '--attn-font-size', 13);
    this.rowHeight = readPixels(style, '--attn-row-height', 22, fontSize);
    this.lineWidth = readPixels(style, '--attn-line-width', 2);
    this.maxHeight = readPixels(style, '--attn-max-height', 576, 16);
    this.colors = {
      background: toHex(background),
      foreground: toHex(foreground),
      font: `${fontSize}px ${style.getPropertyValue('--attn-font-family').trim() || 'sans-serif'}`,
    };
    const dark = relativeLuminance(background) < 0.4;
    this.palette = headPalette(Math.max(...c.heads) + 1, dark ? 'dark' : 'light');
    this.paletteCss = this.palette.map(toHex);
    this.themeDirty = false;
    this.fullLinesKey = '';
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  /** Height of the visible band: measured, or before the first layout the tallest it may grow. */
  private viewHeight(layout: HeadLayout): number {
    const h = this.viewportSize.height;
    return Math.max(1, Math.min(layout.height, h > 0 ? h : this.maxHeight));
  }

  private rowWindow(layout: HeadLayout, viewHeight: number): [number, number] {
    const rows = Math.max(this.component!.shape[2], this.component!.shape[3]);
    const [first, last] = visibleRows(layout, this.viewScroll, this.viewScroll + viewHeight, rows);
    return [Math.max(0, first - OVERSCAN_ROWS), Math.min(rows, last + OVERSCAN_ROWS)];
  }

  /** The token whose lines are shown: hover or keyboard cursor, else the pinned token. */
  private effectiveFocus(): TokenRef | null {
    const transient = this.hovered ?? this.cursor;
    if (this.pinned && transient && transient.side !== this.pinned.side) return this.pinned;
    return transient ?? this.pinned;
  }

  /** A token on the other side than the pinned one, whose weights the readout adds. */
  private partner(): TokenRef | null {
    const transient = this.hovered ?? this.cursor;
    return this.pinned && transient && transient.side !== this.pinned.side ? transient : null;
  }

  private lineSource(top = 0): LineSource {
    return {
      component: this.component!,
      layerIndex: this.layerIndex,
      heads: this.headIndices,
      layout: this.layout!,
      top,
      weightScale: this.weightScale,
    };
  }

  /** Paints the visible band: lines (all, or the focused token's) and attention boxes. */
  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const layout = this.layout;
    if (!canvas || !layout || !this.component || this.error) return;
    const dpr = window.devicePixelRatio || 1;
    const viewHeight = this.viewHeight(layout);
    const ctx = prepareCanvas(canvas, layout.width, viewHeight, dpr);
    if (!ctx) return;
    const focus = this.effectiveFocus();
    ctx.putImageData(this.linesFrame(focus, layout, viewHeight, dpr), Math.round(layout.linesX0 * dpr), 0);
    if (focus || this.fullRaster.complete) {
      for (const resolve of this.drawWaiters.splice(0)) resolve();
    }
    if (!focus && this.fullRaster.complete) this.scheduleHoverWarmUp(layout, viewHeight, dpr);
    if (focus) {
      const [from, to] = visibleRows(
        layout,
        this.viewScroll,
        this.viewScroll + viewHeight,
        Number.MAX_SAFE_INTEGER,
      );
      const boxes = focusBoxes(this.lineSource(), focus.side, focus.index, this.paletteCss, from, to);
      ctx.save();
      ctx.scale(dpr, dpr);
      paintRects(ctx, boxes, this.viewScroll, viewHeight);
      ctx.restore();
    }
  }

  /**
   * The raster of the band of lines for the visible rows. A focused token's few lines are drawn
   * at once. The picture of every line is kept, so that leaving a token costs nothing; when it is
   * large it is drawn in slices over several frames (each a budget of pixel visits) so that the
   * page stays responsive, and the finished picture is exactly that of one pass.
   */
  private linesFrame(focus: TokenRef | null, layout: HeadLayout, viewHeight: number, dpr: number): ImageData {
    const band = {
      palette: this.palette,
      lineWidth: this.lineWidth,
      linesX0: layout.linesX0,
      linesX1: layout.linesX1,
    };
    if (focus) {
      const lines = this.focusedLines(focus);
      return this.focusRaster.draw(++this.focusDraws, { ...band, lines }, this.viewScroll, viewHeight, dpr);
    }
    const lines = this.everyLine(viewHeight);
    const key = `${this.fullLinesKey}|${dpr}|${this.paletteCss.join()}`;
    const fresh = key !== this.fullKey;
    this.fullKey = key;
    const image = this.fullRaster.draw(
      key,
      { ...band, lines },
      this.viewScroll,
      viewHeight,
      dpr,
      fresh ? FIRST_SLICE_VISITS : SLICE_VISITS,
    );
    if (!this.fullRaster.complete) {
      cancelAnimationFrame(this.drawFrame);
      this.drawFrame = requestAnimationFrame(() => this.draw());
    }
    return image;
  }

  /** Resolves when the lines on screen are completely drawn (large pictures take several frames). */
  get drawComplete(): Promise<void> {
    return this.updateComplete.then(() =>
      this.effectiveFocus() || this.fullRaster.complete || !this.component || this.error
        ? undefined
        : new Promise<void>((resolve) => this.drawWaiters.push(resolve)),
    );
  }

  /**
   * In idle time after a full picture, allocates the hover raster and runs the hover code once
   * (nothing is painted), so that the first hover does not pay ~20 ms of allocation and cold
   * JavaScript.
   */
  private scheduleHoverWarmUp(layout: HeadLayout, viewHeight: number, dpr: number): void {
    const key = `${dpr}|${this.fullLinesKey}`;
    if (key === this.warmKey) return;
    this.warmKey = key;
    const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 50));
    idle(() => {
      if (this.warmKey !== key || !this.component || this.effectiveFocus()) return;
      const warm: TokenRef = { side: 'query', index: 0 };
      this.linesFrame(warm, layout, viewHeight, dpr);
      focusBoxes(this.lineSource(), warm.side, warm.index, this.paletteCss, 0, 1);
    });
  }

  /** The lines of every active head that cross the visible rows; rebuilt when any input changes. */
  private everyLine(viewHeight: number): LineList {
    const key = `${this.layerIndex}|${this.headIndices.join(',')}|${this.layout!.width}|${this.rowHeight}|${this.viewScroll}|${viewHeight}|${this.weightScale}`;
    if (key !== this.fullLinesKey) {
      allLines(this.lineSource(), this.fullLines, {
        top: this.viewScroll,
        bottom: this.viewScroll + viewHeight,
      });
      this.fullLinesKey = key;
    }
    return this.fullLines;
  }

  private focusedLines(focus: TokenRef): LineList {
    return focusLines(this.lineSource(), focus.side, focus.index, this.lineOpacity, this.focusLineList);
  }

  /** The scene of the whole view for export: a title band, then every token, box and line. */
  private exportScene(): Scene {
    const c = this.component;
    const layout = this.layout;
    if (!c || !layout) throw new Error(this.error ?? 'attn-head-view: no data to export');
    const focus = this.effectiveFocus();
    const src = this.lineSource(EXPORT_HEADER);
    const lines = focus ? focusLines(src, focus.side, focus.index, this.lineOpacity) : allLines(src);
    const rects = focus
      ? focusBoxes(src, focus.side, focus.index, this.paletteCss, 0, Number.MAX_SAFE_INTEGER)
      : [];
    const label = (t: DisplayToken) => (t.kind === 'continuation' ? `##${t.text}` : t.text);
    const texts: SceneText[] = [
      {
        x: 4,
        y: EXPORT_HEADER / 2,
        text: `Layer ${c.layers[this.layerIndex]} · heads ${this.headIndices.map((h) => c.heads[h]).join(', ')}${
          this.currentFilter === 'all' ? '' : ` · ${FILTER_LABELS[this.currentFilter]}`
        }`,
        anchor: 'start',
        color: this.colors.foreground,
        font: this.colors.font,
      },
      ...labelTexts(
        layout,
        this.leftTokens.map(label),
        this.rightTokens.map(label),
        EXPORT_HEADER,
        this.colors.foreground,
        this.colors.font,
      ),
    ];
    return {
      width: layout.width,
      height: layout.height + EXPORT_HEADER,
      background: this.colors.background,
      rects,
      texts,
      lines,
      palette: this.palette,
      lineWidth: this.lineWidth,
      linesX0: layout.linesX0,
      linesX1: layout.linesX1,
    };
  }

  private setHeads(heads: readonly number[]): void {
    const c = this.component!;
    const current = this.headIndices.map((i) => c.heads[i]!);
    if (heads.length === current.length && heads.every((h, i) => h === current[i])) return;
    this.heads = [...heads];
    fire(this, 'attn-heads-change', { heads: [...heads] });
  }

  private fireFocusIfChanged(): void {
    const focus = this.effectiveFocus();
    const pinned = !!focus && this.pinned === focus;
    const key = focus ? `${focus.side}:${focus.index}:${pinned}` : 'none';
    if (key === this.lastFocusKey) return;
    this.lastFocusKey = key;
    const c = this.component;
    if (!focus || !c) {
      fire(this, 'attn-token-focus', { side: null, index: null, position: null, token: null, pinned: false });
      return;
    }
    const query = focus.side === 'query';
    fire(this, 'attn-token-focus', {
      side: focus.side,
      index: focus.index,
      position: (query ? c.queryStart : c.keyStart) + focus.index,
      token: (query ? c.queryTokens : c.keyTokens)[focus.index]!,
      pinned,
    });
  }

  private scrollRowIntoView(index: number): void {
    const viewport = this.viewport;
    const layout = this.layout;
    if (!viewport || !layout) return;
    const top = layout.padding + index * layout.rowHeight;
    const bottom = top + layout.rowHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top - layout.padding;
    else if (bottom > viewport.scrollTop + viewport.clientHeight)
      viewport.scrollTop = bottom - viewport.clientHeight + layout.padding;
  }

  private readonly handleScroll = (e: Event): void => {
    this.viewScroll = (e.currentTarget as HTMLElement).scrollTop;
    const layout = this.layout;
    if (!layout) return;
    const [first, last] = this.rowWindow(layout, this.viewHeight(layout));
    const [from, to] = this.renderedRows;
    if (first < from || last > to) this.requestUpdate();
    cancelAnimationFrame(this.drawFrame);
    this.drawFrame = requestAnimationFrame(() => this.draw());
  };

  private handleLayerChange(e: Event): void {
    const layer = Number((e.target as HTMLSelectElement).value);
    this.layer = layer;
    fire(this, 'attn-layer-change', { layer });
  }

  private handleFilterChange(e: Event): void {
    const filter = (e.target as HTMLSelectElement).value as AttentionFilter;
    this.filter = filter;
    fire(this, 'attn-filter-change', { filter });
  }

  private handlePointerOver(side: TokenSide, e: PointerEvent): void {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!target) return;
    const index = Number(target.dataset['index']);
    if (this.hovered?.side !== side || this.hovered.index !== index) this.hovered = { side, index };
  }

  private readonly handlePointerLeave = (): void => {
    this.hovered = null;
  };

  private handleClick(side: TokenSide, e: MouseEvent): void {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!target) return;
    this.togglePin({ side, index: Number(target.dataset['index']) });
  }

  private togglePin(ref: TokenRef): void {
    this.pinned = this.pinned?.side === ref.side && this.pinned.index === ref.index ? null : ref;
  }

  private handleKeyDown(side: TokenSide, e: KeyboardEvent): void {
    const c = this.component;
    const layout = this.layout;
    if (!c || !layout) return;
    const count = side === 'query' ? c.shape[2] : c.shape[3];
    const index = this.cursor?.side === side ? this.cursor.index : 0;
    const page = Math.max(1, Math.floor(this.viewHeight(layout) / layout.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(count - 1, moves[e.key]!));
      this.cursor = { side, index: next };
      this.scrollRowIntoView(next);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.togglePin({ side, index });
    } else if (e.key === 'Escape') {
      if (this.pinned) {
        e.preventDefault();
        this.pinned = null;
      }
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const other: TokenSide = e.key === 'ArrowRight' ? 'key' : 'query';
      if (other === side) return;
      e.preventDefault();
      const otherCount = other === 'query' ? c.shape[2] : c.shape[3];
      const list = this.renderRoot.querySelector<HTMLElement>(`.column.${other}`);
      this.cursor = { side: other, index: Math.min(index, otherCount - 1) };
      list?.focus();
    }
  }

  private handleFocus(side: TokenSide): void {
    if (this.cursor?.side === side) return;
    const index = this.pinned?.side === side ? this.pinned.index : 0;
    this.cursor = { side, index };
  }

  private readonly handleBlur = (e: FocusEvent): void => {
    const next = e.relatedTarget as HTMLElement | null;
    if (next?.getAttribute('role') === 'listbox' && this.renderRoot.contains(next)) return;
    this.cursor = null;
  };
}
