/**
 * Attention precomputed from the demo models (demo/models, trained for attnviz on public-domain
 * text; see docs/demo-models.md) by scripts/demo-models/export.py: for each demo text, the tokens
 * and PyTorch's attention, queries, keys and values, stored as base64 float32. What the stories
 * show where a real model's patterns matter; and the per-head figures of analyze.py, which name
 * the heads worth showing (a previous-token head, neighbour heads, …).
 */
import { applyFilter } from '../../src/core/filters.js';
import { parseAttention, type AttentionSetInput } from '../../src/core/parse/index.js';
import { headSummaries, type HeadSummaries, type SummaryName } from '../../src/core/summaries.js';
import { displayTokens } from '../../src/core/tokens.js';
import analysisJson from '../../demo/data/analysis.json';
import bertJson from '../../demo/data/attnviz-demo-bert.json';
import gptJson from '../../demo/data/attnviz-demo-gpt.json';
import { unpack, type Packed } from './packed.js';

interface DemoExample {
  readonly text: string;
  readonly textPair?: string;
  readonly tokens: string[];
  readonly ids: number[];
  readonly sentenceBStart?: number;
  readonly attention: Packed;
  readonly queries: Packed;
  readonly keys: Packed;
  readonly values: Packed;
}

interface DemoFile {
  readonly model: string;
  readonly causal: boolean;
  readonly vectorsScaled: boolean;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly examples: DemoExample[];
}

export type DemoModel = 'gpt' | 'bert';

const FILES: Record<DemoModel, DemoFile> = { gpt: gptJson as DemoFile, bert: bertJson as DemoFile };

function decode(t: Packed): { dims: number[]; data: Float32Array } {
  return { dims: t.dims, data: unpack(t) };
}

const cache = new Map<string, AttentionSetInput>();
const summaryCache = new Map<string, HeadSummaries>();

/** Example `index` of a demo model's precomputed data, with query/key/value vectors. */
export function demoData(model: DemoModel, index = 0): AttentionSetInput {
  const key = `${model}:${index}`;
  let data = cache.get(key);
  if (!data) {
    const file = FILES[model];
    const ex = file.examples[index];
    if (!ex) throw new Error(`demo data: ${file.model} has no example ${index}`);
    data = {
      tokens: ex.tokens,
      attention: decode(ex.attention),
      queries: decode(ex.queries),
      keys: decode(ex.keys),
      values: decode(ex.values),
      causal: file.causal,
      vectorsScaled: file.vectorsScaled,
      ...(ex.sentenceBStart !== undefined ? { sentenceBStart: ex.sentenceBStart } : {}),
    };
    cache.set(key, data);
  }
  return data;
}

/** The text (and second text) of a demo example. */
export function demoText(model: DemoModel, index = 0): { text: string; textPair?: string } {
  const ex = FILES[model].examples[index]!;
  return ex.textPair !== undefined ? { text: ex.text, textPair: ex.textPair } : { text: ex.text };
}

/** A head by the model's layer and head numbers. */
export interface HeadRef {
  readonly layer: number;
  readonly head: number;
}

/** A demo model's size: layers, heads per layer, dimensions per head. */
export function demoShape(model: DemoModel): { layers: number; heads: number; headDim: number } {
  const { layers, heads, headDim } = FILES[model];
  return { layers, heads, headDim };
}

/** A demo example's tokens as the views label them (`Ġ` and `##` removed). */
export function demoLabels(model: DemoModel, index = 0): string[] {
  return displayTokens(FILES[model].examples[index]!.tokens).map((t) => t.text);
}

/**
 * The model view's per-head summaries (share on the first / previous token, entropy, …) of one
 * demo example as a whole, i.e. what the model view's badges show for it.
 */
export function demoSummaries(model: DemoModel, index = 0): HeadSummaries {
  const key = `${model}:${index}`;
  let s = summaryCache.get(key);
  if (!s) {
    s = headSummaries(applyFilter(parseAttention(demoData(model, index)), 'all'));
    summaryCache.set(key, s);
  }
  return s;
}

/** One head's summary in one demo example, e.g. its share on the previous token. */
export function demoSummary(model: DemoModel, index: number, name: SummaryName, h: HeadRef): number {
  const s = demoSummaries(model, index);
  return s.values[name][h.layer * s.shape[1] + h.head]!;
}

