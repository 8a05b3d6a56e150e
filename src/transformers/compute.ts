/**
 * `computeAttention`: a model's real attention for a text, computed where this code runs (browser
 * or Node), from the model's own ONNX file with its attention tapped (see tap.ts). transformers.js
 * (either package, passed in by the caller) supplies the tokenizer and config; onnxruntime-web runs
 * the tapped graph. An encoder-decoder model runs as two graphs, the encoder's hidden states fed to
 * the decoder.
 */
import { AttentionDataError } from '../core/errors.js';
import { parseAttention, type AttentionSetInput, type EncoderDecoderInput } from '../core/parse/index.js';
import type { AttentionData } from '../core/types.js';
import { halfToFloat } from '../core/tensor.js';
import { abortable, AttentionComputeError, checkAborted } from './errors.js';
import {
  fetchJsonFile,
  fetchModelFile,
  forgetFile,
  isNode,
  locate,
  onnxError,
  withEnv,
  type ModelLocation,
  type TransformersEnv,
} from './files.js';
import { buildFeeds, int64Tensor, isPastInput, type PastSize } from './feeds.js';
import { sharedKeyValueHeads } from './kv-heads.js';
import { tapOffThread } from './off-thread.js';
import { ProtoError } from './proto.js';
import { UnsupportedModelError, type AttentionTap, type TappedModel } from './tap.js';

export { AttentionComputeError, type ComputeErrorKind } from './errors.js';

/** The parts of a transformers.js module (`@xenova/transformers` 2.x or `@huggingface/transformers` 3+) used here. */
export interface TransformersModule {
  readonly env: TransformersEnv;
  readonly AutoTokenizer: { from_pretrained(model: string, options?: object): Promise<Tokenizer> };
  // Promise<object>: transformers.js 3+ types its config as a class without an index signature,
  // which a Record type would refuse, so that the module imported as is would not type-check.
  readonly AutoConfig: { from_pretrained(model: string, options?: object): Promise<object> };
}

interface Encoded {
  readonly input_ids: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly attention_mask?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly token_type_ids?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
}

interface Tokenizer {
  (text: string, options?: object): Encoded;
  model?: { convert_ids_to_tokens?(ids: number[]): string[] };
  _tokenizer?: { id_to_token?(id: number): string | undefined };
}

/** A model's config.json, as transformers.js reads it. */
export type ModelConfig = Record<string, unknown> & { model_type?: string };

/** The weights' number format, as transformers.js names it. */
export type ModelDtype = 'fp32' | 'q8' | 'fp16';

export interface Progress {
  readonly stage: 'tokenizer' | 'download' | 'preparing' | 'computing' | 'done';
  /** The file being downloaded, and bytes so far / in all (when the server says). */
  readonly file?: string;
  readonly loaded?: number;
  readonly total?: number;
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
  /** Which weights file: fp32 `model.onnx`, q8 `model_quantized.onnx`, fp16 `model_fp16.onnx`. */
  readonly dtype?: ModelDtype;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** The onnxruntime-web module; imported on first use when omitted. */
  readonly ort?: OrtModule;
  /** Most bytes the attention and vectors may take (default `MAX_ATTENTION_BYTES`). */
  readonly maxBytes?: number;
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

interface OrtTensor {
  readonly type: string;
  // onnxruntime's own type also has string and boolean tensors, which the models here never give.
  readonly data: ArrayLike<unknown>;
  readonly dims: readonly number[];
}

interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Each input's element type (onnxruntime-web 1.21+). */
  readonly inputMetadata?: readonly { readonly name: string; readonly type?: string }[];
  run(feeds: Record<string, OrtTensor>, fetches: readonly string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}

function defaultDtype(t: TransformersModule): ModelDtype {
  const major = Number((t.env.version ?? '2').split('.')[0]);
  // transformers.js 2 loads quantized weights by default; 3+ loads fp32 in Node and q8 on wasm.
  if (major <= 2) return 'q8';
  return isNode ? 'fp32' : 'q8';
}

const SUFFIX: Record<ModelDtype, string> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

function toNumbers(v: Encoded['input_ids'] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const list =
    Array.isArray(v) || ArrayBuffer.isView(v)
      ? (v as ArrayLike<number | bigint>)
      : (v as { data: ArrayLike<number | bigint> }).data;
  return Array.from(list, (x) => Number(x));
}

/** A text's token ids (and token types) as the model takes them, special tokens included. */
function encode(
  tokenizer: Tokenizer,
  config: ModelConfig,
  text: string,
  pair?: string,
): { ids: number[]; typeIds: number[] | undefined } {
  const encoded = tokenizer(text, {
    ...(pair !== undefined ? { text_pair: pair } : {}),
    add_special_tokens: true,
    return_tensor: false,
    padding: false,
    truncation: false,
  });
  const ids = toNumbers(encoded.input_ids)!;
  const vocab = numberOf(config, 'vocab_size');
  if (vocab !== undefined && ids.some((id) => id >= vocab)) {
    throw new AttentionComputeError(
      'tokenizer',
      `tokenizer mismatch: token id ${Math.max(...ids)} is outside the model's vocabulary of ${vocab}`,
    );
  }
  return { ids, typeIds: toNumbers(encoded.token_type_ids) };
}

function idsToTokens(tokenizer: Tokenizer, ids: number[]): string[] {
  if (tokenizer.model?.convert_ids_to_tokens) return tokenizer.model.convert_ids_to_tokens(ids);
  const inner = tokenizer._tokenizer;
  if (inner?.id_to_token) return ids.map((id) => inner.id_to_token!(id) ?? `[${id}]`);
  throw new AttentionComputeError(
    'tokenizer',
    'this transformers.js version exposes no way to turn token ids into tokens',
  );
}

const numberOf = (config: ModelConfig, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof config[k] === 'number') return config[k] as number;
  return undefined;
};

