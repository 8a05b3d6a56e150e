/**
 * `computeAttention`: a model's real attention for a text, computed where this code runs (browser
 * or Node), from the model's own ONNX file with its attention tapped (see tap.ts). transformers.js
 * (either package, passed in by the caller) supplies the tokenizer and config; onnxruntime-web runs
 * the tapped graph. An encoder-decoder model runs as two graphs, the encoder's hidden states fed to
 * the decoder.
 */
import { attentionData } from '../core/brand.js';
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
import { checkGenerate, endTokens, generate } from './generate.js';
import { checkFloat16, checkMemory, selection, toFloat16 } from './select.js';

export { AttentionComputeError, type ComputeErrorKind } from './errors.js';
export type {
  ComputeOptions,
  GenerateOptions,
  ModelConfig,
  ModelDtype,
  OrtModule,
  Progress,
  TransformersModule,
} from './types.js';
export { MAX_ATTENTION_BYTES } from './types.js';
export { MAX_NEW_TOKENS } from './generate.js';
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
  // Options are checked before anything is fetched.
  const gen = o.generate !== undefined ? checkGenerate(o.generate) : undefined;
  if (o.float16 === true) checkFloat16();
  const loc = locate(o.model, t.env);
  checkAborted(o.signal);
  progress?.({ stage: 'tokenizer' });
  const [tokenizer, config] = await loadTokenizer(o, loc);
  checkAborted(o.signal);
  if (isEncoderDecoder(config)) {
    for (const [field, given] of [
      ['generate', gen],
      ['layers', o.layers],
      ['heads', o.heads],
      ['float16', o.float16 || undefined],
    ] as const) {
      if (given !== undefined) {
        throw new AttentionComputeError(
          'unsupported',
          `${field}: expected a decoder-only or encoder-only model, received "${o.model}" (${config.model_type ?? 'no model_type'}), an encoder-decoder: leave ${field} out`,
        );
      }
    }
    return computeEncoderDecoder(o, loc, tokenizer, config);
  }
  if (o.targetText !== undefined) {
    throw new AttentionComputeError(
      'unsupported',
      `targetText is for encoder-decoder models, and "${o.model}" (${config.model_type ?? 'no model_type'}) is not one`,
    );
  }
  const { ids, typeIds } = encode(tokenizer, config, o.text, o.textPair);
  const tokens = idsToTokens(tokenizer, ids);
  const S = ids.length + (gen?.maxNewTokens ?? 0);
  const maxPositions = numberOf(config, 'max_position_embeddings', 'n_positions', 'n_ctx');
  const L = numberOf(config, 'num_hidden_layers', 'n_layer', 'num_layers') ?? 0;
  const H = numberOf(config, 'num_attention_heads', 'n_head', 'num_heads') ?? 0;
  const past = pastSize(config, H);
  const D = past.dim;
  if (maxPositions !== undefined && S > maxPositions) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${S} tokens${gen ? ` (${ids.length} and generate.maxNewTokens ${gen.maxNewTokens})` : ''}, and "${o.model}" takes at most ${maxPositions}`,
    );
  }
  const sel = selection(o, L, H);
  const need = {
    layers: sel.layers?.length ?? L,
    heads: sel.heads?.length ?? H,
    tokens: S,
    dim: D,
    float16: o.float16 === true,
  };
  checkMemory(need, o.maxBytes ?? MAX_ATTENTION_BYTES, o.model);

  const dtype = o.dtype ?? defaultDtype(t);
  const { file, tapped } = await fetchTapped(
    o,
    loc,
    [`onnx/model${SUFFIX[dtype]}.onnx`, `onnx/decoder_model_merged${SUFFIX[dtype]}.onnx`],
    sel.layers,
  );
  const ort = await onnxRuntime(o);
  checkAborted(o.signal);
  const session = await openSession(ort, tapped, o, file);
  try {
    checkAborted(o.signal);
    progress?.({ stage: 'computing' });
    const fetches = tapFetches(tapped.taps);
    const decoder = session.inputNames.some(isPastInput);
    // One run over `seq`: the attention (and, when generating, the logits of its last token).
    const step = async (seq: readonly number[], generatedStart: number | undefined) => {
      const types =
        typeIds && seq.length > typeIds.length
          ? [...typeIds, ...seq.slice(typeIds.length).map(() => 0)]
          : typeIds;
      const feeds = buildFeeds(ort.Tensor, session, seq, types, past, isHalf(dtype));
      const outputs = await runSession(session, feeds, gen ? [...fetches, 'logits'] : fetches, o, file);
      checkAborted(o.signal);
      const data = assemble(outputs, tapped.taps, seq === ids ? tokens : idsToTokens(tokenizer, [...seq]), {
        // From the model, not its type's name: over two tokens or more, the parser calls attention
        // causal when no head of any layer gives a later key any weight (masked scores come out of
        // the softmax as exact zeros); a single token tells nothing, so a graph that takes a cache
        // is taken for a decoder.
        causal: seq.length > 1 ? undefined : decoder,
        sentenceBStart: o.textPair !== undefined && typeIds ? typeIds.indexOf(1) : -1,
        heads: H,
        half: isHalf(dtype),
        layers: tapped.layers,
        keepHeads: sel.heads,
        generatedStart,
      });
      const half = o.float16 === true ? toFloat16(data) : data;
      // With some layers only, the data says how many the model has (views offer the others).
      const counted =
        sel.layers && L > 0 ? attentionData(half.components, { ...half.hints, layerCount: L }) : half;
      return { data: counted, logits: outputs.logits };
    };
    if (!gen) {
      const { data } = await step(ids, undefined);
      progress?.({ stage: 'done' });
      return data;
    }
    if (!session.outputNames.includes('logits')) {
      throw new AttentionComputeError(
        'unsupported',
        `generate: expected a causal language model with a logits output, received "${o.model}" (${config.model_type ?? 'no model_type'}), whose ${file} gives ${session.outputNames.join(', ')}`,
      );
    }
    const data = await generate(
      ids,
      gen,
      endTokens(config),
      step,
      (partial, generated) =>
        progress?.({ stage: 'generating', data: partial, loaded: generated, total: gen.maxNewTokens }),
      (first) => {
        if (!first.components[0]!.causal) {
          throw new AttentionComputeError(
            'unsupported',
            `generate: expected a causal decoder (no token attending to a later one), received "${o.model}" (${config.model_type ?? 'no model_type'}), whose attention is not causal`,
          );
        }
      },
    );
    progress?.({ stage: 'done' });
    return data;
  } finally {
    await session.release?.();
  }
}
