import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { attentionLoader } from '../../core/loader.js';
import type { AttentionInput } from '../../core/parse/index.js';
import type { SummaryName } from '../../core/summaries.js';
import type { SortOrder } from '../../render/grid-order.js';
import type { Scene } from '../../render/scene.js';
import type { ThumbnailMode } from '../../render/thumbnails.js';
import '../head-view/define.js';
import '../model-view/define.js';
import '../neuron-view/define.js';
import { optionalIndex } from '../shared/attributes.js';
import { AttnView, renderErrorBox } from '../shared/attn-view.js';
import type {
  AttnAggregateChangeDetail,
  AttnHeadSelectDetail,
  AttnHeadsChangeDetail,
  AttnHideChangeDetail,
  AttnLayerChangeDetail,
  AttnTokenFocusDetail,
  AttnWordsChangeDetail,
} from '../shared/events.js';
import { queriesShown, renderDeriveProgress } from '../shared/derive.js';
import { resolveHead, resolveLayer } from '../shared/selection.js';
import { setProps } from '../shared/set-props.js';
import { viewStyles } from '../shared/styles.js';
import { themeStyles } from '../shared/theme.js';
import { explorerStyles } from './explorer.styles.js';
import { Difference, renderCompareNote, SecondInput } from './compare.js';

/**
 * The three views as one interface, as Vig (2019) uses them: the model view's grid of every
 * layer and head on top; choosing a head opens the head view and the neuron view for it side by
 * side; a token focused in the head view is the neuron view's query. `words`, `hide`,
 * `aggregate`, `filter` and `theme` apply to all three (a change made in one view's toolbar
 * becomes the explorer's), and `layer`, `head` and `token` are attributes, so that a page can
 * link to a state. `thumbnail`, `summary`, `sort`, `highlight-above` and `highlight-below` go to
 * the grid (both grids in compare mode), as the model view takes them. With
 * `attnviz/transformers` loaded and a `model`, it has a text box.
 *
 * @summary The model, head and neuron views linked in one element.
 *
 * @fires attn-head-select - From the model view: a head was chosen (`detail: {layer, head}`) or the choice cleared.
 * @fires attn-token-focus - From the head view: a token was focused (`detail: {side, index, position, token, pinned}`).
 *
 * @csspart model-view - The grid of every layer and head.
 * @csspart head-view - The chosen head's lines.
 * @csspart neuron-view - The chosen head's query and key vectors.
 * @csspart text-form - The text box (with `model` and the adapter).
 * @csspart difference-view - Compare mode: the model view of A − B per head, of both inputs as the views show them.
 * @csspart head-view-b - Compare mode: the second input's head view.
 * @csspart neuron-view-b - Compare mode: the second input's neuron view.
 * @csspart compare-note - Compare mode: which tokens were compared, and which not.
 */
export class AttnExplorer extends AttnView {
  static override styles = [themeStyles, viewStyles, explorerStyles];

  /** The chosen head's layer, by the model's own number (none: only the grid is shown). */
  @property({ type: Number, reflect: true }) layer: number | undefined;

  /** The chosen head, by the model's own number. */
  @property({ type: Number, reflect: true }) head: number | undefined;

  /** The neuron view's query: a token index in the attention shown. */
  @property({ type: Number, reflect: true }) token: number | undefined;

  /**
   * Compare mode: a second input (B) of the same model, shown beside the first with the same
   * layer and head, and the grid shows A − B per head (e.g. "… a question. She" against "He").
   */
  @property({ attribute: false }) dataB: AttentionInput | undefined;

  /** Compare mode with the adapter and `model`: the second text, computed as `data-b`. */
  @property({ attribute: 'text-b' }) textB: string | undefined;

  /** The grid's thumbnails: `lines` or `heatmap` (the model view's `thumbnail`). */
  @property({ reflect: true }) thumbnail: ThumbnailMode = 'lines';

