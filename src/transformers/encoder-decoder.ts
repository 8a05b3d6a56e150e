/**
 * Encoder-decoder models (BART, Marian, T5): the encoder and the decoder run as two graphs, the
 * encoder's hidden states fed to the decoder, which reads the target as in training.
 */
import type { AttentionData } from '../core/types.js';
import { AttentionComputeError, checkAborted } from './errors.js';
import type { ModelLocation } from './files.js';
import { buildFeeds, int64Tensor } from './feeds.js';
import type { AttentionTap } from './tap.js';
import {
  type Tokenizer,
  type ModelConfig,
  type ComputeOptions,
  MAX_ATTENTION_BYTES,
  type OrtTensor,
} from './types.js';
import { encode, idsToTokens, numberOf } from './tokenizer.js';
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
import { gather, validated } from './assemble.js';

/** Encoder-decoder models (BART, Marian, T5) say so in their config. */
export function isEncoderDecoder(config: ModelConfig): boolean {
  return config.is_encoder_decoder === true;
}

/**
 * What teacher forcing feeds an encoder-decoder model's decoder for a target's token ids (as the
 * tokenizer gives them, special tokens included): `decoder_start_token_id`, then the target
 * shifted right, that is without a final end-of-sequence token, which the last position predicts.
 * BART's `<s> A </s>` gives `</s> <s> A`; T5's `▁A </s>` gives `<pad> ▁A`.
 */
export function decoderInputIds(target: readonly number[], config: ModelConfig): number[] {
  const start = numberOf(config, 'decoder_start_token_id', 'pad_token_id');
  if (start === undefined) {
    throw new AttentionComputeError(
      'unsupported',
      `the model's config.json names no decoder_start_token_id (nor pad_token_id) to start the decoder with`,
    );
  }
  const eos = config['eos_token_id'];
  const ends = Array.isArray(eos) ? (eos as unknown[]) : [eos];
  const last = target[target.length - 1];
  return [start, ...(last !== undefined && ends.includes(last) ? target.slice(0, -1) : target)];
}

/**
 * `computeAttention` for an encoder-decoder model: the tapped encoder on `text`, then the tapped
 * decoder on the target (see `decoderInputIds`) and the encoder's hidden states. Cross attention
 * is told from the decoder's self attention by its keys, computed from `encoder_hidden_states`
 * alone (tap.ts `keySources`), not by the order of the softmaxes.
 */