/**
 * A decoder cache's heads and head size from the config: key/value heads where grouped- or
 * multi-query attention has fewer than `heads`, and `head_dim` where it is not hidden / heads.
 */
function pastSize(config: ModelConfig, heads: number): PastSize {
  const hidden = numberOf(config, 'hidden_size', 'n_embd', 'd_model') ?? 0;
  return {
    heads: numberOf(config, 'num_key_value_heads', 'n_head_kv', 'num_kv_heads') ?? heads,
    dim: numberOf(config, 'head_dim') ?? (heads > 0 ? hidden / heads : 0),
  };
}

/** float32 data of an output tensor (float16 decoded). */
function floatData(t: OrtTensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  // onnxruntime-web gives float16 as a Float16Array where the platform has one (Chromium 135+),
  // else as the values' bits in a Uint16Array.
  if (t.type === 'float16' && t.data instanceof Uint16Array) {
    const bits = t.data as ArrayLike<number>;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]!);
    return out;
  }
  return Float32Array.from(t.data as ArrayLike<number>);
}

/** Normalises a tapped tensor to `[heads, rows, cols]`, dropping a batch of 1 (or splitting `b·h`). */
function headsOf(
  t: OrtTensor,
  heads: number,
  name: string,
): { data: Float32Array; rows: number; cols: number } {
  const dims = t.dims;
  const data = floatData(t);
  if (dims.length === 4 && dims[0] === 1 && dims[1] === heads)
    return { data, rows: dims[2]!, cols: dims[3]! };
  if (dims.length === 3 && dims[0] === heads) return { data, rows: dims[1]!, cols: dims[2]! };
  throw new AttentionComputeError(
    'unsupported',
    `tapped tensor ${name} has shape [${dims.join(', ')}], not [1, ${heads}, rows, cols]`,
  );
}

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
    const feeds = buildFeeds(ort.Tensor, session, ids, typeIds, past, dtype === 'fp16');
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
      half: dtype === 'fp16',
    });
    progress?.({ stage: 'done' });
    return data;
  } finally {
    await session.release?.();
  }
}

/**
 * onnxruntime-web's build for the wasm backend (the one used here): its .wasm is half the size of
 * the default build's, which adds WebGPU. Node takes the package's own Node build, named through a
 * variable so that bundlers do not pull it into a page.
 */
const ORT_NODE = 'onnxruntime-web';

/**
 * The onnxruntime-web module, set to run sessions in its proxy worker only when asked
 * (`proxy: true`): that worker starts from the module's own URL, and in a production bundle the
 * module's chunk may import the page's code, which then runs in the worker and fails there. The
 * setting only takes effect before onnxruntime's first session.
 */
