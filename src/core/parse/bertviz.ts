/**
 * bertviz's head view and model view parameters (`head_view(..., html_action='return')` JSON):
 * a list of named entries, either one "All" self-attention entry (with the sentence-pair blocks
 * bertviz cuts out of it) or Encoder / Decoder / Cross entries. Also the pieces the neuron view
 * format (bertviz-neuron.ts) shares: entry to set, pair-block sizes, layer and head hints.
 */
import { AttentionDataError, describe } from '../errors.js';
import type { AttentionComponent, AttentionData, ComponentName, DisplayHints } from '../types.js';
import type { AttentionSetInput, ParseOptions } from './attnviz.js';
import { checkSameLayout, isPlainObject } from './checks.js';
import { buildComponent } from './component.js';

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

/** What a view entry and a neuron-view block have in common. */
export type BertvizBlock = Pick<BertvizAttentionEntry, 'attn' | 'left_text' | 'right_text'>;

const PAIR_NAMES: Readonly<Record<string, string>> = {
  'Sentence A -> Sentence A': 'aa',
  'Sentence B -> Sentence B': 'bb',
  'Sentence A -> Sentence B': 'ab',
  'Sentence B -> Sentence A': 'ba',
};

const COMPONENT_NAMES: Readonly<Record<string, ComponentName>> = {
  Encoder: 'encoder',
  Decoder: 'decoder',
  Cross: 'cross',
};

export function isBertvizEntry(value: unknown): value is BertvizAttentionEntry {
  return isPlainObject(value) && 'attn' in value;
}

export function parseBertvizView(params: BertvizViewParams, options: ParseOptions): AttentionData {
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
    } else if (name in PAIR_NAMES) {
      pairBlocks.set(PAIR_NAMES[name]!, entry);
    } else if (name in COMPONENT_NAMES) {
      const componentName = COMPONENT_NAMES[name]!;
      const set = fromBertvizEntry(entry, componentName, layers, heads);
      components.push(buildComponent(componentName, set, `attention[${i}].`, options, 'attn'));
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

/** bertviz names the query side `left_text` and the key side `right_text`. */
export function fromBertvizEntry(
  entry: BertvizBlock,
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
export function checkBertvizPairBlocks(
  all: AttentionComponent,
  blocks: ReadonlyMap<string, BertvizBlock>,
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

/** The layer and heads bertviz opens on, which must exist in the data. */
export function bertvizHints(
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

/** `include_layers` / `include_heads`; their entries are checked against the tensor later. */
function optionalNumberList(value: unknown, field: string): readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AttentionDataError(field, 'a list of numbers', describe(value));
  return value as number[];
}
