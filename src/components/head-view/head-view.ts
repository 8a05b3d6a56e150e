import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { cssProps } from '../shared/css-props.js';
import { applyFilter, availableFilters, FILTER_LABELS, selectSubset } from '../../core/filters.js';
import { soloHead, toggleHead } from '../../core/heads.js';
import { toHex } from '../../core/palette.js';
import { componentTokens, type DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent, TokenSide } from '../../core/types.js';
import {
  drawingBand,
  HEAD_VIEW_LAYOUT,
  headLayout,
  sameLayout,
  type HeadLayout,
} from '../../render/head-layout.js';
import { headScene, lineSource, noAttentionNote, type LineOpacity } from '../../render/head-scene.js';
import type { Scene } from '../../render/scene.js';
import { keyword, numberList, numberListConverter } from '../shared/attributes.js';
import { AttnView } from '../shared/attn-view.js';
import { fire } from '../shared/events.js';
import { ResizeController } from '../shared/resize-controller.js';
import { resolveHeads, resolveLayer } from '../shared/selection.js';
import { scrollViewStyles, swatchStyles, tokenStyles, viewStyles } from '../shared/styles.js';
import { themeStyles } from '../shared/theme.js';
import { derivedHeadLabels } from '../shared/swatches.js';
import { renderTokenColumn } from '../shared/token-column.js';
import { renderReadout } from './head-readout.js';
import { HeadRows } from './head-rows.js';
import { HeadPainter, type HeadPicture, type TokenRef } from './head-view-painter.js';
import { TokenFocus } from './token-focus.js';
import { renderToolbar } from './head-toolbar.js';
import { headViewStyles } from './head-view.styles.js';

const LINE_OPACITIES: readonly LineOpacity[] = ['full', 'shared'];
/** The width a layout is made for: the host's, or a default before the host has one. */
const layoutWidth = (hostWidth: number) => Math.floor(hostWidth) || 640;
/**
 * Wait after a picture is drawn before warming up hovering (ms): long enough for the frames that
 * show the picture, short before a user's first hover.
 */
