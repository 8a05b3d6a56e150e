/**
 * The normalised attention data model. Everything the views draw comes from these types, built
 * once by `parseAttention` at the edge and never re-validated inside the library.
 *
 * Axes are always row-major and named:
 * - weights: `[layers, heads, queries, keys]`: row `q` of head `h` in layer `l` holds how much
 *   query position `q` attends to each key position.
 * - vectors: `[layers, heads, tokens, dim]`.
 */

/** The four dimension sizes of an attention tensor: `[layers, heads, queries, keys]`. */
export type AttentionShape = readonly [layers: number, heads: number, queries: number, keys: number];

/** The four dimension sizes of a per-head vector tensor: `[layers, heads, tokens, dim]`. */
export type VectorShape = readonly [layers: number, heads: number, tokens: number, dim: number];

/**
 * Attention weights: a `Float32Array`, or where the platform has one (Chromium 135+, Firefox 129+,
 * Safari 18.2+, Node 24+) a `Float16Array`, which reads as numbers the same way. Typed by its
 * shape here so that the types need no ES2025 library.
 */
export type WeightArray = Float32Array | HalfFloatArray;

/** The parts of a `Float16Array` the library uses. */
export interface HalfFloatArray extends ArrayLike<number> {
  [index: number]: number;
  readonly BYTES_PER_ELEMENT: 2;
  readonly buffer: ArrayBufferLike;
  readonly byteLength: number;
  subarray(begin?: number, end?: number): HalfFloatArray;
  fill(value: number, start?: number, end?: number): this;
}

/** A dense row-major float tensor of per-head vectors (queries, keys or values). */
export interface VectorTensor {
  readonly data: Float32Array;
  readonly shape: VectorShape;
}

/**
 * Which attention of a model a component holds. `self` is the only component of an encoder-only
 * or decoder-only model; encoder-decoder models have up to three.
 */
export type ComponentName = 'self' | 'encoder' | 'decoder' | 'cross';

/** One attention set: one kind of attention for every layer and head of one input. */
export interface AttentionComponent {
  readonly name: ComponentName;
  /** Tokens on the query (attending, left) side, as the tokenizer produced them. */
  readonly queryTokens: readonly string[];
  /** Tokens on the key (attended, right) side; the same list as `queryTokens` for self-attention. */
  readonly keyTokens: readonly string[];
  /**
   * Attention weights, row-major `[layers, heads, queries, keys]`: float32, or float16 (a
   * `Float16Array`, half the memory) when `computeAttention` was asked for `float16`. What is
   * derived from them (filters, subsets, words, rollout) is float32.
   */
  readonly weights: WeightArray;
  readonly shape: AttentionShape;
  /** The model's own layer number for each layer index (they differ when a subset is shown). */
  readonly layers: readonly number[];
  /** The model's own head number for each head index. */
  readonly heads: readonly number[];
  /**
   * What each head index is, shown instead of its number, for derived attention ("mean of heads
   * 0–11"); absent for the model's own heads.
   */
  readonly headLabels?: readonly string[];
  /** What each layer index is, shown instead of its number ("rollout to layer 5"). */
  readonly layerLabels?: readonly string[];
  /** True when no query attends to a later key (decoder self-attention). */
  readonly causal: boolean;
  /**
   * True when the weights are softmax probabilities (every row of the full attention sums to 1;
   * rows of a sentence-pair block keep their values and need not); false for scores, rollout and
   * the like, which views show relative to the largest weight.
   */
  readonly normalized: boolean;
  /**
   * True when the weights are differences of two attentions (`attentionDifference`, from −1 to 1):
   * views show them in diverging colours.
   */
  readonly signed?: boolean;
  /**
   * Position in the full input of the first query token. Non-zero in a sentence-pair block, so that
   * readouts and causal masks can speak in the model's own positions.
   */
  readonly queryStart: number;
  /** Position in the full input of the first key token. */
  readonly keyStart: number;
  /** Index of the first token of the second segment of a sentence pair, if there is one. */
  readonly sentenceBStart?: number;
  /**
   * Index of the first token the model generated (`computeAttention`'s `generate`): tokens from it
   * on continue the prompt before it. Absent when every token was given.
   */
  readonly generatedStart?: number;
  /** Per-head query vectors `[layers, heads, queries, dim]`, for the neuron view. */
  readonly queries?: VectorTensor;
  /** Per-head key vectors `[layers, heads, keys, dim]`. */
  readonly keys?: VectorTensor;
  /** Per-head value vectors `[layers, heads, keys, dim]`. */
  readonly values?: VectorTensor;
  /**
   * For each head index, the model's number of the key/value head it reads, where query heads
   * share key/value heads (grouped- or multi-query attention: Llama's `[0, 0, 1, 1]` for 4 query
   * and 2 key/value heads); absent when every head has its own. Heads that share one hold the same
   * keys and values.
   */
  readonly kvHeads?: readonly number[];
  /**
   * True when queries and keys are already scaled as the model uses them (SDPA-style graphs
   * multiply both by d^-¼), so that q·k needs no further 1/√d.
   */
  readonly vectorsScaled?: boolean;
}

/** Display hints carried by some inputs (bertviz's `layer` / `heads` parameters). */
export interface DisplayHints {
  /** Original number of the layer to show first. */
  readonly layer?: number;
  /** Original numbers of the heads to show first. */
  readonly heads?: readonly number[];
  /**
   * The model's number of layers, when the data holds only some of them (computed with `layers`),
   * so that a layer selector can offer the others, to compute on demand.
   */
  readonly layerCount?: number;
}

/** A parsed, validated attention set for one input: one component, or up to three for encoder-decoder models. */
export interface AttentionData {
  readonly components: readonly AttentionComponent[];
  readonly hints: DisplayHints;
}

/** A dense row-major float tensor of any rank, as produced by the aggregation functions. */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Which token column: queries (attending, left) or keys (attended, right). */
export type TokenSide = 'query' | 'key';
