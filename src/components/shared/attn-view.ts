import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { AttentionDataError } from '../../core/errors.js';
import { availableFilters, type AttentionFilter } from '../../core/filters.js';
import { parseAttention, type AttentionInput } from '../../core/parse/index.js';
import type { AttentionData } from '../../core/types.js';
import type { SourceProgress } from '../../core/loader.js';
import type { Scene } from '../../render/scene.js';
import { keyword, numberListConverter } from './attributes.js';
import {
  AGGREGATE_MODES,
  HIDE_MODES,
  renderAggregateChoice,
  renderDeriveProgress,
  renderTokenChoices,
  type AggregateMode,
  type HideMode,
} from './derive.js';
import { deriveChoices, type Derivation } from './derive-job.js';
import { fire } from './events.js';
import { download, sceneToPng, sceneToSvg } from './export.js';
import { FrameController } from './frame-controller.js';
import { LoadController } from './load-controller.js';
import { renderLoadProgress } from './load-progress.js';
import { ThemeController } from './theme-controller.js';
import type { ThemeName } from './theme.js';

const THEMES: readonly ThemeName[] = ['light', 'dark', 'auto'];

/**
 * What every view shares: the `data` property parsed once at the edge; `model`/`text` computed
 * through the adapter (LoadController); the `filter` and `theme` attributes (ThemeController
 * reads the tokens); work in later frames (FrameController, cancelled with the data it was for);
 * the error state (a data, attribute or load error is shown in the element, never thrown from
 * rendering); `drawComplete`; and export (`toSVG`, `toPNG`, `download`).
 *
 * A view implements `dataChanged` (forget what was derived from the old data), `deriveState`
 * (resolve its attributes against the parsed data, throwing `AttentionDataError` for a bad one),
 * `drawing` (true while frames are still to be drawn) and `exportScene`.
 */
export abstract class AttnView extends LitElement {
  /** The attention to show: any input `parseAttention` accepts (bertviz JSON, nested arrays, tensors, per-layer lists). The same property on every view. */
  @property({ attribute: false }) data: AttentionInput | undefined;

  /** Which attention to show: `all`; sentence-pair blocks `aa`, `bb`, `ab`, `ba`; or `encoder`, `decoder`, `cross`. */
  @property({ reflect: true }) filter: AttentionFilter | undefined;

  /** Colour theme: `light`, `dark`, or `auto` to follow the system setting. */
  @property({ reflect: true }) theme: ThemeName = 'auto';

  /**
   * A model to compute attention from, with `text`: a Hub id (`Xenova/gpt2`) or the URL of a
   * folder in the transformers.js layout. Needs `import 'attnviz/transformers'`; the computed
   * attention replaces `data`.
   */
  @property({ reflect: true }) model: string | undefined;

  /** The text to run `model` on. */
  @property() text: string | undefined;

  /** Second segment for sentence-pair models (BERT's sentence B). */
  @property({ attribute: 'text-pair' }) textPair: string | undefined;

  /**
   * The target text of an encoder-decoder `model` (BART, Marian, T5), whose `text` is the source:
   * the decoder reads it as in training (teacher forcing), and the view gets encoder, decoder and
   * cross attention.
   */
  @property({ attribute: 'target-text' }) targetText: string | undefined;

  /**
   * Continue `text` with `model` (a causal decoder) by at most this many tokens, the most likely
   * each step, and show the attention over text and continuation; each new token's row appears as
   * it is generated, and generated tokens are marked (italic, underlined; "generated" for screen
   * readers). The `generated` filter shows their rows alone.
   */
  @property({ type: Number, reflect: true }) generate: number | undefined;

  /**
   * The layers to compute from `model`, by the model's numbers, comma-separated (default all):
   * only those are tapped, so a long text needs the memory of these alone.
   */
  @property({ attribute: 'compute-layers', converter: numberListConverter }) computeLayers:
    readonly number[] | undefined;

  /**
   * Compute from `model` only the layer shown (`layer`, default 0), then each layer the user picks
   * when it is picked, keeping each once computed (head and neuron views): a long text then needs
   * the memory and time of one layer at a time. The layer selector offers every layer of the model.
   */
  @property({ type: Boolean, attribute: 'layers-on-demand' }) layersOnDemand = false;

  /** The heads to keep of each computed layer, by the model's numbers, comma-separated (default all). */
  @property({ attribute: 'compute-heads', converter: numberListConverter }) computeHeads:
    readonly number[] | undefined;