export async function computeEncoderDecoder(
  o: ComputeOptions,
  loc: ModelLocation,
  tokenizer: Tokenizer,
  config: ModelConfig,
): Promise<AttentionData> {
  const source = encode(tokenizer, config, o.text, o.textPair);
  const target = o.targetText === undefined ? [] : encode(tokenizer, config, o.targetText).ids;
  const decoderIds = decoderInputIds(target, config);
  const S = source.ids.length;
  const T = decoderIds.length;
  const layers = {
    encoder: numberOf(config, 'encoder_layers', 'num_layers', 'num_hidden_layers') ?? 0,
    decoder: numberOf(config, 'decoder_layers', 'num_decoder_layers', 'num_layers', 'num_hidden_layers') ?? 0,
  };
  const heads = {
    encoder: numberOf(config, 'encoder_attention_heads', 'num_heads', 'num_attention_heads') ?? 0,
    decoder: numberOf(config, 'decoder_attention_heads', 'num_heads', 'num_attention_heads') ?? 0,
  };
  const hidden = numberOf(config, 'd_model', 'hidden_size') ?? 0;
  const headDim = (h: number) => numberOf(config, 'd_kv') ?? (h > 0 ? hidden / h : 0);
  const maxPositions = numberOf(config, 'max_position_embeddings', 'n_positions');
  const sides = { source: S, 'decoder input': T };
  for (const [side, n] of Object.entries(sides)) {
    if (maxPositions !== undefined && n > maxPositions) {
      throw new AttentionComputeError(
        'too-long',
        `input too long: the ${side} has ${n} tokens, and "${o.model}" takes at most ${maxPositions}`,
      );
    }
  }
  const [De, Dd] = [headDim(heads.encoder), headDim(heads.decoder)];
  // Encoder S·(S + 3d), decoder T·(T + 3d), cross T·(S + d) + 2·S·d, per layer and head.
  const bytes =
    4 *
    (layers.encoder * heads.encoder * S * (S + 3 * De) +
      layers.decoder * heads.decoder * (T * (T + 3 * Dd) + T * (S + Dd) + 2 * S * Dd));
  const limit = o.maxBytes ?? MAX_ATTENTION_BYTES;
  if (bytes > limit) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${S} source and ${T} decoder tokens need ${(bytes / 2 ** 20).toFixed(0)} MiB of encoder, decoder and cross attention and vectors, over the limit of ${(limit / 2 ** 20).toFixed(0)} MiB (maxBytes)`,
    );
  }

  const dtype = o.dtype ?? defaultDtype(o.transformers);
  const suffix = SUFFIX[dtype];
  const half = isHalf(dtype);
  const ort = await onnxRuntime(o);
  // One model at a time: the encoder's bytes and session are gone before the decoder's arrive.
  const encoder = await (async () => {
    const { file, tapped } = await fetchTapped(o, loc, [`onnx/encoder_model${suffix}.onnx`]);
    checkAborted(o.signal);
    const session = await openSession(ort, tapped, o, file);
    try {
      if (!session.outputNames.includes('last_hidden_state')) {
        throw new AttentionComputeError(
          'unsupported',
          `${o.model} (${file}) has no last_hidden_state output to feed the decoder (it has ${session.outputNames.join(', ')})`,
        );
      }
      checkAborted(o.signal);
      o.onProgress?.({ stage: 'computing' });
      const feeds = buildFeeds(
        ort.Tensor,
        session,
        source.ids,
        source.typeIds,
        { heads: heads.encoder, dim: De },
        half,
      );
      const fetches = [...tapFetches(tapped.taps), 'last_hidden_state'];
      const outputs = await runSession(session, feeds, fetches, o, file);
      return { taps: tapped.taps, outputs, states: outputs['last_hidden_state']! };
    } finally {
      await session.release?.();
    }
  })();
  checkAborted(o.signal);

  const { file, tapped } = await fetchTapped(o, loc, [
    `onnx/decoder_model_merged${suffix}.onnx`,
    `onnx/decoder_model${suffix}.onnx`,
  ]);
  const isCross = (tap: AttentionTap) =>
    tap.keySources.includes('encoder_hidden_states') && !tap.keySources.includes('input_ids');
  const cross = tapped.taps.filter(isCross);
  const self = tapped.taps.filter((tap) => !isCross(tap));
  if (cross.length === 0 || self.length === 0) {
    throw new AttentionComputeError(
      'unsupported',
      `${o.model} (${file}): the decoder has ${self.length} self and ${cross.length} cross attention softmaxes (cross attention is one whose keys come from encoder_hidden_states alone); it needs both`,
    );
  }
  checkAborted(o.signal);
  const session = await openSession(ort, tapped, o, file);
  try {
    checkAborted(o.signal);
    o.onProgress?.({ stage: 'computing' });
    const feeds = buildFeeds(
      ort.Tensor,
      session,
      decoderIds,
      undefined,
      { heads: heads.decoder, dim: Dd },
      half,
      {
        encoder_hidden_states: encoder.states,
        encoder_attention_mask: int64Tensor(ort.Tensor, Array<number>(S).fill(1)) as OrtTensor,
      },
    );
    const outputs = await runSession(session, feeds, tapFetches(tapped.taps), o, file);
    checkAborted(o.signal);
    const data = validated(
      {
        encoderTokens: idsToTokens(tokenizer, source.ids),
        decoderTokens: idsToTokens(tokenizer, decoderIds),
        encoder: {
          ...gather(encoder.outputs, encoder.taps, heads.encoder),
          causal: false,
          vectorsScaled: encoder.taps[0]!.vectorsScaled,
        },
        decoder: {
          ...gather(outputs, self, heads.decoder),
          causal: true,
          vectorsScaled: self[0]!.vectorsScaled,
        },
        cross: {
          ...gather(outputs, cross, heads.decoder),
          causal: false,
          vectorsScaled: cross[0]!.vectorsScaled,
        },
      },
      half,
    );
    o.onProgress?.({ stage: 'done' });
    return data;
  } finally {
    await session.release?.();
  }
}
