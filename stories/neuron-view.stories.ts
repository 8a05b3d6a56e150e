/**
 * <attn-neuron-view> stories. Where a story's point is how a model computes its attention, it
 * shows the demo models trained for attnviz (stories/data/demo.ts: attnviz-demo-gpt and
 * attnviz-demo-bert, 4 layers × 4 heads of 32 dimensions, on prose of the kind they were trained
 * on), with PyTorch's
 * own query, key and value vectors; its name says which model and text. Heads, queries and
 * neurons worth showing are picked from the data when the module loads, never by number, and the
 * descriptions name them. Synthetic vectors (`syntheticNeuron` in stories/data/synthetic.ts)
 * remain for 128 tokens (longer than any demo text) and for the deliberate mismatch, which breaks
 * data whose heads are known to differ; their names say so.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/model-view/define.js';
import '../src/components/neuron-view/define.js';
import type { DimensionOrder } from '../src/components/neuron-view/neuron-view.js';
import type { AttnHeadSelectDetail } from '../src/components/shared/events.js';
import { applyFilter, layerIndexOf, type AttentionFilter } from '../src/core/filters.js';
import { dimensionContributions, dimensionOrder, neuronRow, type NeuronRow } from '../src/core/neuron.js';
import { parseAttention, type AttentionSetInput } from '../src/core/parse/index.js';
import type { AttentionComponent } from '../src/core/types.js';
import {
  bestHead,
  bertNeighbourHead,
  demoData,
  demoLabels,
  demoQuote,
  demoShape,
  demoSummary,
  described,
  gptInductionHead,
  headName,
  inductionTargets,
  type HeadRef,
} from './data/demo.js';
import { syntheticNeuron } from './data/synthetic.js';
import { BERT_PAIR, longBertTokens } from './data/texts.js';

interface Args {
  layer?: number;
  head?: number;
  token?: number;
  neuron?: number;
  dimensionOrder: DimensionOrder;
  theme: 'auto' | 'light' | 'dark';
  filter?: AttentionFilter;
}

// The first demo texts (scripts/demo-models/texts.py): a sentence pair in Austen's manner for
// attnviz-demo-bert, and Lincoln's "Fellow-citizens, we cannot escape history…" for attnviz-demo-gpt.
const bertPair = demoData('bert', 0);
const gptText = demoData('gpt', 0);
const gptLabels = demoLabels('gpt', 0);
const pairLabels = demoLabels('bert', 0);
const bertQuote = demoQuote('bert', 0);
const gptQuote = demoQuote('gpt', 0);
const { headDim } = demoShape('gpt');

/** Two decimals, without a "-0.00". */
const fixed = (x: number): string => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2);

/** 128 tokens × 4 layers × 12 heads × 64 dimensions: built on first use, and once. */
let long128: AttentionSetInput | undefined;
const longData = (): AttentionSetInput =>
  (long128 ??= syntheticNeuron({ tokens: longBertTokens(128), layers: 4, heads: 12, dim: 64, seed: 9 }));

const components = new WeakMap<AttentionSetInput, AttentionComponent>();

/** One query's computation in one head, as the view computes it (on the whole input). */
function rowOf(data: AttentionSetInput, h: HeadRef, token: number): NeuronRow {
  let c = components.get(data);
  if (!c) components.set(data, (c = applyFilter(parseAttention(data), 'all')));
  return neuronRow(c, layerIndexOf(c, h.layer), c.heads.indexOf(h.head), token - c.queryStart);
}

/**
 * Dimension i's product q_i·k_i in one causal row: on the previous token, and its mean on the
 * other keys the query sees.
 */
function previousVsOthers(r: NeuronRow, i: number): { previous: number; others: number } {
  const t = r.query;
  let others = 0;
  for (let k = 0; k <= t; k++) if (k !== t - 1) others += r.products[k * r.dim + i]!;
  return { previous: r.products[(t - 1) * r.dim + i]!, others: others / t };
}

/**
 * The neuron that most favours the previous token in head `h` of a causal text: the dimension i
 * whose `previousVsOthers` difference is largest on average over the queries t ≥ 2; with the two
 * averages.
 */
