/**
 * `parseAttention`: the one edge where outside data becomes an `AttentionData`. It recognises the
 * input's format, reads its tensors, validates everything, and throws an `AttentionDataError`
 * naming the field, the expected and the received value. Nothing after it re-validates.
 */
import { AttentionDataError, count, describe } from './errors.js';
import { isTensorLike, readTensor, type DenseTensor, type TensorInput } from './tensor.js';
import type {
  AttentionComponent,
  AttentionData,
  AttentionShape,
  ComponentName,
  DisplayHints,
  VectorShape,
  VectorTensor,
} from './types.js';
import { checkFinite, checkWeights, ROW_SUM_TOLERANCE, ROW_SUM_TOLERANCE_HALF } from './validate.js';

/** One attention set in attnviz's own input format. */
export interface AttentionSetInput {
  /** Tokens of a self-attention set (queries and keys are the same tokens). */
  readonly tokens?: readonly string[];
  /** Query-side tokens, when they differ from the key side (cross attention). */
  readonly queryTokens?: readonly string[];
  /** Key-side tokens, when they differ from the query side. */
  readonly keyTokens?: readonly string[];
  /** `[layers, heads, queries, keys]`, or a per-layer list of `[1, heads, queries, keys]`. */
  readonly attention: TensorInput;
  /** The model's layer numbers for each layer of `attention` (default 0, 1, 2, …). */
  readonly layers?: readonly number[];
  /** The model's head numbers for each head of `attention` (default 0, 1, 2, …). */
  readonly heads?: readonly number[];
  /** Decoder self-attention; inferred from the weights when absent. */
  readonly causal?: boolean;
  /** Index of the first token of the second sentence of a pair. */
  readonly sentenceBStart?: number;
  /** Per-head query vectors `[layers, heads, queries, dim]`. */
  readonly queries?: TensorInput;
  /** Per-head key vectors `[layers, heads, keys, dim]`. */
  readonly keys?: TensorInput;
  /** Per-head value vectors `[layers, heads, keys, dim]`. */
  readonly values?: TensorInput;
  /** True when queries and keys are pre-scaled as in SDPA-style graphs (q·k needs no 1/√d). */
  readonly vectorsScaled?: boolean;
}

/** An encoder-decoder model's attention in attnviz's own format. */
export interface EncoderDecoderInput {
  readonly encoderTokens: readonly string[];
  readonly decoderTokens: readonly string[];
  readonly encoder?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
  readonly decoder?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
  readonly cross?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
}

/** One entry of bertviz's head/model view `attention` list. */
export interface BertvizAttentionEntry {
  readonly name: string | null;
  readonly attn: readonly unknown[];
  readonly left_text: readonly string[];
  readonly right_text: readonly string[];
}

/** bertviz's head view and model view parameters (`head_view(..., html_action='return')` JSON). */
export interface BertvizViewParams {
  readonly attention: readonly BertvizAttentionEntry[];
  readonly default_filter?: string;
  readonly layer?: number | null;
  readonly heads?: readonly number[] | null;
  readonly include_layers?: readonly number[] | null;
  readonly include_heads?: readonly number[] | null;
}

/** One block of bertviz's neuron view data. */
export interface BertvizNeuronBlock {
  readonly attn: readonly unknown[];
  readonly left_text: readonly string[];
  readonly right_text: readonly string[];
  readonly queries?: readonly unknown[];
  readonly keys?: readonly unknown[];
}

/** bertviz's neuron view parameters. */
export interface BertvizNeuronParams {
  readonly attention: {
    readonly all: BertvizNeuronBlock;
    readonly aa?: BertvizNeuronBlock;
    readonly bb?: BertvizNeuronBlock;
    readonly ab?: BertvizNeuronBlock;
    readonly ba?: BertvizNeuronBlock;
  };
  readonly bidirectional?: boolean;
  readonly layer?: number | null;
  readonly head?: number | null;
}

/** Everything `parseAttention` accepts. */
export type AttentionInput =
  | AttentionData
  | AttentionSetInput
  | EncoderDecoderInput
  | BertvizViewParams
  | BertvizNeuronParams
  | TensorInput;