async function onnxRuntime(o: ComputeOptions): Promise<OrtModule> {
  const ort =
    o.ort ??
    ((isNode
      ? await import(/* @vite-ignore */ ORT_NODE)
      : await import('onnxruntime-web/wasm')) as unknown as OrtModule);
  if (o.proxy === true && !isNode && typeof Worker !== 'undefined') ort.env.wasm.proxy = true;
  return ort;
}

/**
 * The model's tokenizer and config through transformers.js, once config.json and the tokenizer's
 * files are checked here: the same errors for both packages (one fails obscurely on a missing
 * config), and a web page or broken file never reaches transformers.js, which would cache it. In
 * the browser transformers.js then reads the checked files from the shared cache.
 */
async function loadTokenizer(o: ComputeOptions, loc: ModelLocation): Promise<[Tokenizer, ModelConfig]> {
  const files = { signal: o.signal };
  if (!(await fetchJsonFile(loc, 'config.json', files))) {
    throw new AttentionComputeError(
      'not-found',
      `model "${o.model}" not found: no config.json at ${loc.base}: check the model's id or its folder's URL`,
      `${loc.base}config.json`,
    );
  }
  // Either may be missing (transformers.js says which it needs); a bad one fails in folder order.
  const checked = await Promise.allSettled(
    ['tokenizer.json', 'tokenizer_config.json'].map((file) => fetchJsonFile(loc, file, files)),
  );
  for (const c of checked) if (c.status === 'rejected') throw c.reason;
  const t = o.transformers;
  const loaded = withEnv(t.env, loc.envPatch, () =>
    Promise.all([t.AutoTokenizer.from_pretrained(loc.id), t.AutoConfig.from_pretrained(loc.id)]),
  );
  try {
    // transformers.js takes no signal: Cancel stops waiting for it.
    const [tokenizer, config] = await abortable(loaded, o.signal);
    // config.json, as transformers.js parsed it: a JSON object, read field by field below.
    return [tokenizer, config as ModelConfig];
  } catch (e) {
    if (e instanceof AttentionComputeError) throw e;
    const message = (e as Error).message ?? String(e);
    const missing = /404|not found|could not locate|unable to load|ENOENT/i.test(message);
    throw new AttentionComputeError(
      missing ? 'not-found' : 'tokenizer',
      missing
        ? `model "${o.model}" not found: no config.json / tokenizer.json at ${loc.base} (${message})`
        : `transformers.js could not load the tokenizer of "${o.model}" from ${loc.base}: ${message}`,
    );
  }
}

/** The first of `candidates` that the model's folder holds, downloaded and tapped. */
async function fetchTapped(
  o: ComputeOptions,
  loc: ModelLocation,
  candidates: readonly string[],
): Promise<{ file: string; tapped: TappedModel }> {
  for (const file of candidates) {
    const onProgress = (loaded: number, total: number | undefined) =>
      o.onProgress?.({ stage: 'download', file, loaded, ...(total ? { total } : {}) });
    const bytes = await fetchModelFile(loc, file, { signal: o.signal, onProgress });
    if (!bytes) continue;
    checkAborted(o.signal);
    o.onProgress?.({ stage: 'preparing', file });
    try {
      return { file, tapped: await tapOffThread(bytes, `${o.model} (${file})`, o.signal) };
    } catch (e) {
      checkAborted(o.signal);
      if (e instanceof ProtoError) {
        // Whole, but damaged inside: the cached copy goes, so that Retry fetches it again.
        await forgetFile(loc, file);
        throw onnxError(e, `${loc.base}${file}`, file);
      }
      throw new AttentionComputeError(
        e instanceof UnsupportedModelError ? 'unsupported' : 'runtime',
        (e as Error).message,
      );
    }
  }
  const dtypes =
    'or choose the weights file it has with the dtype option (fp32 model.onnx, q8 model_quantized.onnx, fp16 model_fp16.onnx)';
  throw new AttentionComputeError(
    'not-found',
    `missing file: "${o.model}" has no ${candidates.join(' or ')} at ${loc.base}: check that the folder has ${candidates[0]}, ${dtypes}`,
    `${loc.base}${candidates[0]}`,
  );
}

async function openSession(
  ort: OrtModule,
  tapped: TappedModel,
  o: ComputeOptions,
  file: string,
): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw new AttentionComputeError(
      'runtime',
      `onnxruntime could not load ${o.model} (${file}): ${(e as Error).message}`,
    );
  }
}

/** The tapped tensors' names, each once. */
function tapFetches(taps: readonly AttentionTap[]): string[] {
  return [...new Set(taps.flatMap((tap) => [tap.probs, tap.query, tap.keyT, tap.value]))];
}