  /** The grid's per-head summary badge: `entropy`, `first`, `previous`, `self`, `delimiters`, or `none` (the model view's `summary`). */
  @property({ reflect: true }) summary: SummaryName | 'none' = 'none';

  /** The grid's order of heads in each row by the summary: `none`, `descending`, `ascending` (the model view's `sort`). */
  @property({ reflect: true }) sort: SortOrder = 'none';

  /** The grid's cells whose summary is at least this stand out (the model view's `highlight-above`). */
  @property({ attribute: 'highlight-above', type: Number, reflect: true }) highlightAbove: number | undefined;

  /** The grid's cells whose summary is at most this stand out (the model view's `highlight-below`). */
  @property({ attribute: 'highlight-below', type: Number, reflect: true }) highlightBelow: number | undefined;

  // The views inside derive what they show; the explorer passes its choices on.
  protected override readonly derives = false;
  private readonly second = new SecondInput(() => this.requestUpdate());
  private readonly difference = new Difference(() => this.requestUpdate());

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.textB && !this.second.data) this.loadSecond();
    if (this.difference.stale) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.second.loading) this.second.cancel();
    this.difference.pause();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('dataB')) this.second.set(this.dataB);
    if (changed.has('textB') || (this.textB && changed.has('model'))) this.loadSecond();
    const inputs = (['data', 'dataB', 'words', 'hide', 'aggregate'] as const).some((p) => changed.has(p));
    if (inputs || this.difference.stale) this.difference.update(this.given, this.second.data, this);
  }

  private loadSecond(): void {
    this.second.load(this.model, this.textB, (data) => {
      this.dataB = data;
    });
  }

  protected override dataChanged(): void {}

  protected override deriveState(): void {
    optionalIndex(this, 'layer', this.layer);
    optionalIndex(this, 'head', this.head);
    optionalIndex(this, 'token', this.token);
    // A layer or head the data lacks is the explorer's error, named as the page set it, once,
    // not each view's (the grid would name its own selected-layer).
    const c = this.given?.components[0];
    if (!c) return;
    if (this.layer !== undefined) resolveLayer(this, c, this.layer, {});
    if (this.head !== undefined && this.aggregate === 'none') resolveHead(this, c, this.head, {});
  }

  protected override get drawing(): boolean {
    return false;
  }

  /** Resolves when every view inside is drawn (in compare mode, A − B of flows or rollouts computed first). */
  override get drawComplete(): Promise<void> {
    return this.updateComplete.then(async (): Promise<void> => {
      const pending = this.difference.pending;
      if (pending && this.isConnected) {
        await pending;
        return this.drawComplete;
      }
      const views = [
        ...this.renderRoot.querySelectorAll<AttnView>('attn-model-view, attn-head-view, attn-neuron-view'),
      ];
      await Promise.all(views.map((v) => v.drawComplete));
    });
  }

  protected override exportScene(): Scene {
    throw new Error('attn-explorer: export from each view (the PNG and SVG buttons of its toolbar)');
  }

  protected override exportName(): string {
    return 'attention-explorer';
  }

  protected override render(): TemplateResult {
    const form = this.renderForm();
    const status = this.renderStatus();
    if (status) return html`${form}${status}`;
    const chosen = this.layer !== undefined && this.head !== undefined;
    // Heads combined (mean, max, rollout, flow) leave one head, numbered 0, in the grid and the
    // head view; the explorer keeps the head chosen before for when each head is shown again.
    const shownHead = this.aggregate === 'none' ? this.head : 0;
    // Every view gets the data as given and the explorer's choices; a choice made in a view's
    // toolbar becomes the explorer's (its events bubble to the wrapper), and so every view's.
    const shared = {
      data: this.given,
      theme: this.theme,
      filter: this.filter,
      words: this.words,
      hide: this.hide,
      aggregate: this.aggregate,
    };
    const events = (body: TemplateResult) =>
      html`<div
        @attn-head-select=${this.onHeadSelect}
        @attn-layer-change=${this.onLayer}
        @attn-heads-change=${this.onHeads}
        @attn-token-focus=${this.onToken}
        @attn-filter-change=${this.onFilter}
        @attn-words-change=${this.onWords}
        @attn-hide-change=${this.onHide}
        @attn-aggregate-change=${this.onAggregate}
      >
        ${body}
      </div>`;
    const hint = html`<p class="hint">
      Choose a head in the grid to see its lines and how it computes them.
    </p>`;
    // A grid outlines the head chosen (a layer and a head), else none. The difference grid's data
    // has the choices applied: its toolbar shows them all the same.
    const selected = {
      selectedLayer: chosen ? this.layer : undefined,
      selectedHead: chosen ? shownHead : undefined,
    };
    const grid = (part: string, data: unknown, choicesApplied = false) =>
      html`<attn-model-view
        part=${part}
        ${setProps({ ...shared, ...this.gridOptions(), data, choicesApplied, ...selected })}
      ></attn-model-view>`;
    const head = (part: string, data: unknown) =>
      html`<attn-head-view
        part=${part}
        ${setProps({ ...shared, data, layer: this.layer, heads: [shownHead!] })}
      ></attn-head-view>`;
    const neuron = (part: string, data: unknown) =>
      html`<attn-neuron-view
        part=${part}
        ${setProps({ ...shared, data, layer: this.layer, head: shownHead, token: this.token ?? this.lastQueryIfCausal() })}
      ></attn-neuron-view>`;
    if (this.dataB !== undefined || this.textB)
      return html`${form}${events(this.renderCompare({ grid, head, neuron }, chosen ? undefined : hint))}`;
    return html`${form}
    ${events(
      html`${grid('model-view', this.given)}
      ${chosen ? html`<div class="pair">${head('head-view', this.given)} ${neuron('neuron-view', this.given)}</div>` : hint}`,
    )}`;
  }

  /**
   * Compare mode: the grid of A − B (while A's and B's flows or rollouts are computed, how far),
   * then A's and B's head views side by side, and their neuron views (`hint` instead before a
   * head is chosen).
   */
  private renderCompare(
    views: Record<
      'grid' | 'head' | 'neuron',
      (part: string, data: unknown, applied?: boolean) => TemplateResult
    >,
    hint: TemplateResult | undefined,
  ): TemplateResult {
    const { second, difference } = this;
    if (second.loading) {
      return html`<div class="loading" part="loading" role="status">
        <span>${this.model}: computing attention for B…</span><progress aria-label="Progress"></progress>
      </div>`;
    }
    const { comparison: cmp, progress } = difference;
    const error = second.error ?? difference.error;
    if (progress === undefined && (error || !cmp))
      return renderErrorBox('Cannot compare', error ?? 'no second input yet (data-b or text-b)');
    const b = second.data;
    const side = (label: string, body: TemplateResult) =>
      html`<figure>
        <figcaption>${label}</figcaption>
        ${body}
      </figure>`;
    const pair = (view: (part: string, data: unknown) => TemplateResult, part: string) =>
      html`<div class="pair">${side('A', view(part, this.given))} ${side('B', view(`${part}-b`, b))}</div>`;
    return html`${
      cmp
        ? html`${views.grid('difference-view', cmp.difference, true)} ${renderCompareNote(cmp)}`
        : renderDeriveProgress(this.aggregate, progress!, ' of A and B')
    }
    ${hint ?? html`${pair(views.head, 'head-view')} ${pair(views.neuron, 'neuron-view')}`}`;
  }

  /** What the explorer's grids take from it (a removed attribute, null, is the model view's default). */
  private gridOptions() {
    return {
      noDetail: true,
      thumbnail: this.thumbnail ?? 'lines',
      summary: this.summary ?? 'none',
      sort: this.sort ?? 'none',
      highlightAbove: this.highlightAbove ?? undefined,
      highlightBelow: this.highlightBelow ?? undefined,
    };
  }

  /**
   * The neuron view's query before one is chosen: for a decoder, the last token, which sees every
   * key (the first sees only itself); else the neuron view's own choice.
   */
  private lastQueryIfCausal(): number | undefined {
    const c = this.given?.components[0];
    // The last of the queries shown: hiding tokens or merging words leaves fewer.
    return c?.causal ? c.queryStart + queriesShown(c, this.words, this.hide) - 1 : undefined;
  }

  /** A text box (and one for a second text) when the adapter is loaded and `model` is set. */
  private renderForm(): TemplateResult | typeof nothing {
    if (!this.model || !attentionLoader()) return nothing;
    const submit = (e: SubmitEvent) => {
      e.preventDefault();
      const form = e.target as HTMLFormElement;
      const text = (form.elements.namedItem('text') as HTMLInputElement).value;
      const pair = (form.elements.namedItem('text-pair') as HTMLInputElement).value;
      const b = (form.elements.namedItem('text-b') as HTMLInputElement).value;
      if (b !== (this.textB ?? '')) {
        this.textB = b || undefined;
        if (!b) this.dataB = undefined;
      }
      this.textPair = pair || undefined;
      this.text = text;
    };
    return html`<form part="text-form" @submit=${submit}>
      <input type="text" name="text" aria-label="Text" .value=${live(this.text ?? '')} />
      <input
        type="text"
        name="text-pair"
        aria-label="Second text (sentence pair)"
        placeholder="second text (optional)"
        .value=${live(this.textPair ?? '')}
      />
      <input
        type="text"
        name="text-b"
        aria-label="Text to compare with"
        placeholder="compare with (optional)"
        .value=${live(this.textB ?? '')}
      />
      <button type="submit">Show attention</button>
    </form>`;
  }

  private readonly onHeadSelect = (e: CustomEvent<AttnHeadSelectDetail>) => {
    this.layer = e.detail.layer ?? undefined;
    // A combined grid's one head stands for the head chosen before (kept), unless none was.
    if (this.aggregate === 'none' || this.head === undefined || e.detail.head === null)
      this.head = e.detail.head ?? undefined;
  };

  private readonly onHeads = (e: CustomEvent<AttnHeadsChangeDetail>) => {
    if (e.detail.heads.length === 1 && this.aggregate === 'none') this.head = e.detail.heads[0];
  };

  private readonly onLayer = (e: CustomEvent<AttnLayerChangeDetail>) => {
    this.layer = e.detail.layer;
  };

  private readonly onToken = (e: CustomEvent<AttnTokenFocusDetail>) => {
    const { side, index } = e.detail;
    if (side !== 'query' || index === null) return;
    this.token = index;
    // A query chosen in a neuron view is pinned in the head view of the same data (a hover or a
    // pin in the head view only moves the neuron view, whose query follows `token`).
    const from = e.target as Element;
    if (from.localName !== 'attn-neuron-view') return;
    const data = (from as HTMLElementTagNameMap['attn-neuron-view']).data;
    for (const view of this.renderRoot.querySelectorAll('attn-head-view')) {
      if (view.data === data) view.pinToken('query', index);
    }
  };

  private readonly onFilter = (e: CustomEvent<{ filter: string }>) => {
    this.filter = e.detail.filter as AttnView['filter'];
  };

  private readonly onWords = (e: CustomEvent<AttnWordsChangeDetail>) => {
    this.words = e.detail.words;
  };

  private readonly onHide = (e: CustomEvent<AttnHideChangeDetail>) => {
    this.hide = e.detail.hide;
  };

  private readonly onAggregate = (e: CustomEvent<AttnAggregateChangeDetail>) => {
    this.aggregate = e.detail.aggregate;
  };
}