function previousTokenNeuron(data: AttentionSetInput, h: HeadRef) {
  const rows = Array.from({ length: data.tokens!.length - 2 }, (_, i) => rowOf(data, h, i + 2));
  return Array.from({ length: rows[0]!.dim }, (_, neuron) => {
    const each = rows.map((r) => previousVsOthers(r, neuron));
    const mean = (f: (x: { previous: number; others: number }) => number) =>
      each.reduce((sum, x) => sum + f(x), 0) / each.length;
    return { neuron, previous: mean((x) => x.previous), others: mean((x) => x.others) };
  }).reduce((a, b) => (b.previous - b.others > a.previous - a.others ? b : a));
}

/**
 * The same vectors with the attention of heads `a` and `b` of `layer` exchanged: each head's
 * softmax(q·k) then disagrees with the attention the data reports for it.
 */
function swapHeads(data: AttentionSetInput, layer: number, a: number, b: number): AttentionSetInput {
  const { dims, data: weights } = data.attention as { dims: number[]; data: Float32Array };
  const [, H, Q, K] = dims as [number, number, number, number];
  const size = Q * K;
  const swapped = weights.slice();
  swapped.set(weights.subarray((layer * H + a) * size, (layer * H + a + 1) * size), (layer * H + b) * size);
  swapped.set(weights.subarray((layer * H + b) * size, (layer * H + b + 1) * size), (layer * H + a) * size);
  return { ...data, attention: { dims, data: swapped } };
}

/** A demo example without some of its vectors. */
function without(data: AttentionSetInput, ...fields: ('queries' | 'keys' | 'values')[]): AttentionSetInput {
  const copy: Record<string, unknown> = { ...data };
  for (const f of fields) delete copy[f];
  return copy as unknown as AttentionSetInput;
}

// attnviz-demo-gpt's previous-token head on its first text, its last token as the query (as in
// Vig 2019, fig. 7), and the neuron that makes the pattern.
const PREVIOUS = { ...bestHead('gpt', 'previous'), token: gptLabels.length - 1 };
const PREVIOUS_NEURON = previousTokenNeuron(gptText, PREVIOUS);
const previousRow = rowOf(gptText, PREVIOUS, PREVIOUS.token);
const previousHere = previousVsOthers(previousRow, PREVIOUS_NEURON.neuron);
const previousOrder = dimensionOrder(dimensionContributions(previousRow));
const previousRank =
  previousOrder[0] === PREVIOUS_NEURON.neuron
    ? 'it comes first'
    : `it ranks ${previousOrder.indexOf(PREVIOUS_NEURON.neuron) + 1} of ${headDim}, ` +
      `dimension ${previousOrder[0]} first`;

// attnviz-demo-gpt's induction head on the demo texts' repeated sentence, with the query of the
// second copy on which it puts most weight on the token after the query's earlier occurrence.
const INDUCTION_HEAD = gptInductionHead();
const repeated = demoData('gpt', INDUCTION_HEAD.example);
const repeatedLabels = demoLabels('gpt', INDUCTION_HEAD.example);
const INDUCTION = {
  ...INDUCTION_HEAD,
  ...inductionTargets('gpt', INDUCTION_HEAD.example)
    .map((t) => ({
      token: t.query,
      key: t.key,
      weight: rowOf(repeated, INDUCTION_HEAD, t.query).softmax[t.key]!,
    }))
    .reduce((a, b) => (b.weight > a.weight ? b : a)),
};
/** Whether that key has the query's largest weight (then also its largest q·k). */
const inductionOnTop =
  INDUCTION.weight === Math.max(...rowOf(repeated, INDUCTION_HEAD, INDUCTION.token).softmax);

// attnviz-demo-bert's strongest neighbour head, with a token in the middle of the first sentence
// as the query.
const NEIGHBOUR = bertNeighbourHead();
const NEIGHBOUR_QUERY = Math.max(1, Math.floor(((bertPair.sentenceBStart ?? pairLabels.length) - 1) / 2));

const view = (data: unknown, args: Partial<Args> = {}): TemplateResult =>
  html`<attn-neuron-view
    .data=${data}
    layer=${ifDefined(args.layer)}
    head=${ifDefined(args.head)}
    token=${ifDefined(args.token)}
    neuron=${ifDefined(args.neuron)}
    dimension-order=${args.dimensionOrder ?? 'none'}
    theme=${args.theme ?? 'auto'}
    filter=${ifDefined(args.filter || undefined)}
  ></attn-neuron-view>`;