  /**
   * Word-level attention: a word split into several tokens becomes one (attention to it is the
   * sum over its pieces, from it their mean; Clark et al. 2019).
   */
  @property({ type: Boolean, reflect: true }) words = false;

  /**
   * Tokens left out, each row then renormalised over the keys left: `none`, `first` (the first
   * token, where decoders park attention) or `special` ([CLS], [SEP], <s>…).
   */
  @property({ reflect: true }) hide: HideMode = 'none';

  /**
   * Heads shown: `none` (each head), `mean` or `max` (one per layer, over all heads), or
   * `rollout` (attention rollout through each layer, Abnar & Zuidema 2020). Derived heads and
   * layers are labelled ("mean of heads 0–11", "rollout to layer 5"); they have no vectors.
   */
  @property({ reflect: true }) aggregate: AggregateMode = 'none';

  /**
   * The `data` has `words`, `hide` and `aggregate` applied already (as the explorer's grid of
   * A − B, the difference of the two inputs derived with them): it is shown as given, and the
   * toolbar still shows these choices and fires their events.
   */
  @property({ attribute: false }) choicesApplied = false;

  /** The data shown: the parsed `data` with `words` and `hide` applied; undefined when there is none or it is invalid. */
  protected parsed: AttentionData | undefined;
  /** False for an element that passes `words`, `hide` and `aggregate` on to views inside it. */
  protected readonly derives: boolean = true;
  /** The parsed `data` as given (before `words`, `hide` and `aggregate`). */
  protected given: AttentionData | undefined;
  /** What the view shows instead of the attention: the data's or an attribute's error. */
  protected error: string | undefined;
  /** The theme's tokens as numbers, and the head palette. */
  protected readonly themeTokens = new ThemeController(this);
  /** Frames and idle work, dropped when the data changes or the element leaves the page. */
  protected readonly frames = new FrameController(this);
  protected readonly load = new LoadController(this, (data) => {
    this.data = data;
  });
  /** The parse error of the current `data`, kept until `data` changes. */
  private dataError: string | undefined;
  /** The error of `words` / `hide` on the current data, kept until one of them changes. */
  private deriveError: string | undefined;
  private drawWaiters: (() => void)[] = [];
  /** The flow or long rollout being computed off the main thread for what is shown. */
  private offThread: Derivation | undefined;
  /** True when `offThread` settled, or was dropped while away: derive what is shown again. */
  private rederive = false;

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page: draw again what was given away on leaving (see `releaseBuffers`).
    if (this.rederive || this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.releaseBuffers();
    // Work off the main thread stops while away (unless another view waits for it too).
    if (this.offThread && !this.offThread.result) {
      this.offThread.release();
      this.offThread = undefined;
      this.rederive = true;
    }
    // Nothing is drawn while away: whoever waits for a drawing must not wait forever.
    this.resolveDrawWaiters();
  }

  /** The layer shown, for `layers-on-demand`: the `layer` of the head and neuron views. */
  shownLayer(): number | undefined {
    const layer = (this as { layer?: unknown }).layer;
    return typeof layer === 'number' && Number.isInteger(layer) ? layer : undefined;
  }

  /** Computes the attention again after a failed or cancelled load (the Retry button). */
  retry(): void {
    this.load.retry();
  }

  /** Stops a load in flight. */
  cancelLoad(): void {
    this.load.cancel();
  }

  /** Re-reads the `--attn-*` theme tokens; call after changing them from outside at run time. */
  refreshTheme(): void {
    this.themeTokens.invalidate();
    this.requestUpdate();
  }

  /**
   * Resolves when everything the view shows is drawn (large inputs take several frames; a flow
   * or a long rollout is computed first).
   */
  get drawComplete(): Promise<void> {
    return this.updateComplete.then(async (): Promise<void> => {
      const job = this.offThread;
      if (job && !job.result && !job.error && this.isConnected) {
        await job.done;
        return this.drawComplete;
      }
      if (this.drawing && !this.error && this.isConnected) {
        await new Promise<void>((resolve) => this.drawWaiters.push(resolve));
      }
    });
  }

  /** The view as it is now (layer, heads, focus, filter, theme) as a standalone SVG document. */
  toSVG(): string {
    return sceneToSvg(this.exportScene());
  }

  /** The view as it is now as a PNG, at `scale` device pixels per CSS pixel (default: the screen's). */
  toPNG(scale = window.devicePixelRatio || 1): Promise<Blob> {
    return sceneToPng(this.exportScene(), scale);
  }

  /** Saves the view as a file, as the toolbar's buttons do. */
  async download(format: 'png' | 'svg'): Promise<void> {
    const name = `${this.exportName()}.${format}`;
    if (format === 'svg') download(this.toSVG(), name);
    else download(await this.toPNG(), name);
  }

