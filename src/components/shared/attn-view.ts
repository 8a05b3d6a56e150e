import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AttentionDataError, describe } from '../../core/errors.js';
import { availableFilters, type AttentionFilter } from '../../core/filters.js';
import { parseAttention, type AttentionInput } from '../../core/parse/index.js';
import type { AttentionData } from '../../core/types.js';
import type { ThemeName } from './theme.js';
import { attentionLoader, type SourceProgress } from './source.js';

/**
 * What every view shares: the `data` property parsed once at the edge, the `filter` and `theme`
 * attributes, the error state (a parse or attribute error is shown in the element, never thrown
 * from rendering), and re-reading the theme when the system colour scheme changes. A view
 * implements `deriveState`, which resolves its attributes against the parsed data and throws
 * `AttentionDataError` for one the data cannot satisfy.
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

  /** Progress of computing attention from `model` and `text`, while it runs. */
  @state() protected loading: SourceProgress | null = null;
  private loadController: AbortController | undefined;
  /** The error of the last load, shown with a Retry button. */
  private loadError: string | undefined;

  /** The parsed `data`, or undefined when there is none or it is invalid. */
  protected parsed: AttentionData | undefined;
  /** What the view shows instead of the attention: the data's or an attribute's error. */
  protected error: string | undefined;
  /** True when the theme tokens must be read again before drawing. */
  protected themeDirty = true;
  /** The parse error of the current `data`, kept until `data` changes. */
  private dataError: string | undefined;
  private media: MediaQueryList | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.media = window.matchMedia('(prefers-color-scheme: dark)');
    this.media.addEventListener('change', this.handleMediaChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.media?.removeEventListener('change', this.handleMediaChange);
    this.loadController?.abort();
  }

  /** Computes attention from `model` and `text` (cancelling a load in flight), if both are set. */
  private startLoad(): void {
    this.loadController?.abort();
    this.loadController = undefined;
    this.loadError = undefined;
    this.loading = null;
    if (!this.model || this.text === undefined || this.text === null) return;
    const loader = attentionLoader();
    if (!loader) {
      this.loadError = `model="${this.model}" needs the transformers.js adapter: import the module attnviz/transformers once (and install @huggingface/transformers or @xenova/transformers)`;
      return;
    }
    const controller = new AbortController();
    this.loadController = controller;
    this.loading = { stage: 'tokenizer' };
    loader({
      model: this.model,
      text: this.text,
      ...(this.textPair !== undefined && this.textPair !== null ? { textPair: this.textPair } : {}),
      ...(this.targetText !== undefined && this.targetText !== null ? { targetText: this.targetText } : {}),
      signal: controller.signal,
      onProgress: (p) => {
        if (this.loadController === controller) this.loading = p;
      },
    }).then(
      (data) => {
        if (this.loadController !== controller) return;
        this.loadController = undefined;
        this.loading = null;
        this.data = data;
        this.dispatchEvent(
          new CustomEvent('attn-load', {
            detail: { model: this.model ?? '' },
            bubbles: true,
            composed: true,
          }),
        );
      },
      (e: unknown) => {
        if (this.loadController !== controller) return;
        this.loadController = undefined;
        this.loading = null;
        this.loadError = e instanceof Error ? e.message : String(e);
        this.requestUpdate();
      },
    );
  }

  /** Computes the attention again after a failed or cancelled load (the Retry button). */
  retry(): void {
    this.startLoad();
    this.requestUpdate();
  }

  /** Stops a load in flight. */
  cancelLoad(): void {
    if (!this.loadController) return;
    this.loadController.abort();
    this.loadController = undefined;
    this.loading = null;
    this.loadError = `computing attention for ${this.model} was cancelled`;
    this.requestUpdate();
  }

  /** The loading or error state, or undefined when the view shows attention. */
  protected renderStatus(): TemplateResult | undefined {
    if (this.loading) {
      const p = this.loading;
      const stage = {
        tokenizer: 'loading the tokenizer',
        download: `downloading ${p.file ?? 'the model'}`,
        preparing: 'preparing the model',
        computing: 'computing attention',
        done: 'done',
      }[p.stage];
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      const amount = p.loaded !== undefined ? ` ${mb(p.loaded)}${p.total ? ` / ${mb(p.total)}` : ''} MB` : '';
      return html`<div class="loading" part="loading" role="status">
        <span>${this.model}: ${stage}${amount}…</span>
        ${
          p.total && p.loaded !== undefined
            ? html`<progress max=${p.total} .value=${p.loaded} aria-label="Progress"></progress>`
            : html`<progress aria-label="Progress"></progress>`
        }
        <button type="button" @click=${() => this.cancelLoad()}>Cancel</button>
      </div>`;
    }
    if (this.loadError) {
      return html`<div class="error" part="error" role="alert">
        ${this.loadError}
        <div><button type="button" @click=${() => this.retry()}>Retry</button></div>
      </div>`;
    }
    if (this.error) return html`<div class="error" part="error" role="alert">${this.error}</div>`;
    return undefined;
  }

  /** Re-reads the `--attn-*` theme tokens; call after changing them from outside at run time. */
  refreshTheme(): void {
    this.themeDirty = true;
    this.requestUpdate();
  }

  /** Resets what a view derived from the previous `data` (called when `data` changes). */
  protected abstract dataChanged(): void;

  /** Resolves the view's attributes against `this.parsed`; throws `AttentionDataError` for a bad one. */
  protected abstract deriveState(changed: PropertyValues<this>): void;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model') || changed.has('text') || changed.has('textPair') || changed.has('targetText')) {
      this.startLoad();
    } else if (changed.has('data')) {
      this.loadError = undefined;
    }
    if (changed.has('data')) {
      this.parsed = undefined;
      this.dataError = undefined;
      this.dataChanged();
      if (this.data !== undefined && this.data !== null) {
        try {
          this.parsed = parseAttention(this.data);
        } catch (e) {
          this.dataError = errorMessage(e);
        }
      }
    }
    if (this.dataError) {
      this.error = this.dataError;
      return;
    }
    try {
      if (!['light', 'dark', 'auto'].includes(this.theme)) {
        throw new AttentionDataError('theme', '"light", "dark" or "auto"', describe(this.theme));
      }
      if (this.themeDirty || changed.has('theme')) {
        // The attribute reflects only after this update; the theme's styles must apply now.
        if (this.getAttribute('theme') !== this.theme) this.setAttribute('theme', this.theme);
      }
      this.deriveState(changed);
      this.error = undefined;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** The filter shown: the attribute, else the data's first (`all`, or the first component). */
  protected get currentFilter(): AttentionFilter {
    const filters = this.parsed ? availableFilters(this.parsed) : ['all' as const];
    return this.filter ?? filters[0]!;
  }

  private readonly handleMediaChange = (): void => {
    this.refreshTheme();
  };
}

/** The message an error state shows: the data error's own, or a generic one (logged) for bugs. */
export function errorMessage(e: unknown): string {
  if (e instanceof AttentionDataError) return e.message;
  console.error(e);
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}