export interface ParseOptions {
  /** Tokens for a bare tensor input (self-attention). */
  readonly tokens?: readonly string[];
  /** Key-side tokens for a bare cross-attention tensor. */
  readonly keyTokens?: readonly string[];
  /** Allowed |row sum − 1| (default 1e-3, or 1e-2 for half-precision input). */
  readonly tolerance?: number;
  /** Accept rows that do not sum to 1 (pre-softmax scores must still be made ≥ 0; rollout). */
  readonly allowUnnormalized?: boolean;
}

const parsed = new WeakSet<AttentionData>();

/** True for an `AttentionData` produced by `parseAttention` (it is returned as is). */
export function isAttentionData(value: unknown): value is AttentionData {
  return typeof value === 'object' && value !== null && parsed.has(value as AttentionData);
}

/**
 * Parses and validates attention input of any supported format.
 * @throws AttentionDataError naming the field, the expected and the received value.
 */
export function parseAttention(input: unknown, options: ParseOptions = {}): AttentionData {
  if (isAttentionData(input)) return input;
  if (input === null || input === undefined) {
    throw new AttentionDataError('data', 'attention data (an object or a tensor)', describe(input));
  }
  let data: AttentionData;
  if (Array.isArray(input) || isTensorLike(input) || ArrayBuffer.isView(input)) {
    data = parseBareTensor(input as TensorInput, options);
  } else if (typeof input !== 'object') {
    throw new AttentionDataError('data', 'attention data (an object or a tensor)', describe(input));
  } else {
    data = parseObject(input as Record<string, unknown>, options);
  }
  parsed.add(data);
  return data;
}

function parseObject(obj: Record<string, unknown>, options: ParseOptions): AttentionData {
  const attention = obj['attention'];
  if (Array.isArray(attention) && attention.length > 0 && isBertvizEntry(attention[0])) {
    return parseBertvizView(obj as unknown as BertvizViewParams, options);
  }
  if (isPlainObject(attention) && 'all' in attention) {
    return parseBertvizNeuron(obj as unknown as BertvizNeuronParams, options);
  }
  if ('encoder' in obj || 'decoder' in obj || 'cross' in obj) {
    return parseEncoderDecoder(obj as unknown as EncoderDecoderInput, options);
  }
  if ('attention' in obj) {
    const set = obj as unknown as AttentionSetInput;
    // Distinct query and key token lists are cross attention, as for a bare tensor with keyTokens.
    const name: ComponentName = set.tokens === undefined && set.queryTokens !== undefined ? 'cross' : 'self';
    const component = buildComponent(name, set, '', options);
    return { components: [component], hints: {} };
  }
  throw new AttentionDataError(
    'data',
    'an object with an `attention` field, bertviz parameters, or `encoder`/`decoder`/`cross` sets',
    `an object with keys ${listKeys(obj)}`,
  );
}

function parseBareTensor(input: TensorInput, options: ParseOptions): AttentionData {
  if (!options.tokens) {
    throw new AttentionDataError(
      'tokens',
      'a token list (pass {tokens} in the options, or give {tokens, attention})',
      'undefined',
    );
  }
  const set: AttentionSetInput = options.keyTokens
    ? { queryTokens: options.tokens, keyTokens: options.keyTokens, attention: input }
    : { tokens: options.tokens, attention: input };
  const name: ComponentName = options.keyTokens ? 'cross' : 'self';
  return { components: [buildComponent(name, set, '', options)], hints: {} };
}

