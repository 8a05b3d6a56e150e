/**
 * `buildComponent`: every format ends here, with an `AttentionSetInput` turned into one validated
 * `AttentionComponent`. Checks run in a fixed order (tensor, tokens, numbering, weights, flags,
 * vectors) so that the first error reported is the most basic one.
 */
import { AttentionDataError, count, describe } from '../errors.js';
import { readTensor } from '../tensor.js';
import type { AttentionComponent, AttentionShape, ComponentName } from '../types.js';
import { checkWeights, ROW_SUM_TOLERANCE, ROW_SUM_TOLERANCE_HALF } from '../validate.js';
import type { AttentionSetInput, ParseOptions } from './attnviz.js';
import { isPlainObject, numbering } from './checks.js';
import { readVectors, toAttentionShape } from './tensors.js';
import { tokenLists, type TokenNames } from './tokens.js';

/**
 * Builds and validates one component. `prefix` is prepended to field names in errors;
 * `attentionField` names the attention tensor's field in the input format.
 */
export function buildComponent(
  name: ComponentName,
  set: AttentionSetInput,
  prefix: string,
  options: ParseOptions,
  attentionField = 'attention',
  tokenNames?: TokenNames,
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
  const tensor = toAttentionShape(readTensor(set.attention, field, { rowSums: true }), field);
  const [L, H, Q, K] = tensor.shape;

  const bertvizEntry = attentionField === 'attn';
  const names = tokenNames ?? {
    query: `${prefix}${bertvizEntry ? 'left_text' : set.tokens !== undefined ? 'tokens' : 'queryTokens'}`,
    key: `${prefix}${bertvizEntry ? 'right_text' : set.keyTokens !== undefined ? 'keyTokens' : 'tokens'}`,
  };
  const [queryTokens, keyTokens] = tokenLists(name, set, prefix, names, Q, K);

  // bertviz entries take their numbering from the shared include_layers / include_heads.
  const layers = numbering(set.layers, L, bertvizEntry ? 'include_layers' : `${prefix}layers`, 'layer');
  const heads = numbering(set.heads, H, bertvizEntry ? 'include_heads' : `${prefix}heads`, 'head');
  const kvHeads = readKvHeads(set.kvHeads, H, `${prefix}kvHeads`);

  const allowUnnormalized = options.allowUnnormalized ?? false;
  const tolerance = checkTolerance(
    options.tolerance ?? (tensor.halfPrecision ? ROW_SUM_TOLERANCE_HALF : ROW_SUM_TOLERANCE),
  );
  const { firstFutureIndex } = checkWeights(
    tensor.data,
    tensor.shape,
    field,
    { tolerance, allowUnnormalized },
    tensor.rowSums,
  );

  const square = Q === K && name !== 'cross';
  const causal = readCausal(set.causal, square, firstFutureIndex, tensor, field, `${prefix}causal`);
  const sentenceBStart = readSentenceBStart(name, set.sentenceBStart, `${prefix}sentenceBStart`, Q);
  const generatedStart = readGeneratedStart(name, set.generatedStart, `${prefix}generatedStart`, Q);

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
    ...(generatedStart !== undefined ? { generatedStart } : {}),
    ...(queries ? { queries } : {}),
    ...(keys ? { keys } : {}),
    ...(values ? { values } : {}),
    ...(vectorsScaled !== undefined ? { vectorsScaled } : {}),
    ...(kvHeads ? { kvHeads } : {}),
  };
}

/** The key/value head each head reads: one number ≥ 0 per head, repeats allowed (they share). */
function readKvHeads(value: unknown, H: number, field: string): readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== H) {
    throw new AttentionDataError(
      field,
      `a list of ${count(H, 'key/value head number')} (one per head)`,
      Array.isArray(value) ? `${value.length}` : describe(value),
    );
  }
  value.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) {
      throw new AttentionDataError(`${field}[${i}]`, 'a key/value head number ≥ 0', describe(n));
    }
  });
  return Object.freeze([...(value as number[])]);
}

/** Where sentence B starts: only in self-attention, and leaving both sentences a token. */
function readSentenceBStart(
  name: ComponentName,
  value: number | null | undefined,
  field: string,
  Q: number,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (name !== 'self') {
    throw new AttentionDataError(field, 'no sentence pair in an encoder-decoder set', describe(value));
  }
  if (!Number.isInteger(value) || value < 1 || value > Q - 1) {
    throw new AttentionDataError(
      field,
      `an integer from 1 to ${Q - 1} (both sentences need a token)`,
      describe(value),
    );
  }
  return value;
}

/** Where the generated tokens start: in self-attention, after a prompt of at least one token. */
function readGeneratedStart(
  name: ComponentName,
  value: unknown,
  field: string,
  Q: number,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (name !== 'self') {
    throw new AttentionDataError(field, 'no generated tokens in an encoder-decoder set', describe(value));
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > Q - 1) {
    throw new AttentionDataError(
      field,
      `an integer from 1 to ${Q - 1} (a prompt token before, a generated token from it on)`,
      describe(value),
    );
  }
  return value;
}

/**
 * `causal` as given, checked against the weights when true; when absent, square attention with no
 * weight to a later key (and more than one token) is causal.
 */
function readCausal(
  value: unknown,
  square: boolean,
  firstFutureIndex: number,
  tensor: { readonly data: Float32Array; readonly shape: AttentionShape },
  attentionField: string,
  field: string,
): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new AttentionDataError(field, 'true or false', describe(value));
  }
  if (value === false) return false;
  if (value === undefined) return square && tensor.shape[2] > 1 && firstFutureIndex < 0;
  if (!square) {
    throw new AttentionDataError(field, 'false for attention between different token lists', 'true');
  }
  if (firstFutureIndex >= 0) {
    const [, H, Q, K] = tensor.shape;
    const l = Math.floor(firstFutureIndex / (H * Q * K));
    const h = Math.floor(firstFutureIndex / (Q * K)) % H;
    const q = Math.floor(firstFutureIndex / K) % Q;
    const k = firstFutureIndex % K;
    throw new AttentionDataError(
      `${attentionField}[${l}][${h}][${q}][${k}]`,
      'weight 0 to a later key, since causal is true',
      String(tensor.data[firstFutureIndex]),
    );
  }
  return true;
}

function checkTolerance(t: number): number {
  if (typeof t !== 'number' || !(t >= 0) || !Number.isFinite(t)) {
    throw new AttentionDataError('tolerance', 'a finite number ≥ 0', describe(t));
  }
  return t;
}
