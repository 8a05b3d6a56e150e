/**
 * `parseAttention`: the one edge where outside data becomes an `AttentionData`. It recognises the
 * input's format and hands it to that format's module; every format ends in `buildComponent`
 * (component.ts), which validates everything and throws an `AttentionDataError` naming the field,
 * the expected and the received value. Nothing after it re-validates.
 */
import { isMarkedData, markData } from '../brand.js';
import { AttentionDataError, describe } from '../errors.js';
import { isTensorLike, type TensorInput } from '../tensor.js';
import type { AttentionData } from '../types.js';
import { parseAttentionSet, parseBareTensor, type AttentionSetInput, type ParseOptions } from './attnviz.js';
import { isBertvizEntry, parseBertvizView, type BertvizViewParams } from './bertviz.js';
import { parseBertvizNeuron, type BertvizNeuronParams } from './bertviz-neuron.js';
import { isPlainObject } from './checks.js';
import { parseEncoderDecoder, type EncoderDecoderInput } from './encoder-decoder.js';

export type { AttentionSetInput, ParseOptions } from './attnviz.js';
export type { BertvizAttentionEntry, BertvizViewParams } from './bertviz.js';
export type { BertvizNeuronBlock, BertvizNeuronParams } from './bertviz-neuron.js';
export type { EncoderDecoderInput } from './encoder-decoder.js';
export { checkTokens } from './tokens.js';

/** Everything `parseAttention` accepts. */
export type AttentionInput =
  | AttentionData
  | AttentionSetInput
  | EncoderDecoderInput
  | BertvizViewParams
  | BertvizNeuronParams
  | TensorInput;

/** True for an `AttentionData` produced by `parseAttention` or `attentionData` (it is returned as is). */
export function isAttentionData(value: unknown): value is AttentionData {
  return isMarkedData(value);
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
  return markData(data);
}

/** Tells the object formats apart by the fields only each of them has. */
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
  if ('attention' in obj) return parseAttentionSet(obj as unknown as AttentionSetInput, options);
  throw new AttentionDataError(
    'data',
    'an object with an `attention` field, bertviz parameters, or `encoder`/`decoder`/`cross` sets',
    `an object with keys ${listKeys(obj)}`,
  );
}

function listKeys(obj: object): string {
  const keys = Object.keys(obj).slice(0, 6);
  return keys.length ? keys.map((k) => JSON.stringify(k)).join(', ') : '(none)';
}