function parseEncoderDecoder(input: EncoderDecoderInput, options: ParseOptions): AttentionData {
  const components: AttentionComponent[] = [];
  const tokensFor = (field: string, value: unknown): readonly string[] => checkTokens(value, field);
  if (input.encoder !== undefined) {
    const tokens = tokensFor('encoderTokens', input.encoderTokens);
    const names = { query: 'encoderTokens', key: 'encoderTokens' };
    components.push(
      buildComponent('encoder', { ...input.encoder, tokens }, 'encoder.', options, 'attention', names),
    );
  }
  if (input.decoder !== undefined) {
    const tokens = tokensFor('decoderTokens', input.decoderTokens);
    const names = { query: 'decoderTokens', key: 'decoderTokens' };
    components.push(
      buildComponent('decoder', { ...input.decoder, tokens }, 'decoder.', options, 'attention', names),
    );
  }
  if (input.cross !== undefined) {
    const queryTokens = tokensFor('decoderTokens', input.decoderTokens);
    const keyTokens = tokensFor('encoderTokens', input.encoderTokens);
    components.push(
      buildComponent('cross', { ...input.cross, queryTokens, keyTokens }, 'cross.', options, 'attention', {
        query: 'decoderTokens',
        key: 'encoderTokens',
      }),
    );
  }
  if (components.length === 0) {
    throw new AttentionDataError('data', 'at least one of encoder, decoder, cross', 'none');
  }
  checkSameLayout(components);
  return { components, hints: {} };
}

const BERTVIZ_PAIR_NAMES: Readonly<Record<string, string>> = {
  'Sentence A -> Sentence A': 'aa',
  'Sentence B -> Sentence B': 'bb',
  'Sentence A -> Sentence B': 'ab',
  'Sentence B -> Sentence A': 'ba',
};

const BERTVIZ_COMPONENT_NAMES: Readonly<Record<string, ComponentName>> = {
  Encoder: 'encoder',
  Decoder: 'decoder',
  Cross: 'cross',
};

function parseBertvizView(params: BertvizViewParams, options: ParseOptions): AttentionData {
  const entries = params.attention;
  const layers = optionalNumberList(params.include_layers, 'include_layers');
  const heads = optionalNumberList(params.include_heads, 'include_heads');
  const components: AttentionComponent[] = [];
  let all: BertvizAttentionEntry | undefined;
  const pairBlocks = new Map<string, BertvizAttentionEntry>();
  entries.forEach((entry, i) => {
    if (!isBertvizEntry(entry)) {
      throw new AttentionDataError(
        `attention[${i}]`,
        'an object with name, attn, left_text and right_text',
        describe(entry),
      );
    }
    const name = entry.name;
    if (name === null || name === undefined || name === 'All') {
      if (all) {
        throw new AttentionDataError(
          `attention[${i}].name`,
          'a single unnamed or "All" entry',
          'a second one',
        );
      }
      all = entry;
    } else if (name in BERTVIZ_PAIR_NAMES) {
      pairBlocks.set(BERTVIZ_PAIR_NAMES[name]!, entry);
    } else if (name in BERTVIZ_COMPONENT_NAMES) {
      const componentName = BERTVIZ_COMPONENT_NAMES[name]!;
      components.push(
        buildComponent(
          componentName,
          fromBertvizEntry(entry, componentName, layers, heads),
          `attention[${i}].`,
          options,
          'attn',
        ),
      );
    } else {
      throw new AttentionDataError(
        `attention[${i}].name`,
        'null, "All", "Sentence A -> Sentence A" (and the other pair blocks), "Encoder", "Decoder" or "Cross"',
        describe(name),
      );
    }
  });
  if (all) {
    if (components.length > 0) {
      throw new AttentionDataError('attention', 'either self-attention or encoder-decoder entries', 'both');
    }
    const index = entries.indexOf(all);
    let sentenceBStart: number | undefined;
    const aa = pairBlocks.get('aa');
    if (aa) sentenceBStart = aa.left_text.length;
    const set = { ...fromBertvizEntry(all, 'self', layers, heads), sentenceBStart };
    const component = buildComponent('self', set, `attention[${index}].`, options, 'attn');
    checkBertvizPairBlocks(component, pairBlocks);
    components.push(component);
  } else if (pairBlocks.size > 0) {
    throw new AttentionDataError('attention', 'an "All" entry alongside the sentence-pair blocks', 'none');
  }
  if (components.length > 1) checkSameLayout(components);
  const hints = bertvizHints(components[0]!, params.layer, params.heads, 'layer', 'heads');
  return { components, hints };
}