const WARM_UP_DELAY = 250;
/** Height of the title band of exported images. */
const EXPORT_HEADER = 30;

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
 * @csspart note - The message shown over the lines when there is no attention to draw.
 * @csspart readout - The panel with the focused token's weights.
 * @csspart error - The message shown for invalid data.
 * @csspart empty - The message shown when there is no data.
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

  /**
   * Opacity of a focused token's lines: `full` = each head's weight as it is (its lines are fanned
   * out side by side, so heads do not pile up), `shared` = weight ÷ active heads (bertviz).
   */
  @property({ attribute: 'line-opacity', reflect: true }) lineOpacity: LineOpacity = 'full';

  /** Layers offered in the layer selector, by the model's numbers, comma-separated (default: all). */
  @property({ attribute: 'include-layers', converter: numberListConverter }) includeLayers:
    readonly number[] | undefined;

  @state() private swatchFocus = 0;

  private component: AttentionComponent | undefined;
  private layerIndex = 0;
  private headIndices: number[] = [];
  private leftTokens: DisplayToken[] = [];
  private rightTokens: DisplayToken[] = [];
  private layout: HeadLayout | undefined;
  /** What the lines show; a new object whenever it changes (the painter's cue to redraw). */
  private picture: HeadPicture | undefined;
  /** Said in the band of lines when the active heads have no attention to draw, else empty. */
  private note: readonly string[] = [];
  private readonly painter = new HeadPainter();
  /** The width the layout was made for. */
  private layoutWidth = 0;
  // The host's width only: its height changes with the readout, which changes nothing above it.
  private readonly hostSize = new ResizeController(
    this,
    undefined,
    (width) => layoutWidth(width) !== this.layoutWidth,
  );
  private readonly rows: HeadRows = new HeadRows(this, {
    viewport: () => this.renderRoot.querySelector<HTMLElement>('.viewport'),
    layout: () => this.layout,
    maxHeight: () => this.themeTokens.pixels('--attn-max-height', 576, 16),
    repaint: () => this.frames.request(() => this.draw()),
  });
  private readonly tokens = new TokenFocus(this, {
    component: () => this.component,
    page: () => (this.layout ? this.rows.page(this.layout) : 1),
    reveal: (index) => this.layout && this.rows.reveal(this.layout, index),
    column: (side) => this.renderRoot.querySelector<HTMLElement>(`.column.${side}`),
  });

  /** Pins token `index` of `side` (null unpins), as a click does: e.g. another view's query. */
  pinToken(side: TokenSide, index: number | null): void {
    this.tokens.pin(index === null ? null : { side, index });
  }

  protected override releaseBuffers(): void {
    this.painter.release();
  }

  protected override dataChanged(): void {
    this.component = this.layout = this.picture = undefined;
    this.tokens.clear();
    this.painter.reset();
  }

  /** Resolves every attribute against the parsed data; throws AttentionDataError on a bad one. */
  protected override deriveState(changed: PropertyValues<this>): void {
    const data = this.parsed;
    if (!data) return;
    const themeChanged = this.themeTokens.read();
    const included = numberList(this, 'include-layers', this.includeLayers, 'layer numbers');
    let fresh = themeChanged;
    if (changed.has('data') || changed.has('filter') || changed.has('includeLayers') || !this.component) {
      const full = applyFilter(data, this.currentFilter);
      const c = included ? selectSubset(full, { layers: included }) : full;
      if (c !== this.component) this.setComponent(c);
      fresh = true;
    }
    const c = this.component!;
    const layerIndex = resolveLayer(this, c, this.layer, data.hints);
    const heads = resolveHeads(this, c, this.heads, data.hints);
    keyword(this, 'line-opacity', this.lineOpacity, LINE_OPACITIES);
    fresh ||= changed.has('layer') || changed.has('heads');
    this.layerIndex = layerIndex;
    this.headIndices = heads;
    this.layoutWidth = layoutWidth(this.hostSize.width);
    const layout = headLayout({
      width: this.layoutWidth,
      queryCount: c.shape[2],
      keyCount: c.shape[3],
      rowHeight: this.themeTokens.pixels('--attn-row-height', 22),
      ...HEAD_VIEW_LAYOUT,
    });
    if (!this.layout || !sameLayout(layout, this.layout)) {
      this.layout = layout;
      fresh = true;
    }
    if (fresh || !this.picture) this.setPicture(c);
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.renderStatus();
    if (status) return status;
    const c = this.component;
    const layout = this.layout;
    if (!c || !layout) return nothing;
    const focus = this.tokens.focus;
    return html`${this.renderProgress()}
      ${
        // A hover does not re-render the swatches and their listeners: only these change them.
        guard(
          [c, this.layerIndex, this.headIndices.join(), this.currentFilter, this.picture, this.swatchFocus],
          () => this.renderToolbar(c),
        )
      }
      <div class="viewport" part="viewport" @scroll=${this.handleScroll}>${this.renderContent(layout)}</div>
      ${renderReadout({
        component: c,
        layerIndex: this.layerIndex,
        heads: this.headIndices,
        left: this.leftTokens,
        right: this.rightTokens,
        focus,
        partner: this.tokens.partner,
        pinned: !!this.tokens.pinned,
        colors: this.picture?.paletteCss ?? [],
        note: this.note.length ? `${this.note.join(' ')}.` : undefined,
      })} `;
  }

  protected override updated(): void {
    this.draw();
  }

  protected override get drawing(): boolean {
    return !!this.picture && (this.frames.pending || (!this.tokens.focus && !this.painter.complete));
  }

  protected override exportScene(): Scene {
    const c = this.component;
    const picture = this.picture;
    if (!c || !picture) throw new Error(this.error ?? 'attn-head-view: no data to export');
    const heads = this.headIndices.map((h) => c.heads[h]).join(', ');
    const filter = this.currentFilter === 'all' ? '' : ` · ${FILTER_LABELS[this.currentFilter]}`;
    const theme = this.themeTokens;
    return headScene({
      src: { ...picture.src, top: EXPORT_HEADER },
      focus: this.tokens.focus,
      lineOpacity: this.lineOpacity,
      left: this.leftTokens,
      right: this.rightTokens,
      title: `Layer ${c.layers[this.layerIndex]} · heads ${heads}${filter}`,
      note: this.note,
      palette: picture.palette,
      paletteCss: picture.paletteCss,
      background: toHex(theme.background),
      foreground: toHex(theme.foreground),
      font: theme.font(),
      lineWidth: picture.lineWidth,
    });
  }

  protected override exportName(): string {
    return `attention-layer${this.component?.layers[this.layerIndex] ?? 0}`;
  }

  private renderToolbar(c: AttentionComponent): TemplateResult {
    const active = new Set(this.headIndices.map((i) => c.heads[i]!));
    return renderToolbar({
      component: c,
      layer: c.layers[this.layerIndex]!,
      layerCount: this.given?.hints.layerCount,
      filters: this.parsed ? availableFilters(this.parsed) : [],
      filter: this.currentFilter,
      swatches: {
        heads: c.heads,
        ...derivedHeadLabels(c),
        active,
        colors: c.heads.map((h) => this.picture!.palette[h]!),
        focusIndex: Math.min(this.swatchFocus, c.heads.length - 1),
        onToggle: (h) => this.setHeads(toggleHead([...active], c.heads, h)),
        onSolo: (h) => this.setHeads(soloHead([...active], c.heads, h)),
        onFocusIndex: (i) => (this.swatchFocus = i),
      },
      onLayer: this.handleLayerChange,
      onFilter: this.handleFilterChange,
      onExport: (format) => void this.download(format),
      tokens: html`${this.tokenChoices()} ${this.aggregateChoice()}`,
    });
  }

  private renderContent(layout: HeadLayout): TemplateResult {
    const c = this.component!;
    const [first, last] = this.rows.rows(layout, Math.max(c.shape[2], c.shape[3]));
    const band = { left: `${layout.linesX0}px`, width: `${layout.linesX1 - layout.linesX0}px` };
    // The canvas covers the box bands and the lines only: a smaller canvas to clear, draw and commit.
    const canvasX = drawingBand(layout, window.devicePixelRatio || 1).x;
    return html`<div
      class="content"
      ${cssProps({ height: `${layout.height}px`, width: `${layout.width}px` })}
    >
      <canvas aria-hidden="true" ${cssProps({ marginLeft: `${canvasX}px` })}></canvas>
      <div class="lines" ${cssProps({ ...band, height: `${layout.height}px` })}>
        ${this.note.length ? html`<p class="note" part="note">${this.note.join(' ')}</p>` : nothing}
      </div>
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
    const { focus, partner, cursor, pinned } = this.tokens;
    const is = (ref: TokenRef | null, i: number) => ref?.side === side && ref.index === i;
    const what = side === 'query' ? 'Query tokens (attending)' : 'Key tokens (attended to)';
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
      label: `${what}, ${tokens.length}: arrow keys move, Enter pins, Escape unpins`,
      cursor: cursor?.side === side ? cursor.index : -1,
      selected: pinned?.side === side ? pinned.index : -1,
      hovered: (i) => is(focus, i) || is(partner, i),
      handlers: this.tokens.handlers(side),
    });
  }

  private setComponent(c: AttentionComponent): void {
    this.component = c;
    this.tokens.clamp();
    this.leftTokens = componentTokens(c, 'query');
    this.rightTokens = c.keyTokens === c.queryTokens ? this.leftTokens : componentTokens(c, 'key');
  }

  /** A new picture of the lines, and the note when the active heads have nothing to draw. */
  private setPicture(c: AttentionComponent): void {
    const theme = this.themeTokens;
    const palette = theme.palette(Math.max(...c.heads) + 1);
    const src = lineSource(c, this.layerIndex, this.headIndices, this.layout!);
    this.picture = {
      src,
      palette,
      paletteCss: theme.paletteCss(palette.length),
      lineWidth: theme.pixels('--attn-line-width', 2),
    };
    this.note = noAttentionNote(c, this.layerIndex, this.headIndices, this.currentFilter);
  }

  /** Paints the visible band (a large picture over several frames); idle time warms up hovering. */
  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const picture = this.picture;
    if (!canvas || !picture || this.error) return;
    const paint = {
      picture,
      focus: this.tokens.focus,
      lineOpacity: this.lineOpacity,
      scroll: this.rows.scroll,
      viewHeight: this.rows.height(picture.src.layout),
      maxViewHeight: this.rows.maxHeight,
      dpr: window.devicePixelRatio || 1,
    };
    if (!this.painter.paint(canvas, paint)) this.frames.request(() => this.draw());
    else if (!paint.focus && this.painter.cold(paint)) {
      this.frames.idle(() => this.tokens.focus || this.painter.warmUp(paint), WARM_UP_DELAY);
    } else this.frames.idle(() => this.painter.recycle());
    this.drawn();
  }

  private setHeads(heads: readonly number[]): void {
    const c = this.component!;
    const current = this.headIndices.map((i) => c.heads[i]!);
    if (heads.length === current.length && heads.every((h, i) => h === current[i])) return;
    this.heads = [...heads];
    fire(this, 'attn-heads-change', { heads: [...heads] });
  }

  private readonly handleScroll = (e: Event): void => {
    const c = this.component;
    if (c) this.rows.scrolled(e, Math.max(c.shape[2], c.shape[3]));
  };

  private readonly handleLayerChange = (e: Event): void => {
    const layer = Number((e.target as HTMLSelectElement).value);
    this.layer = layer;
    fire(this, 'attn-layer-change', { layer });
  };
}