const meta: Meta<Args> = {
  title: 'Neuron view',
  component: 'attn-neuron-view',
  argTypes: {
    layer: { control: { type: 'number', min: 0, max: demoShape('gpt').layers - 1 } },
    head: { control: { type: 'number', min: 0, max: demoShape('gpt').heads - 1 } },
    token: { control: { type: 'number', min: 0 }, description: 'The selected query, by model position' },
    neuron: {
      control: { type: 'number', min: 0, max: headDim - 1 },
      description: 'The highlighted dimension',
    },
    dimensionOrder: { control: 'inline-radio', options: ['none', 'contribution'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    filter: {
      control: 'select',
      options: ['all', 'aa', 'bb', 'ab', 'ba'],
      description: 'Sentence-pair blocks need sentence-pair data',
    },
  },
  args: { dimensionOrder: 'none', theme: 'auto' },
};
export default meta;

type Story = StoryObj<Args>;

/**
 * A sentence pair on attnviz-demo-bert, 4 layers × 4 heads of 32 dimensions: the "Attention"
 * selector cuts out a sentence-pair block (softmax still runs over every key, as in the model).
 */
export const SentencePair: Story = {
  name: `Sentence pair "${bertQuote}" (attnviz-demo-bert)`,
  render: (args) => view(bertPair, args),
};

export const PreviousTokenHead: Story = {
  name: `Previous-token head, neurons by contribution, "${gptQuote}" (attnviz-demo-gpt)`,
  parameters: described(
    `Linking neurons to a head's behaviour (Vig 2019, section 2.3, fig. 7): ${headName(PREVIOUS)}, ` +
      `attnviz-demo-gpt's previous-token head (${PREVIOUS.value.toFixed(2)} of its attention on the ` +
      `previous token over held-out text, analyze.py; ` +
      `${demoSummary('gpt', 0, 'previous', PREVIOUS).toFixed(2)} on this sentence), with the last ` +
      `token, "${gptLabels[PREVIOUS.token]}", as the query. The outlined dimension, ` +
      `${PREVIOUS_NEURON.neuron}, is the one whose q×k most favours the previous token over the whole ` +
      `sentence: ${fixed(PREVIOUS_NEURON.previous)} on average on the previous token against ` +
      `${fixed(PREVIOUS_NEURON.others)} on the other keys a query sees. For this query, its q×k cell ` +
      `is ${fixed(previousHere.previous)} on the row of "${gptLabels[PREVIOUS.token - 1]}" against ` +
      `${fixed(previousHere.others)} on average on the other rows. Dimensions are ordered by their ` +
      `contribution to q·k for this query (mean |q_i·k_i|): ${previousRank}. ↑/↓ on the query column ` +
      `move the query.`,
  ),
  args: {
    layer: PREVIOUS.layer,
    head: PREVIOUS.head,
    token: PREVIOUS.token,
    dimensionOrder: 'contribution',
    neuron: PREVIOUS_NEURON.neuron,
  },
  render: (args) => view(gptText, args),
};

export const Causal: Story = {
  name: 'Causal, induction head on a sentence said twice (attnviz-demo-gpt)',
  parameters: described(
    `A decoder: the keys after the query ("${repeatedLabels[INDUCTION.token]}", ${INDUCTION.token}) are ` +
      `greyed, as the causal mask hides them. Shown: ${headName(INDUCTION)}, attnviz-demo-gpt's induction ` +
      `head (${INDUCTION.copies.toFixed(2)} of its attention on the token after a token's earlier ` +
      `occurrence, on held-out text whose second half repeats the first, analyze.py). The query repeats a token of the first copy; the token ` +
      `that followed it there, "${repeatedLabels[INDUCTION.key]}" (${INDUCTION.key}), gets ` +
      `${fixed(INDUCTION.weight)} of the softmax` +
      (inductionOnTop ? `, the most of any key, as its q·k is the largest` : ``) +
      `: the query finds it by what came before it, which a previous-token head has written there.`,
  ),
  args: {
    layer: INDUCTION.layer,
    head: INDUCTION.head,
    token: INDUCTION.token,
    dimensionOrder: 'contribution',
  },
  render: (args) => view(repeated, args),
};

export const CausalFirstQuery: Story = {
  name: 'Causal, first query: one key to attend to (attnviz-demo-gpt)',
  parameters: described(
    `The first token of a decoder sees only itself: the causal mask hides every later key, so its ` +
      `softmax is 1 on "${gptLabels[0]}" whatever q·k. The view says so above the rows instead of ` +
      `leaving a column of greyed keys unexplained. Shown: ${headName(PREVIOUS)}.`,
  ),
  args: { layer: PREVIOUS.layer, head: PREVIOUS.head, token: 0 },
  render: (args) => view(gptText, args),
};

/** Queries and keys only (the demo pair without its value vectors): no v, Σα·v or ‖α·v‖ columns. */
export const WithoutValues: Story = {
  name: 'Without value vectors (attnviz-demo-bert)',
  args: { token: 3 },
  render: (args) => view(without(bertPair, 'values'), args),
};

export const Dark: Story = {
  name: 'Dark theme (attnviz-demo-bert)',
  parameters: described(
    `The dark palette, on ${headName(NEIGHBOUR)}: attnviz-demo-bert's strongest neighbour head ` +
      `(${NEIGHBOUR.value.toFixed(2)} of its attention on the ${NEIGHBOUR.figure} token over held-out ` +
      `text, analyze.py), with "${pairLabels[NEIGHBOUR_QUERY]}" as the query.`,
  ),
  args: { theme: 'dark', layer: NEIGHBOUR.layer, head: NEIGHBOUR.head, token: NEIGHBOUR_QUERY },
  render: (args) => view(bertPair, args),
};

/**
 * 128 tokens: the rows scroll and only the visible ones are drawn; ↑/↓ on the query column move
 * the query and scroll to it. A previous-token head, query "miller" (13).
 */
export const Long128: Story = {
  name: '128 tokens (synthetic)',
  args: { layer: 0, head: 5, token: 13 },
  render: (args) => view(longData(), args),
};

/**
 * A deliberate mismatch: layer 0's heads 0 (first token) and 5 (previous token) of synthetic
 * vectors have exchanged their attention, so head 5's vectors meet head 0's attention and the view
 * warns with the largest difference between softmax(q·k/√d) and the data.
 */
export const Mismatch: Story = {
  name: 'Deliberate mismatch: vectors of one head, attention of another (synthetic)',
  args: { layer: 0, head: 5, token: 6 },
  render: (args) =>
    view(
      swapHeads(
        syntheticNeuron({
          tokens: BERT_PAIR.tokens,
          layers: 1,
          heads: 12,
          dim: 64,
          sentenceBStart: BERT_PAIR.sentenceBStart,
        }),
        0,
        0,
        5,
      ),
      args,
    ),
};

/**
 * Attention alone (the demo pair without its vectors) cannot show how it is computed: the empty
 * state says what the view shows, what it needs and where to get it.
 */
export const NoVectors: Story = {
  name: 'Attention without vectors: empty state',
  render: (args) => view(without(bertPair, 'queries', 'keys', 'values'), args),
};

export const Linked: Story = {
  name: 'Linked to a model view (attnviz-demo-bert)',
  parameters: described(
    `A page can drive the neuron view from the model view's \`attn-head-select\`: plain DOM sets its ` +
      `layer and head to the cell that was opened. Both start on ${headName(NEIGHBOUR)}, ` +
      `attnviz-demo-bert's neighbour head (${NEIGHBOUR.value.toFixed(2)} of its attention on the ` +
      `${NEIGHBOUR.figure} token over held-out text, analyze.py).`,
  ),
  render: (args) => {
    const link = (e: CustomEvent<AttnHeadSelectDetail>) => {
      const { layer, head } = e.detail;
      if (layer === null || head === null) return;
      const neuronView = (e.currentTarget as HTMLElement).querySelector('attn-neuron-view')!;
      neuronView.layer = layer;
      neuronView.head = head;
    };
    // no-detail: the neuron view below replaces the model view's own detail panel.
    return html`<p style="font: 13px system-ui; max-width: 60ch">
        Click a cell of the model view (top): the neuron view (bottom) shows how that layer and head compute
        their attention.
      </p>
      <div style="display: grid; gap: 16px" @attn-head-select=${link}>
        <attn-model-view
          .data=${bertPair}
          theme=${args.theme}
          selected-layer=${NEIGHBOUR.layer}
          selected-head=${NEIGHBOUR.head}
          no-detail
        ></attn-model-view>
        ${view(bertPair, { ...args, layer: NEIGHBOUR.layer, head: NEIGHBOUR.head })}
      </div>`;
  },
};