/** `layer 2, head 3`: how the stories' descriptions name a head. */
export function headName(h: HeadRef): string {
  return `layer ${h.layer}, head ${h.head}`;
}

/**
 * Story parameters that set the description Storybook's docs show. For stories whose text names
 * a head picked from the data: a JSDoc comment, which Storybook shows otherwise, cannot hold it.
 */
export function described(story: string) {
  return { docs: { description: { story } } };
}

export const DEMO_NAMES: Record<DemoModel, string> = { gpt: gptJson.model, bert: bertJson.model };

interface HeadFigures {
  readonly [figure: string]: number[][];
}

/** analyze.py's per-head figures ([layer][head]) for a demo model: previous, first, self, punctuation, … */
export function headFigures(model: DemoModel): HeadFigures {
  return (analysisJson as unknown as Record<DemoModel, { heads: HeadFigures }>)[model].heads;
}

/** The head with the highest value of a figure, e.g. `bestHead('gpt', 'previous')`. */
export function bestHead(model: DemoModel, figure: string): { layer: number; head: number; value: number } {
  const grid = headFigures(model)[figure];
  if (!grid) throw new Error(`demo analysis: no figure "${figure}" for ${DEMO_NAMES[model]}`);
  let best = { layer: 0, head: 0, value: -Infinity };
  grid.forEach((row, layer) =>
    row.forEach((value, head) => {
      if (value > best.value) best = { layer, head, value };
    }),
  );
  return best;
}

/**
 * attnviz-demo-bert's neighbour head: the one that gives most attention to the previous or to the
 * next token over held-out text, and which of the two.
 */
export function bertNeighbourHead(): HeadRef & { value: number; figure: 'previous' | 'next' } {
  const previous = { ...bestHead('bert', 'previous'), figure: 'previous' as const };
  const next = { ...bestHead('bert', 'next'), figure: 'next' as const };
  return next.value > previous.value ? next : previous;
}

/** The start of a demo example's text for a story's name: its first `words` words, then "…". */
export function demoQuote(model: DemoModel, index = 0, words = 5): string {
  const all = FILES[model].examples[index]!.text.split(' ');
  return all.length > words ? `${all.slice(0, words).join(' ')}…` : all.join(' ');
}

interface InductionFigures {
  readonly inductionScore: number[][];
  readonly heldOutCopy: { readonly inductionScore: number[][] };
  readonly repeatedText: {
    readonly example: number;
    readonly queries: number;
    readonly inductionScore: number[][];
  };
}

/**
 * attnviz-demo-gpt's induction head: the head that, on held-out windows whose second half repeats
 * the first, gives most attention from a token of the second half to the token after its first
 * occurrence (analyze.py), with its share there, on repeated random tokens, and on the demo texts'
 * repeated sentence (`example`, `queries` of its tokens measured).
 */
export function gptInductionHead(): HeadRef & {
  random: number;
  copies: number;
  sentence: number;
  example: number;
  queries: number;
} {
  const g = (analysisJson as unknown as { gpt: InductionFigures }).gpt;
  let best = { layer: 0, head: 0, copies: -Infinity };
  g.heldOutCopy.inductionScore.forEach((row, layer) =>
    row.forEach((copies, head) => {
      if (copies > best.copies) best = { layer, head, copies };
    }),
  );
  const { layer, head } = best;
  return {
    ...best,
    random: g.inductionScore[layer]![head]!,
    sentence: g.repeatedText.inductionScore[layer]![head]!,
    example: g.repeatedText.example,
    queries: g.repeatedText.queries,
  };
}

/**
 * In a demo example said twice, each query of the second half whose token occurred before, and
 * its induction target: the key after the token's latest earlier occurrence (as analyze.py
 * measures the repeated sentence).
 */
export function inductionTargets(model: DemoModel, index: number): { query: number; key: number }[] {
  const ids = FILES[model].examples[index]!.ids;
  const out: { query: number; key: number }[] = [];
  for (let q = Math.floor(ids.length / 2); q < ids.length; q++) {
    const earlier = ids.lastIndexOf(ids[q]!, q - 1);
    if (earlier >= 0) out.push({ query: q, key: earlier + 1 });
  }
  return out;
}