function fromBertvizEntry(
  entry: BertvizAttentionEntry | BertvizNeuronBlock,
  name: ComponentName,
  layers: readonly number[] | undefined,
  heads: readonly number[] | undefined,
): AttentionSetInput {
  const common = { attention: entry.attn, layers, heads };
  return name === 'self'
    ? { ...common, tokens: entry.left_text, keyTokens: entry.right_text }
    : { ...common, queryTokens: entry.left_text, keyTokens: entry.right_text };
}

/** bertviz repeats the sentence-pair blocks; they must agree in size with the split of "All". */
function checkBertvizPairBlocks(
  all: AttentionComponent,
  blocks: ReadonlyMap<string, BertvizAttentionEntry | BertvizNeuronBlock>,
): void {
  const start = all.sentenceBStart;
  if (start === undefined) return;
  const n = all.queryTokens.length;
  const sizes: Record<string, [number, number]> = {
    aa: [start, start],
    bb: [n - start, n - start],
    ab: [start, n - start],
    ba: [n - start, start],
  };
  for (const [key, block] of blocks) {
    const [rows, cols] = sizes[key]!;
    if (block.left_text.length !== rows || block.right_text.length !== cols) {
      throw new AttentionDataError(
        `attention.${key}`,
        `${rows} left and ${cols} right tokens (sentence B starts at ${start})`,
        `${block.left_text.length} and ${block.right_text.length}`,
      );
    }
  }
}

function parseBertvizNeuron(params: BertvizNeuronParams, options: ParseOptions): AttentionData {
  const blocks = params.attention;
  const all = blocks.all;
  if (!isPlainObject(all) || !('attn' in all)) {
    throw new AttentionDataError(
      'attention.all',
      'an object with attn, left_text and right_text',
      describe(all),
    );
  }
  const set: AttentionSetInput = {
    ...fromBertvizEntry(all, 'self', undefined, undefined),
    queries: all.queries,
    keys: all.keys,
    causal: params.bidirectional === undefined ? undefined : !params.bidirectional,
    sentenceBStart: blocks.aa ? blocks.aa.left_text.length : undefined,
  };
  const component = buildComponent('self', set, 'attention.all.', options, 'attn');
  const pairBlocks = new Map<string, BertvizNeuronBlock>();
  for (const key of ['aa', 'bb', 'ab', 'ba'] as const) {
    const block = blocks[key];
    if (block) pairBlocks.set(key, block);
  }
  checkBertvizPairBlocks(component, pairBlocks);
  const heads = params.head === undefined || params.head === null ? undefined : [params.head];
  const hints = bertvizHints(component, params.layer, heads, 'layer', 'head');
  return { components: [component], hints };
}

function bertvizHints(
  component: AttentionComponent,
  layer: number | null | undefined,
  heads: readonly number[] | null | undefined,
  layerField: string,
  headsField: string,
): DisplayHints {
  const hints: { layer?: number; heads?: readonly number[] } = {};
  if (layer !== null && layer !== undefined) {
    if (!component.layers.includes(layer)) {
      throw new AttentionDataError(
        layerField,
        `one of the included layers [${component.layers.join(', ')}]`,
        describe(layer),
      );
    }
    hints.layer = layer;
  }
  if (heads !== null && heads !== undefined) {
    if (!Array.isArray(heads)) {
      throw new AttentionDataError(headsField, 'a list of head numbers', describe(heads));
    }
    heads.forEach((h, i) => {
      if (!component.heads.includes(h)) {
        throw new AttentionDataError(
          `${headsField}${headsField === 'heads' ? `[${i}]` : ''}`,
          `one of the heads [${component.heads.join(', ')}]`,
          describe(h),
        );
      }
    });
    hints.heads = heads;
  }
  return hints;
}

/**
 * Builds and validates one component. `prefix` is prepended to field names in errors;
 * `attentionField` names the attention tensor's field in the input format.
 */
