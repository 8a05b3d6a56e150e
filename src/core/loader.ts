/**
 * How elements get attention from a model id and text: `attnviz/transformers` registers a loader
 * here when it is imported. Without it, an element given `model` and `text` says what to import,
 * so the rest of the library never loads transformers.js or onnxruntime.
 */
import type { AttentionData } from './types.js';

export interface SourceProgress {
  readonly stage: 'tokenizer' | 'download' | 'preparing' | 'computing' | 'generating' | 'done';
  readonly file?: string;
  /** Bytes so far (download), or tokens generated so far (generating). */
  readonly loaded?: number;
  readonly total?: number;
  /** While generating: the attention so far, the newest token's row included. */
  readonly data?: AttentionData;
}

export interface SourceRequest {
  readonly model: string;
  readonly text: string;
  readonly textPair?: string;
  /** An encoder-decoder model's target text (its decoder's input). */
  readonly targetText?: string;
  /** Continue the text by at most this many tokens (greedy), the attention over both returned. */
  readonly generate?: number;
  /** The model's layer numbers to compute (default all): only those are tapped. */
  readonly layers?: readonly number[];
  /** The model's head numbers to keep in each layer (default all). */
  readonly heads?: readonly number[];
  readonly signal: AbortSignal;
  readonly onProgress: (p: SourceProgress) => void;
}

export type AttentionLoader = (request: SourceRequest) => Promise<AttentionData>;

const KEY = Symbol.for('attnviz.attentionLoader');

/** Registers the loader elements use for `model` + `text` (one per page; the last wins). */
export function registerAttentionLoader(loader: AttentionLoader): void {
  (globalThis as Record<symbol, unknown>)[KEY] = loader;
}

/** The registered loader, if `attnviz/transformers` was imported. */
export function attentionLoader(): AttentionLoader | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as AttentionLoader | undefined;
}
