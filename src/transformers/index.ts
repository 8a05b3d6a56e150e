/**
 * `attnviz/transformers`: attention computed in the browser (or Node) from a model id and text,
 * through transformers.js (tokenizer, config) and onnxruntime-web (the model, with its attention
 * tapped). Importing this module lets the elements accept `model`, `text` and `text-pair` (and,
 * for an encoder-decoder model, `target-text`).
 *
 * ```js
 * import * as transformers from '@huggingface/transformers'; // or '@xenova/transformers'
 * import { useTransformers } from 'attnviz/transformers';
 * useTransformers(transformers);
 * ```
 */
import { registerAttentionLoader } from '../core/loader.js';
import { computeAttention, type ComputeOptions, type TransformersModule } from './compute.js';

export {
  computeAttention,
  AttentionComputeError,
  MAX_ATTENTION_BYTES,
  type ComputeErrorKind,
  type ComputeOptions,
  type GenerateOptions,
  MAX_NEW_TOKENS,
  type ModelDtype,
  type Progress,
  type TransformersModule,
  type OrtModule,
  type ModelConfig,
} from './compute.js';
export {
  tapModel,
  findAttention,
  UnsupportedModelError,
  FUSED_ATTENTION_OPS,
  type AttentionTap,
} from './tap.js';

/** What `useTransformers` sets for every element: the options of `computeAttention` that are not per run. */
export type TransformersSettings = Pick<ComputeOptions, 'dtype' | 'ort' | 'maxBytes' | 'proxy' | 'float16'>;

interface Settings extends TransformersSettings {
  transformers?: TransformersModule;
}

const settings: Settings = {};

/**
 * Sets the transformers.js module (and optionally the weights' dtype, the onnxruntime-web module,
 * the memory limit and onnxruntime's proxy worker, as `computeAttention` takes them) the elements
 * use. Without it, the first element that needs a model imports `@huggingface/transformers`, else
 * `@xenova/transformers`.
 */
export function useTransformers(transformers: TransformersModule, options: TransformersSettings = {}): void {
  Object.assign(settings, options, { transformers });
}

async function transformersModule(): Promise<TransformersModule> {
  if (settings.transformers) return settings.transformers;
  for (const name of ['@huggingface/transformers', '@xenova/transformers']) {
    try {
      settings.transformers = (await import(/* @vite-ignore */ name)) as TransformersModule;
      return settings.transformers;
    } catch {
      // try the next package
    }
  }
  throw new Error(
    'attnviz/transformers needs transformers.js: install @huggingface/transformers (or @xenova/transformers) and pass it to useTransformers()',
  );
}

registerAttentionLoader(async (request) => {
  const options: ComputeOptions = {
    model: request.model,
    text: request.text,
    transformers: await transformersModule(),
    signal: request.signal,
    onProgress: request.onProgress,
    ...(request.textPair !== undefined ? { textPair: request.textPair } : {}),
    ...(request.targetText !== undefined ? { targetText: request.targetText } : {}),
    ...(request.generate !== undefined ? { generate: { maxNewTokens: request.generate } } : {}),
    ...(request.layers !== undefined ? { layers: request.layers } : {}),
    ...(request.heads !== undefined ? { heads: request.heads } : {}),
    ...(settings.dtype ? { dtype: settings.dtype } : {}),
    ...(settings.ort ? { ort: settings.ort } : {}),
    ...(settings.maxBytes ? { maxBytes: settings.maxBytes } : {}),
    ...(settings.proxy !== undefined ? { proxy: settings.proxy } : {}),
    ...(settings.float16 !== undefined ? { float16: settings.float16 } : {}),
  };
  return computeAttention(options);
});
