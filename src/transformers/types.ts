/** The adapter's public types, and the parts of transformers.js and onnxruntime-web it uses. */
import type { AttentionData } from '../core/types.js';
import type { TransformersEnv } from './files.js';

/** The parts of a transformers.js module (`@xenova/transformers` 2.x or `@huggingface/transformers` 3+) used here. */
export interface TransformersModule {
  readonly env: TransformersEnv;
  readonly AutoTokenizer: { from_pretrained(model: string, options?: object): Promise<Tokenizer> };
  // Promise<object>: transformers.js 3+ types its config as a class without an index signature,
  // which a Record type would refuse, so that the module imported as is would not type-check.
  readonly AutoConfig: { from_pretrained(model: string, options?: object): Promise<object> };
}

export interface Encoded {
  readonly input_ids: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly attention_mask?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly token_type_ids?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
}

export interface Tokenizer {
  (text: string, options?: object): Encoded;
  model?: { convert_ids_to_tokens?(ids: number[]): string[] };
  _tokenizer?: { id_to_token?(id: number): string | undefined };
}

/** A model's config.json, as transformers.js reads it. */
export type ModelConfig = Record<string, unknown> & { model_type?: string };

/**
 * The weights' number format, as transformers.js 3/4 names it (its `dtype` option): fp32
 * `model.onnx`, q8 `model_quantized.onnx`, fp16 `model_fp16.onnx`, int8 `model_int8.onnx`, uint8
 * `model_uint8.onnx` (8-bit MatMulInteger), q4 `model_q4.onnx` (4-bit MatMulNBits), q4f16
 * `model_q4f16.onnx` (the same in float16), bnb4 `model_bnb4.onnx` (4-bit NF4/FP4 MatMulBnb4).
 */
export type ModelDtype = 'fp32' | 'q8' | 'fp16' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

export interface Progress {
  readonly stage: 'tokenizer' | 'download' | 'preparing' | 'computing' | 'generating' | 'done';
  /** The file being downloaded, and bytes so far / in all (when the server says). */
  readonly file?: string;
  /** Bytes so far (download); tokens generated so far (generating). */
  readonly loaded?: number;
  /** Bytes in all (download, when the server says); most tokens to generate (generating). */
  readonly total?: number;
  /**
   * While generating: the attention over the prompt and the tokens generated so far (each step
   * adds the newest token's row), so that a view can show the continuation as it streams in.
   */
  readonly data?: AttentionData;
}

/**
 * How to continue the text (`computeAttention`'s `generate`): greedy by default (the most likely
 * token each step, as `generate(do_sample=False)`), or sampled with a seed.
 */
export interface GenerateOptions {
  /** Most tokens to add (1 to `MAX_NEW_TOKENS`); generation also stops after an end-of-text token. */
  readonly maxNewTokens: number;
  /** Sample each token from the model's distribution instead of taking the most likely (default false). */
  readonly doSample?: boolean;
  /** Divides the logits before sampling (default 1; > 0). */
  readonly temperature?: number;
  /** Sample among the `topK` most likely tokens only (default: all). */
  readonly topK?: number;
  /** Seed of the sampling's random numbers: the same seed gives the same tokens (default: random). */
  readonly seed?: number;
}

export interface ComputeOptions {
  /** A Hub id (`Xenova/gpt2`), the URL of a folder in the transformers.js layout, or in Node a local folder path. */
  readonly model: string;
  readonly text: string;
  /** Second segment for sentence-pair models. */
  readonly textPair?: string;
  /**
   * The target text of an encoder-decoder model (BART, Marian, T5; `text` is the source). The
   * decoder is fed what teacher forcing feeds it: `decoder_start_token_id`, then the target's tokens
   * shifted right; the result holds encoder, decoder and cross attention. Without it the decoder
   * sees the start token alone. Other models refuse it.
   */
  readonly targetText?: string;
  /** The imported transformers.js module (either package). */
  readonly transformers: TransformersModule;
  /** Which weights file (see `ModelDtype`): fp32 `model.onnx`, q8 `model_quantized.onnx`, q4 `model_q4.onnx`, … */
  readonly dtype?: ModelDtype;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** The onnxruntime-web module; imported on first use when omitted. */
  readonly ort?: OrtModule;
  /**
   * Most bytes the attention and vectors may take (default `MAX_ATTENTION_BYTES`), checked before
   * anything is fetched: layers × heads × tokens × (tokens × 4 + 3 × head size × 4) bytes (2 bytes
   * a weight with `float16`), over the layers and heads asked for and the prompt's tokens plus
   * `generate.maxNewTokens`.
   */
  readonly maxBytes?: number;
  /**
   * Continue the text with the model (causal decoders only) and return the attention over prompt
   * and continuation, the first generated token's index as `generatedStart`.
   */
  readonly generate?: GenerateOptions;
  /**
   * The model's layer numbers (from 0) to compute attention for; only those are tapped, so the
   * others cost nothing beyond the model's own run (default: every layer).
   */
  readonly layers?: readonly number[];
  /** The model's head numbers to keep in each layer (default: every head). */
  readonly heads?: readonly number[];
  /**
   * Return the attention weights as a `Float16Array` (half the memory; needs a platform that has
   * one: Chromium 135+, Firefox 129+, Safari 18.2+, Node 24+). Vectors stay float32.
   */
  readonly float16?: boolean;
  /**
   * In browsers, run inference in onnxruntime-web's proxy worker (default false; it applies from
   * onnxruntime's first session on). Only where onnxruntime-web's module is served as its own file
   * (not bundled into a chunk that imports page code). The graph rewrite always runs in a worker
   * where one starts.
   */
  readonly proxy?: boolean;
}

/** Default limit on the attention (L·H·S²) plus vectors (3·L·H·S·d), as float32: 512 MiB. */
export const MAX_ATTENTION_BYTES = 512 * 2 ** 20;

/**
 * The parts of onnxruntime-web used here, typed loosely enough that the module itself
 * (`import * as ort from 'onnxruntime-web'`) is one.
 */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  readonly env: { wasm: { numThreads?: number; proxy?: boolean } };
}

export interface OrtTensor {
  readonly type: string;
  // onnxruntime's own type also has string and boolean tensors, which the models here never give.
  readonly data: ArrayLike<unknown>;
  readonly dims: readonly number[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Each input's element type (onnxruntime-web 1.21+). */
  readonly inputMetadata?: readonly { readonly name: string; readonly type?: string }[];
  run(feeds: Record<string, OrtTensor>, fetches: readonly string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
