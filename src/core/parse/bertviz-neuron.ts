/**
 * bertviz's neuron view parameters: the "all" block with per-head query and key vectors, the
 * sentence-pair blocks, and whether the model is bidirectional (else causal).
 */
import { AttentionDataError, describe } from '../errors.js';
import type { AttentionData } from '../types.js';
import type { AttentionSetInput, ParseOptions } from './attnviz.js';
import { bertvizHints, checkBertvizPairBlocks, fromBertvizEntry } from './bertviz.js';
import { isPlainObject } from './checks.js';
import { buildComponent } from './component.js';

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

export function parseBertvizNeuron(params: BertvizNeuronParams, options: ParseOptions): AttentionData {
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