function buildComponent(
  name: ComponentName,
  set: AttentionSetInput,
  prefix: string,
  options: ParseOptions,
  attentionField = 'attention',
  tokenNames?: { readonly query: string; readonly key: string },
): AttentionComponent {
  if (!isPlainObject(set)) {
    throw new AttentionDataError(
      prefix.replace(/\.$/, '') || 'data',
      'an attention set object',
      describe(set),
    );
  }
  if (set.attention === undefined) {
    throw new AttentionDataError(`${prefix}${attentionField}`, 'an attention tensor', 'undefined');
  }
  const field = `${prefix}${attentionField}`;
  const tensor = toAttentionShape(readTensor(set.attention, field), field);
  const [L, H, Q, K] = tensor.shape;

  // Names of the token fields as the input spells them, for error messages.
  const bertvizEntry = attentionField === 'attn';
  const names = tokenNames ?? {
    query: `${prefix}${bertvizEntry ? 'left_text' : set.tokens !== undefined ? 'tokens' : 'queryTokens'}`,
    key: `${prefix}${bertvizEntry ? 'right_text' : set.keyTokens !== undefined ? 'keyTokens' : 'tokens'}`,
  };
  let queryTokens: readonly string[];
  let keyTokens: readonly string[];
  if (set.tokens !== undefined) {
    queryTokens = checkTokens(set.tokens, names.query);
    keyTokens = set.keyTokens !== undefined ? checkTokens(set.keyTokens, names.key) : queryTokens;
  } else if (set.queryTokens !== undefined && set.keyTokens !== undefined) {
    queryTokens = checkTokens(set.queryTokens, names.query);
    keyTokens = checkTokens(set.keyTokens, names.key);
  } else {
    throw new AttentionDataError(`${prefix}tokens`, 'a list of token strings', 'undefined');
  }
  if (queryTokens.length !== Q) {
    throw new AttentionDataError(
      names.query,
      `${count(Q, 'token')} (the attention has ${count(Q, 'query', 'queries')})`,
      count(queryTokens.length, 'token'),
    );
  }
  if (keyTokens.length !== K) {
    throw new AttentionDataError(
      names.key,
      `${count(K, 'token')} (the attention has ${count(K, 'key')})`,
      count(keyTokens.length, 'token'),
    );
  }
  if (name === 'self' && keyTokens !== queryTokens) {
    const mismatch = queryTokens.findIndex((t, i) => t !== keyTokens[i]);
    if (mismatch >= 0) {
      throw new AttentionDataError(
        `${names.key}[${mismatch}]`,
        `the same token as ${names.query}[${mismatch}] for self-attention (${JSON.stringify(queryTokens[mismatch])})`,
        describe(keyTokens[mismatch]),
      );
    }
  }

  // bertviz entries take their numbering from the shared include_layers / include_heads.
  const layers = numbering(set.layers, L, bertvizEntry ? 'include_layers' : `${prefix}layers`, 'layer');
  const heads = numbering(set.heads, H, bertvizEntry ? 'include_heads' : `${prefix}heads`, 'head');

  const allowUnnormalized = options.allowUnnormalized ?? false;
  const tolerance = checkTolerance(
    options.tolerance ?? (tensor.halfPrecision ? ROW_SUM_TOLERANCE_HALF : ROW_SUM_TOLERANCE),
  );
  const { firstFutureIndex } = checkWeights(tensor.data, tensor.shape, field, {
    tolerance,
    allowUnnormalized,
  });

  const square = Q === K && name !== 'cross';
  if (set.causal !== undefined && typeof set.causal !== 'boolean') {
    throw new AttentionDataError(`${prefix}causal`, 'true or false', describe(set.causal));
  }
  let causal: boolean;
  if (set.causal === true) {
    if (!square) {
      throw new AttentionDataError(
        `${prefix}causal`,
        'false for attention between different token lists',
        'true',
      );
    }
    if (firstFutureIndex >= 0) {
      const l = Math.floor(firstFutureIndex / (H * Q * K));
      const h = Math.floor(firstFutureIndex / (Q * K)) % H;
      const q = Math.floor(firstFutureIndex / K) % Q;
      const k = firstFutureIndex % K;
      throw new AttentionDataError(
        `${field}[${l}][${h}][${q}][${k}]`,
        'weight 0 to a later key, since causal is true',
        String(tensor.data[firstFutureIndex]),
      );
    }
    causal = true;
  } else if (set.causal === false) {
    causal = false;
  } else {
    causal = square && Q > 1 && firstFutureIndex < 0;
  }

  let sentenceBStart: number | undefined;
  if (set.sentenceBStart !== undefined && set.sentenceBStart !== null) {
    const s = set.sentenceBStart;
    if (name !== 'self') {
      throw new AttentionDataError(
        `${prefix}sentenceBStart`,
        'no sentence pair in an encoder-decoder set',
        describe(s),
      );
    }
    if (!Number.isInteger(s) || s < 1 || s > Q - 1) {
      throw new AttentionDataError(
        `${prefix}sentenceBStart`,
        `an integer from 1 to ${Q - 1} (both sentences need a token)`,
        describe(s),
      );
    }
    sentenceBStart = s;
  }

  const vectorsScaled = set.vectorsScaled;
  if (vectorsScaled !== undefined && typeof vectorsScaled !== 'boolean') {
    throw new AttentionDataError(`${prefix}vectorsScaled`, 'true or false', describe(vectorsScaled));
  }
  const queries = readVectors(set.queries, `${prefix}queries`, [L, H, Q], 'queries');
  const keys = readVectors(set.keys, `${prefix}keys`, [L, H, K], 'keys');
  const values = readVectors(set.values, `${prefix}values`, [L, H, K], 'keys');
  if (queries && keys && queries.shape[3] !== keys.shape[3]) {
    throw new AttentionDataError(
      `${prefix}keys`,
      `vectors of dimension ${queries.shape[3]} like the queries`,
      `dimension ${keys.shape[3]}`,
    );
  }

  const frozenQueries = Object.freeze([...queryTokens]);
  return {
    name,
    queryTokens: frozenQueries,
    keyTokens: name === 'self' ? frozenQueries : Object.freeze([...keyTokens]),
    weights: tensor.data,
    shape: tensor.shape,
    layers,
    heads,
    causal,
    normalized: !allowUnnormalized,
    queryStart: 0,
    keyStart: 0,
    ...(sentenceBStart !== undefined ? { sentenceBStart } : {}),
    ...(queries ? { queries } : {}),
    ...(keys ? { keys } : {}),
    ...(values ? { values } : {}),
    ...(vectorsScaled !== undefined ? { vectorsScaled } : {}),
  };
}

