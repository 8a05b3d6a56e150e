import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { attentionLoader, type SourceProgress, type SourceRequest } from '../../core/loader.js';
import type { AttentionData } from '../../core/types.js';
import { numberList } from './attributes.js';

/** What a model load is doing: nothing, running (with its progress), or failed. */
export type LoadState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly progress: SourceProgress }
  | {
      readonly kind: 'error';
      readonly message: string;
      /** The failure's cause as the loader names it (`AttentionComputeError.kind`: `network`, `http`, …), when it does. */
      readonly reason?: string;
    };

/** What the controller needs of its element. */
export interface LoadHost extends ReactiveControllerHost, HTMLElement {
  model: string | undefined;
  text: string | undefined;
  textPair: string | undefined;
  targetText: string | undefined;
  /** Most tokens to generate after `text` (a causal decoder's continuation), if any. */
  generate: number | undefined;
  /** The model's layers and heads to compute (default all). */
  computeLayers: readonly number[] | undefined;
  computeHeads: readonly number[] | undefined;
  /** Compute only the layer shown, and each other layer when it is shown (each kept once computed). */
  layersOnDemand: boolean;
  /** The layer the element shows, by the model's number, if it shows one (head and neuron views). */
  shownLayer(): number | undefined;
}

const IDLE: LoadState = { kind: 'idle' };

/**
 * Computes attention from an element's `model` and `text` through the loader that
 * `attnviz/transformers` registers, with progress, cancel and retry. A load that is replaced,
 * cancelled or outlived by its element never reaches it: each load has its own AbortController,
 * and only the current one may report.
 */
export class LoadController implements ReactiveController {
  state: LoadState = IDLE;
  private current: AbortController | undefined;
  /** With `layersOnDemand`: each layer's attention computed so far, for the current model and text. */
  private readonly layerData = new Map<number, AttentionData>();

  constructor(
    private readonly host: LoadHost,
    /** Receives each computed attention, and while generating the attention so far. */
    private readonly onLoad: (data: AttentionData) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    // A view removed mid-load stops the work; put back, it loads again on Retry or a change.
    if (this.current) this.cancel();
  }

  /** True while a load runs. */
  get loading(): boolean {
    return this.state.kind === 'loading';
  }

  /** True while a continuation is generated and its attention so far is shown. */
  get streaming(): boolean {
    return this.state.kind === 'loading' && this.state.progress.data !== undefined;
  }

  /**
   * With `layersOnDemand`, shows the layer the element now shows: from what was computed, else by
   * computing it (and keeping it).
   */
  showLayer(): void {
    const kept = this.layerData.get(this.host.shownLayer() ?? 0);
    if (kept) this.onLoad(kept);
    else this.start(true);
  }

  /**
   * Starts computing (cancelling a load in flight), if `model` and `text` are both set; a new model
   * or text (not `sameSource`) forgets the layers computed on demand.
   */
  start(sameSource = false): void {
    if (!sameSource) this.layerData.clear();
    this.current?.abort();
    this.current = undefined;
    this.state = IDLE;
    const { model, text, textPair, targetText, generate, computeLayers, computeHeads } = this.host;
    if (!model || text === undefined || text === null) return;
    const loader = attentionLoader();
    if (!loader) {
      this.state = {
        kind: 'error',
        message: `model="${model}" needs the transformers.js adapter: import the module attnviz/transformers once (and install @huggingface/transformers or @xenova/transformers)`,
      };
      return;
    }
    let layers: readonly number[] | undefined;
    let heads: readonly number[] | undefined;
    try {
      layers = this.host.layersOnDemand
        ? [this.host.shownLayer() ?? 0]
        : numberList(this.host, 'compute-layers', computeLayers, 'layer numbers');
      heads = numberList(this.host, 'compute-heads', computeHeads, 'head numbers');
    } catch (e) {
      this.state = { kind: 'error', message: (e as Error).message };
      return;
    }
    const controller = new AbortController();
    this.current = controller;
    this.state = { kind: 'loading', progress: { stage: 'tokenizer' } };
    const request: SourceRequest = {
      model,
      text,
      ...(textPair !== undefined && textPair !== null ? { textPair } : {}),
      ...(targetText !== undefined && targetText !== null ? { targetText } : {}),
      ...(generate !== undefined && generate !== null ? { generate } : {}),
      ...(layers ? { layers } : {}),
      ...(heads ? { heads } : {}),
      signal: controller.signal,
      onProgress: (progress) => {
        if (this.current !== controller) return;
        this.state = { kind: 'loading', progress };
        // The continuation streams in: each step's attention is shown as it comes.
        if (progress.data) this.onLoad(progress.data);
        this.host.requestUpdate();
      },
    };
    loader(request).then(
      (data) => {
        if (this.current !== controller) return;
        this.current = undefined;
        this.state = IDLE;
        if (this.host.layersOnDemand) for (const l of data.components[0]!.layers) this.layerData.set(l, data);
        this.onLoad(data);
        this.host.dispatchEvent(
          new CustomEvent('attn-load', { detail: { model }, bubbles: true, composed: true }),
        );
      },
      (e: unknown) => {
        if (this.current !== controller) return;
        this.current = undefined;
        const reason = (e as { kind?: unknown } | null)?.kind;
        this.state = {
          kind: 'error',
          message: e instanceof Error ? e.message : String(e),
          ...(typeof reason === 'string' ? { reason } : {}),
        };
        this.host.requestUpdate();
      },
    );
  }

  /** Forgets a failed load's error (new `data` replaces what the model would have given). */
  clearError(): void {
    if (this.state.kind === 'error') this.state = IDLE;
  }

  /** Computes the attention again after a failed or cancelled load. */
  retry(): void {
    this.start();
    this.host.requestUpdate();
  }

  /** Stops a load in flight. */
  cancel(): void {
    if (!this.current) return;
    this.current.abort();
    this.current = undefined;
    this.state = {
      kind: 'error',
      message: `computing attention for ${this.host.model} was cancelled`,
      reason: 'aborted',
    };
    this.host.requestUpdate();
  }
}