  /**
   * The toolbar's "Tokens" selector, bound to `words` and `hide`; a change fires
   * `attn-words-change` and/or `attn-hide-change`. Without the word choices for a view that cannot
   * show word-level attention.
   */
  protected tokenChoices(words = true): TemplateResult {
    return renderTokenChoices({
      words: this.words,
      hide: this.hide,
      wordsOffered: words,
      onChange: (on, hide) => {
        if (on !== this.words) {
          this.words = on;
          fire(this, 'attn-words-change', { words: on });
        }
        if (hide !== this.hide) {
          this.hide = hide;
          fire(this, 'attn-hide-change', { hide });
        }
      },
    });
  }

  /** The "Heads" selector (each, mean, max, rollout), bound to `aggregate`; a change fires `attn-aggregate-change`. */
  protected aggregateChoice(): TemplateResult {
    return renderAggregateChoice(this.aggregate, (aggregate) => {
      this.aggregate = aggregate;
      fire(this, 'attn-aggregate-change', { aggregate });
    });
  }

  /** A toolbar's Attention selector changed: sets `filter` and fires `attn-filter-change`. */
  protected readonly handleFilterChange = (e: Event): void => {
    const filter = (e.target as HTMLSelectElement).value as AttentionFilter;
    this.filter = filter;
    fire(this, 'attn-filter-change', { filter });
  };

  /** Resets what a view derived from the previous `data` (called when `data` changes). */
  protected abstract dataChanged(): void;

  /** Resolves the view's attributes against `this.parsed`; throws `AttentionDataError` for a bad one. */
  protected abstract deriveState(changed: PropertyValues<this>): void;

  /** True while the view still has frames to draw for what it shows. */
  protected abstract get drawing(): boolean;

  /** The whole view as it is now, for `toSVG` and `toPNG`; throws when there is nothing to export. */
  protected abstract exportScene(): Scene;

  /** The file name (without extension) `download` offers. */
  protected abstract exportName(): string;

  /**
   * Gives the painter's pixel buffers back for the next view (render/buffers.ts) when the element
   * leaves the page; it draws anew when it comes back.
   */
  protected releaseBuffers(): void {}

  /** Call after each draw: resolves `drawComplete` once nothing is left to draw. */
  protected drawn(): void {
    if (!this.drawing) this.resolveDrawWaiters();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const source = [
      'model',
      'text',
      'textPair',
      'targetText',
      'generate',
      'computeLayers',
      'computeHeads',
    ] as const;
    if (source.some((p) => changed.has(p)) || changed.has('layersOnDemand')) {
      this.load.start();
    } else if (this.layersOnDemand && this.model && (changed as Map<PropertyKey, unknown>).has('layer')) {
      this.load.showLayer();
    } else if (changed.has('data')) {
      this.load.clearError();
    }
    if (changed.has('data')) {
      this.given = undefined;
      this.dataError = undefined;
      if (this.data !== undefined && this.data !== null) {
        try {
          this.given = parseAttention(this.data);
        } catch (e) {
          this.dataError = errorMessage(e);
        }
      }
    }
    const choices = (['data', 'words', 'hide', 'aggregate', 'choicesApplied'] as const).some((p) =>
      changed.has(p),
    );
    if (choices || this.rederive) {
      this.parsed = undefined;
      this.frames.cancel();
      this.dataChanged();
      try {
        if (this.hide === null || this.hide === undefined) this.hide = 'none';
        keyword(this, 'hide', this.hide, HIDE_MODES);
        if (this.aggregate === null || this.aggregate === undefined) this.aggregate = 'none';
        keyword(this, 'aggregate', this.aggregate, AGGREGATE_MODES);
        this.deriveError = undefined;
        this.parsed = this.derived(choices);
      } catch (e) {
        this.deriveError = errorMessage(e);
      }
    }
    if (this.deriveError && !this.dataError) {
      this.error = this.deriveError;
      this.resolveDrawWaiters();
      return;
    }
    if (this.dataError) {
      this.error = this.dataError;
      this.resolveDrawWaiters();
      return;
    }
    try {
      // Removing the attribute sets null: back to the default.
      if (this.theme === null || this.theme === undefined) this.theme = 'auto';
      keyword(this, 'theme', this.theme, THEMES);
      // The attribute reflects only after this update; the theme's styles must apply now.
      if (changed.has('theme')) {
        if (this.getAttribute('theme') !== this.theme) this.setAttribute('theme', this.theme);
        this.themeTokens.invalidate();
      }
      this.deriveState(changed);
      this.error = undefined;
    } catch (e) {
      this.error = errorMessage(e);
      this.resolveDrawWaiters();
    }
  }