/** Accepts rank 4 `[L, H, Q, K]`, or rank 5 `[L, 1, H, Q, K]` (a stacked per-layer list). */
function toAttentionShape(t: DenseTensor, field: string): DenseTensor & { shape: AttentionShape } {
  let shape = t.shape;
  if (shape.length === 5) {
    if (shape[1] !== 1) {
      throw new AttentionDataError(
        `${field}[0]`,
        'batch size 1 in each per-layer tensor [batch, heads, queries, keys]',
        `batch size ${shape[1]}`,
      );
    }
    shape = [shape[0]!, shape[2]!, shape[3]!, shape[4]!];
  }
  if (shape.length !== 4) {
    throw new AttentionDataError(
      field,
      '4 dimensions [layers, heads, queries, keys] (or a per-layer list of [1, heads, queries, keys])',
      `${shape.length} dimension${shape.length === 1 ? '' : 's'} [${shape.join(', ')}]`,
    );
  }
  const names = ['layers', 'heads', 'queries', 'keys'];
  shape.forEach((d, i) => {
    if (d === 0)
      throw new AttentionDataError(field, `at least 1 of ${names[i]}`, `shape [${shape.join(', ')}]`);
  });
  return { ...t, shape: shape as unknown as AttentionShape };
}

function readVectors(
  input: TensorInput | undefined,
  field: string,
  expected: readonly [number, number, number],
  tokenSide: string,
): VectorTensor | undefined {
  if (input === undefined || input === null) return undefined;
  const t = readTensor(input, field);
  let shape = t.shape;
  if (shape.length === 5) {
    if (shape[1] !== 1) {
      throw new AttentionDataError(
        `${field}[0]`,
        'batch size 1 in each per-layer tensor',
        `batch size ${shape[1]}`,
      );
    }
    shape = [shape[0]!, shape[2]!, shape[3]!, shape[4]!];
  }
  if (shape.length !== 4) {
    throw new AttentionDataError(
      field,
      '4 dimensions [layers, heads, tokens, dim]',
      `${shape.length} [${shape.join(', ')}]`,
    );
  }
  const [L, H, T] = expected;
  const labels = ['layers', 'heads', tokenSide, 'dim'];
  for (let i = 0; i < 3; i++) {
    if (shape[i] !== expected[i]) {
      throw new AttentionDataError(
        field,
        `[${L}, ${H}, ${T}, dim] to match the attention (${labels[i]} = ${expected[i]})`,
        `[${shape.join(', ')}]`,
      );
    }
  }
  if (shape[3] === 0) throw new AttentionDataError(field, 'vectors of dimension ≥ 1', 'dimension 0');
  const vshape = shape as unknown as VectorShape;
  checkFinite(t.data, vshape, field);
  return { data: t.data, shape: vshape };
}

