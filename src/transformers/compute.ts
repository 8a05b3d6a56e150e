/**
 * `computeAttention`: a model's real attention for a text, computed where this code runs (browser
 * or Node), from the model's own ONNX file with its attention tapped (see tap.ts). transformers.js
 * (either package, passed in by the caller) supplies the tokenizer and config; onnxruntime-web runs
 * the tapped graph. An encoder-decoder model runs as two graphs, the encoder's hidden states fed to
 * the decoder.
 */
import type { AttentionData } from '../core/types.js';
import { AttentionComputeError, checkAborted } from './errors.js';
import { locate } from './files.js';
import { buildFeeds, isPastInput } from './feeds.js';
import { type ComputeOptions, MAX_ATTENTION_BYTES } from './types.js';
import { encode, idsToTokens, numberOf, pastSize, loadTokenizer } from './tokenizer.js';
import {
  defaultDtype,
  SUFFIX,
  isHalf,
  onnxRuntime,
  fetchTapped,
  openSession,
  tapFetches,
  runSession,
} from './session.js';
import { assemble } from './assemble.js';
import { isEncoderDecoder, computeEncoderDecoder } from './encoder-decoder.js';

export { AttentionComputeError, type ComputeErrorKind } from './errors.js';
export type {
  ComputeOptions,
  ModelConfig,
  ModelDtype,
  OrtModule,
  Progress,
  TransformersModule,
} from './types.js';
export { MAX_ATTENTION_BYTES } from './types.js';
export { decoderInputIds } from './encoder-decoder.js';

/**
 * The attention of every layer and head of `model` for `text` (and `textPair`), with each head's
 * query, key and value vectors, as the library's data model; for an encoder-decoder model, its
 * encoder, decoder and cross attention for `text` and `targetText`.
 */
export async function computeAttention(o: ComputeOptions): Promise<AttentionData> {
  const t = o.transformers;
  if (!t?.AutoTokenizer || !t.AutoConfig || !t.env) {
    throw new AttentionComputeError(
      'runtime',
      'computeAttention: pass the imported transformers.js module as `transformers`',
    );
  }
  const progress = o.onProgress;
  const loc = locate(o.model, t.env);
  checkAborted(o.signal);
  progress?.({ stage: 'tokenizer' });
  const [tokenizer, config] = await loadTokenizer(o, loc);
  checkAborted(o.signal);
  if (isEncoderDecoder(config)) return computeEncoderDecoder(o, loc, tokenizer, config);
  if (o.targetText !== undefined) {
    throw new AttentionComputeError(
      'unsupported',
      `targetText is for encoder-decoder models, and "${o.model}" (${config.model_type ?? 'no model_type'}) is not one`,
    );
  }
  const { ids, typeIds } = encode(tokenizer, config, o.text, o.textPair);
  const tokens = idsToTokens(tokenizer, ids);
  const S = ids.length;
  const maxPositions = numberOf(config, 'max_position_embeddings', 'n_positions', 'n_ctx');
  const L = numberOf(config, 'num_hidden_layers', 'n_layer', 'num_layers') ?? 0;
  const H = numberOf(config, 'num_attention_heads', 'n_head', 'num_heads') ?? 0;
  const past = pastSize(config, H);
  const D = past.dim;
  if (maxPositions !== undefined && S > maxPositions) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${S} tokens, and "${o.model}" takes at most ${maxPositions}`,
    );
  }
  const bytes = 4 * L * H * S * (S + 3 * D);
  const limit = o.maxBytes ?? MAX_ATTENTION_BYTES;
  if (bytes > limit) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${L} layers × ${H} heads × ${S} tokens need ${(bytes / 2 ** 20).toFixed(0)} MiB of attention and vectors (L·H·S·(S + 3d)·4 bytes), over the limit of ${(limit / 2 ** 20).toFixed(0)} MiB (maxBytes)`,
    );
  }

  const dtype = o.dtype ?? defaultDtype(t);
  const { file, tapped } = await fetchTapped(o, loc, [
    `onnx/model${SUFFIX[dtype]}.onnx`,
    `onnx/decoder_model_merged${SUFFIX[dtype]}.onnx`,
  ]);
  const ort = await onnxRuntime(o);
  checkAborted(o.signal);
  const session = await openSession(ort, tapped, o, file);
  try {
    checkAborted(o.signal);
    progress?.({ stage: 'computing' });
    const feeds = buildFeeds(ort.Tensor, session, ids, typeIds, past, isHalf(dtype));
    const outputs = await runSession(session, feeds, tapFetches(tapped.taps), o, file);
    checkAborted(o.signal);
    const data = assemble(outputs, tapped.taps, tokens, {
      // From the model, not its type's name: over two tokens or more, the parser calls attention
      // causal when no head of any layer gives a later key any weight (masked scores come out of
      // the softmax as exact zeros); a single token tells nothing, so a graph that takes a cache
      // is taken for a decoder.
      causal: S > 1 ? undefined : session.inputNames.some(isPastInput),
      sentenceBStart: o.textPair !== undefined && typeIds ? typeIds.indexOf(1) : -1,
      heads: H,
      half: isHalf(dtype),
    });
    progress?.({ stage: 'done' });
    return data;
  } finally {
    await session.release?.();
  }
}