async function runSession(
  session: OrtSession,
  feeds: Record<string, OrtTensor>,
  fetches: readonly string[],
  o: ComputeOptions,
  file: string,
): Promise<Record<string, OrtTensor>> {
  try {
    return await session.run(feeds, fetches);
  } catch (e) {
    throw new AttentionComputeError(
      'runtime',
      `running ${o.model} (${file}) failed: ${(e as Error).message}`,
    );
  }
}

function assemble(
  outputs: Record<string, OrtTensor>,
  taps: readonly AttentionTap[],
  tokens: string[],
  o: { causal: boolean | undefined; sentenceBStart: number; heads: number; half: boolean },
): AttentionData {
  return validated(
    {
      tokens,
      ...gather(outputs, taps, o.heads),
      ...(o.causal !== undefined ? { causal: o.causal } : {}),
      vectorsScaled: taps[0]!.vectorsScaled,
      ...(o.sentenceBStart > 0 ? { sentenceBStart: o.sentenceBStart } : {}),
    },
    o.half,
  );
}

type TensorSet = Pick<AttentionSetInput, 'attention' | 'queries' | 'keys' | 'values' | 'kvHeads'>;

/**
 * One attention set's tapped tensors, a layer per tap: attention `[L, H, Q, K]`, queries
 * `[L, H, Q, D]`, keys and values `[L, H, K, D]` (per query head), and which key/value head each
 * query head reads where heads share them. `heads` counts the heads when the graph folds
 * them into the batch (`[b·h, ·, ·]`, BART); 4-D tensors say it themselves.
 */
function gather(outputs: Record<string, OrtTensor>, taps: readonly AttentionTap[], heads: number): TensorSet {
  const L = taps.length;
  const first = outputs[taps[0]!.probs]!;
  const H = first.dims.length === 4 ? first.dims[1]! : heads;
  const tensor = (name: string, size: number) => {
    const t = headsOf(outputs[name]!, H, name);
    if (t.data.length !== size) {
      throw new AttentionComputeError(
        'runtime',
        `tapped tensor ${name} has ${t.data.length} values, not ${size}`,
      );
    }
    return t;
  };
  const { rows: Q, cols: K } = headsOf(first, H, taps[0]!.probs);
  const D = headsOf(outputs[taps[0]!.query]!, H, taps[0]!.query).cols;
  const attention = new Float32Array(L * H * Q * K);
  const queries = new Float32Array(L * H * Q * D);
  const keys = new Float32Array(L * H * K * D);
  const values = new Float32Array(L * H * K * D);
  taps.forEach((tap, l) => {
    attention.set(tensor(tap.probs, H * Q * K).data, l * H * Q * K);
    queries.set(tensor(tap.query, H * Q * D).data, l * H * Q * D);
    values.set(tensor(tap.value, H * K * D).data, l * H * K * D);
    // Keys arrive transposed, [h, d, k]: turn them to [h, k, d].
    const kt = tensor(tap.keyT, H * K * D).data;
    const base = l * H * K * D;
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < D; i++) {
        for (let s = 0; s < K; s++) keys[base + (h * K + s) * D + i] = kt[(h * D + i) * K + s]!;
      }
    }
  });
  const kvHeads = sharedKeyValueHeads(keys, values, L, H, K * D);
  return {
    attention: { dims: [L, H, Q, K], data: attention },
    queries: { dims: [L, H, Q, D], data: queries },
    keys: { dims: [L, H, K, D], data: keys },
    values: { dims: [L, H, K, D], data: values },
    ...(kvHeads ? { kvHeads } : {}),
  };
}

/** The library's data from the tapped tensors, or a runtime error naming what is not attention. */
function validated(input: AttentionSetInput | EncoderDecoderInput, half: boolean): AttentionData {
  try {
    return parseAttention(input, half ? { tolerance: 1e-2 } : {});
  } catch (e) {
    if (e instanceof AttentionDataError) {
      throw new AttentionComputeError('runtime', `the tapped attention is not valid attention: ${e.message}`);
    }
    throw e;
  }
}

/** Encoder-decoder models (BART, Marian, T5) say so in their config. */
function isEncoderDecoder(config: ModelConfig): boolean {
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
async function computeEncoderDecoder(
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
  const half = dtype === 'fp16';
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