function numbering(value: unknown, size: number, field: string, what: string): readonly number[] {
  if (value === undefined || value === null) return Object.freeze(Array.from({ length: size }, (_, i) => i));
  if (!Array.isArray(value)) {
    throw new AttentionDataError(field, `a list of ${count(size, `${what} number`)}`, describe(value));
  }
  if (value.length !== size) {
    throw new AttentionDataError(
      field,
      `${count(size, `${what} number`)} (one per ${what} in the tensor)`,
      `${value.length}`,
    );
  }
  const seen = new Set<number>();
  value.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) {
      throw new AttentionDataError(`${field}[${i}]`, `a ${what} number ≥ 0`, describe(n));
    }
    if (seen.has(n))
      throw new AttentionDataError(`${field}[${i}]`, `a ${what} number not listed before`, describe(n));
    seen.add(n);
  });
  return Object.freeze([...(value as number[])]);
}

function optionalNumberList(value: unknown, field: string): readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AttentionDataError(field, 'a list of numbers', describe(value));
  return value as number[];
}

/** Validates a token list: a non-empty array of strings. */
export function checkTokens(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new AttentionDataError(field, 'a list of token strings', describe(value));
  if (value.length === 0) throw new AttentionDataError(field, 'at least 1 token', '0 tokens');
  value.forEach((t, i) => {
    if (typeof t !== 'string') throw new AttentionDataError(`${field}[${i}]`, 'a string', describe(t));
  });
  return value as string[];
}

function checkTolerance(t: number): number {
  if (typeof t !== 'number' || !(t >= 0) || !Number.isFinite(t)) {
    throw new AttentionDataError('tolerance', 'a finite number ≥ 0', describe(t));
  }
  return t;
}

/** Components of one input must share layers and heads so that one layer selector serves all. */
function checkSameLayout(components: readonly AttentionComponent[]): void {
  const first = components[0]!;
  for (const c of components.slice(1)) {
    if (c.shape[0] !== first.shape[0] || c.shape[1] !== first.shape[1]) {
      throw new AttentionDataError(
        c.name,
        `${count(first.shape[0], 'layer')} × ${count(first.shape[1], 'head')} like ${first.name}`,
        `${c.shape[0]} × ${c.shape[1]}`,
      );
    }
  }
}

function isBertvizEntry(value: unknown): value is BertvizAttentionEntry {
  return isPlainObject(value) && 'attn' in value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function listKeys(obj: object): string {
  const keys = Object.keys(obj).slice(0, 6);
  return keys.length ? keys.map((k) => JSON.stringify(k)).join(', ') : '(none)';
}