  /**
   * What is shown of `given` with `words`, `hide` and `aggregate`: in place, or (flow, long
   * rollouts) from the derivations' worker, undefined until it is there. `choices`: they changed
   * since the last call (else a derivation settled, or the element came back).
   * @throws AttentionDataError for what the derivation refuses.
   */
  private derived(choices: boolean): AttentionData | undefined {
    const held = this.offThread;
    this.rederive = false;
    if (!choices && held?.result) return held.result;
    if (!choices && held?.error)
      throw new AttentionDataError('aggregate', 'a derivation that completes', held.error);
    held?.release();
    this.offThread = undefined;
    const given = this.given;
    if (!given || !this.derives || this.choicesApplied) return given;
    const derived = deriveChoices(given, this.words, this.hide, this.aggregate);
    if ('shown' in derived) return derived.shown;
    const job = derived.job;
    if (job.result) return job.result;
    this.offThread = job;
    job.onProgress(() => this.requestUpdate());
    void job.done.then(() => {
      if (this.offThread !== job) return;
      this.rederive = true;
      this.requestUpdate();
    });
    return undefined;
  }

  /** The filter shown: the attribute, else the data's first (`all`, or the first component). */
  protected get currentFilter(): AttentionFilter {
    const filters = this.parsed ? availableFilters(this.parsed) : ['all' as const];
    return this.filter ?? filters[0]!;
  }

  /** While a continuation streams in (the view shows it), its progress bar with Cancel; else nothing. */
  protected renderProgress(): TemplateResult | typeof nothing {
    return this.load.streaming && this.parsed ? this.renderLoading() : nothing;
  }

  /** The loading, error or empty state, or undefined when the view shows attention. */
  protected renderStatus(): TemplateResult | undefined {
    const state = this.load.state;
    if (state.kind === 'loading') {
      if (this.load.streaming && this.parsed) return undefined;
      return this.renderLoading();
    }
    if (state.kind === 'error') {
      return renderErrorBox(
        (state.reason && LOAD_HEADINGS[state.reason]) || 'Could not compute attention',
        state.message,
        html`<button type="button" @click=${() => this.retry()}>Retry</button>`,
        state.reason,
      );
    }
    if (this.error) return renderErrorBox('Cannot show this attention', this.error);
    const job = this.offThread;
    if (!this.parsed && job && !job.result && !job.error)
      return renderDeriveProgress(this.aggregate, job.progress);
    if (!this.parsed) {
      return html`<div class="empty" part="empty">
        No attention data: set the <code>data</code> property, or <code>model</code> and <code>text</code>.
      </div>`;
    }
    return undefined;
  }

  private renderLoading(): TemplateResult {
    const p = (this.load.state as { progress: SourceProgress }).progress;
    return renderLoadProgress(this.model ?? '', p, () => this.cancelLoad());
  }

  private resolveDrawWaiters(): void {
    for (const resolve of this.drawWaiters.splice(0)) resolve();
  }
}

/** The error box's heading for each cause a model load names (`AttentionComputeError.kind`). */
const LOAD_HEADINGS: Readonly<Record<string, string>> = {
  'not-found': 'Model not found',
  network: 'Network failure',
  http: 'The server answered with an error',
  truncated: 'Download cut short',
  'corrupt-model': 'The model file is damaged',
  'not-json': 'A model file is not JSON',
  'html-instead': 'A web page came instead of a model file',
  unsupported: 'Model not supported',
  'too-long': 'Input too long',
  tokenizer: 'Tokenizer problem',
  aborted: 'Cancelled',
};

/**
 * One layout for every error the views show: a heading, the message, and optional actions;
 * `reason` (a load error's cause) goes to `data-reason`, for pages that style or test by cause.
 */
export function renderErrorBox(
  heading: string,
  message: string,
  actions?: TemplateResult,
  reason?: string,
): TemplateResult {
  return html`<div class="error" part="error" role="alert" data-reason=${reason ?? nothing}>
    <strong class="error-heading">${heading}</strong>
    <p class="error-message">${message}</p>
    ${actions ? html`<div class="error-actions">${actions}</div>` : nothing}
  </div>`;
}

/** The message an error state shows: the data error's own, or a generic one (logged) for bugs. */
export function errorMessage(e: unknown): string {
  if (e instanceof AttentionDataError) return e.message;
  console.error(e);
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}
