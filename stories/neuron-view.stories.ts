/**
 * <attn-neuron-view> stories. The data is synthetic (see `syntheticNeuron` in
 * stories/data/synthetic.ts): per-head query, key and value vectors whose few pattern-carrying
 * dimensions make one pattern seen in real models, and the attention softmax(q·k/√d) they make;
 * the names say so. The mismatch and error stories break that data on purpose.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/model-view/define.js';
import '../src/components/neuron-view/define.js';
import type { DimensionOrder } from '../src/components/neuron-view/neuron-view.js';
import type { AttnHeadSelectDetail } from '../src/components/shared/events.js';
import { applyFilter, layerIndexOf, type AttentionFilter } from '../src/core/filters.js';
import { dimensionContributions, dimensionOrder, neuronRow } from '../src/core/neuron.js';
import { parseAttention, type AttentionSetInput } from '../src/core/parse.js';
import { patternOf, syntheticAttention, syntheticNeuron } from './data/synthetic.js';
import { BERT_PAIR, GPT2_SENTENCE, longBertTokens } from './data/texts.js';

interface Args {
  layer?: number;
  head?: number;
  token?: number;
  neuron?: number;
  dimensionOrder: DimensionOrder;
  theme: 'auto' | 'light' | 'dark';
  filter?: AttentionFilter;
}

const bertPair = syntheticNeuron({
  tokens: BERT_PAIR.tokens,
  layers: 12,
  heads: 12,
  dim: 64,
  sentenceBStart: BERT_PAIR.sentenceBStart,
});
const gpt2 = syntheticNeuron({
  tokens: GPT2_SENTENCE,
  layers: 12,
  heads: 12,
  dim: 64,
  causal: true,
  seed: 3,
});

/** 128 tokens × 4 layers × 12 heads × 64 dimensions: built on first use, and once. */
let long128: AttentionSetInput | undefined;
const longData = (): AttentionSetInput =>
  (long128 ??= syntheticNeuron({ tokens: longBertTokens(128), layers: 4, heads: 12, dim: 64, seed: 9 }));

/** The dimension that drives q·k most for one query (what the view's "by contribution" puts first). */
function topNeuron(data: AttentionSetInput, layer: number, head: number, token: number): number {
  const c = applyFilter(parseAttention(data), 'all');
  const row = neuronRow(c, layerIndexOf(c, layer), c.heads.indexOf(head), token - c.queryStart);
  return dimensionOrder(dimensionContributions(row))[0]!;
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

// A previous-token head of layer 3 of the BERT-style pair (head 0); the query is "mat" (6).
const PREVIOUS = {
  layer: 3,
  head: Array.from({ length: 12 }, (_, h) => h).find((h) => patternOf(3, h, false) === 'previous')!,
  token: 6,
};

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
    layer: { control: { type: 'number', min: 0, max: 11 } },
    head: { control: { type: 'number', min: 0, max: 11 } },
    token: { control: { type: 'number', min: 0 }, description: 'The selected query, by model position' },
    neuron: { control: { type: 'number', min: 0, max: 63 }, description: 'The highlighted dimension' },
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
 * A BERT-style sentence pair, 12 layers × 12 heads, 64 dimensions: the "Attention" selector cuts
 * out a sentence-pair block (softmax still runs over every key, as in the model).
 */
export const SentencePair: Story = {
  name: 'Sentence pair, BERT style (synthetic)',
  render: (args) => view(bertPair, args),
};

/**
 * A previous-token head, dimensions by contribution to q·k: the six that carry the pattern
 * (sinusoids of the position, shifted by one between q and k) come first, and the top one is
 * outlined in every row.
 */
export const PreviousTokenHead: Story = {
  name: 'Previous-token head, dimensions by contribution (synthetic)',
  args: {
    ...PREVIOUS,
    dimensionOrder: 'contribution',
    neuron: topNeuron(bertPair, PREVIOUS.layer, PREVIOUS.head, PREVIOUS.token),
  },
  render: (args) => view(bertPair, args),
};

/**
 * A decoder: the keys after the query ("Ġdog", 9) are greyed, as the causal mask hides them.
 * Layer 0, head 0 parks its attention on the first token.
 */
export const Causal: Story = {
  name: 'GPT-2 style, causal (synthetic)',
  args: { layer: 0, head: 0, token: 9 },
  render: (args) => view(gpt2, args),
};

/** Queries and keys only: no v, Σα·v or ‖α·v‖ columns. */
export const WithoutValues: Story = {
  name: 'Without value vectors (synthetic)',
  args: { token: 3 },
  render: (args) =>
    view(
      syntheticNeuron({
        tokens: BERT_PAIR.tokens,
        layers: 2,
        heads: 12,
        dim: 64,
        values: false,
        sentenceBStart: BERT_PAIR.sentenceBStart,
      }),
      args,
    ),
};

/** The dark palette, on a head that attends to delimiters ([CLS], [SEP], "."). */
export const Dark: Story = {
  name: 'Dark theme (synthetic)',
  args: { theme: 'dark', layer: 0, head: 1, token: 3 },
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
 * A deliberate mismatch: layer 0's heads 0 (first token) and 5 (previous token) have exchanged
 * their attention, so head 5's vectors meet head 0's attention and the view warns with the
 * largest difference between softmax(q·k/√d) and the data.
 */
export const Mismatch: Story = {
  name: 'Deliberate mismatch: vectors of one head, attention of another (synthetic)',
  args: { layer: 0, head: 5, token: 6 },
  render: (args) => view(swapHeads(bertPair, 0, 0, 5), args),
};

/** Attention alone cannot show how it is computed: the error names the missing queries. */
export const NoVectors: Story = {
  name: 'Attention without vectors: error state',
  render: (args) => view(syntheticAttention({ tokens: BERT_PAIR.tokens, layers: 2, heads: 4 }), args),
};

/**
 * A page can drive the neuron view from the model view's `attn-head-select`: plain DOM sets its
 * layer and head to the cell that was opened. Both start on layer 5, head 6 (a previous-token head).
 */
export const Linked: Story = {
  name: 'Linked to a model view (synthetic)',
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
          selected-layer="5"
          selected-head="6"
          no-detail
        ></attn-model-view>
        ${view(bertPair, { ...args, layer: 5, head: 6 })}
      </div>`;
  },
};
