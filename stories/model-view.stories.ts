/**
 * <attn-model-view> stories. Where a story's point is a pattern a model makes, it shows the demo
 * models trained for attnviz (stories/data/demo.ts: attnviz-demo-gpt and attnviz-demo-bert, 4
 * layers × 4 heads each, on prose of the kind they were trained on); its name says which model and
 * text. Heads worth showing are picked from analyze.py's per-head figures or the model view's own summaries when the
 * module loads, never by number, and the descriptions name them. Synthetic data
 * (stories/data/synthetic.ts) and hand-made tensors remain where a story shows what the demo models
 * cannot: an encoder-decoder, 512 tokens × 144 heads, invalid or oversized data; their names say so.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/model-view/define.js';
import type { SortOrder, ThumbnailMode } from '../src/components/model-view/model-view.js';
import type { AttnHeadSelectDetail } from '../src/components/shared/events.js';
import type { AttentionFilter } from '../src/core/filters.js';
import type { AttentionSetInput } from '../src/core/parse/index.js';
import { SUMMARY_NAMES, type SummaryName } from '../src/core/summaries.js';
import {
  bertNeighbourHead,
  bestHead,
  demoData,
  demoQuote,
  demoSummaries,
  described,
  gptInductionHead,
  headFigures,
  headName,
  type DemoModel,
  type HeadRef,
} from './data/demo.js';
import { syntheticAttention, syntheticEncoderDecoder } from './data/synthetic.js';
import { longBertTokens } from './data/texts.js';

interface Args {
  thumbnail: ThumbnailMode;
  theme: 'auto' | 'light' | 'dark';
  summary: SummaryName | 'none';
  sort: SortOrder;
  highlightAbove?: number;
  highlightBelow?: number;
  includeLayers?: string;
  includeHeads?: string;
  selectedLayer?: number;
  selectedHead?: number;
  noDetail?: boolean;
  filter?: AttentionFilter;
}

// The first demo texts (scripts/demo-models/texts.py): a sentence pair in Austen's manner for
// attnviz-demo-bert, and Lincoln's "Fellow-citizens, we cannot escape history…" for attnviz-demo-gpt.
const bertPair = demoData('bert', 0);
const bertQuote = demoQuote('bert', 0);
const gptQuote = demoQuote('gpt', 0);
const causalPair = syntheticAttention({
  tokens: ['The', 'Ġcat', 'Ġsat', '.', 'ĠIt', 'Ġslept', '.'],
  layers: 2,
  heads: 4,
  causal: true,
  sentenceBStart: 4,
  seed: 3,
});
const gptText = demoData('gpt', 0);

/** attnviz-demo-gpt's induction head and the demo texts' repeated sentence. */
const INDUCTION = gptInductionHead();
const repeated = demoData('gpt', INDUCTION.example);

// analyze.py's threshold: a previous-token (or next-token) head puts more than 0.4 of its
// attention on that neighbour.
const PREVIOUS_TOKEN = 0.4;

/** attnviz-demo-bert's head with the largest share on [CLS] (analyze.py's `first`). */
const FIRST = bestHead('bert', 'first');

/** Two decimals. */
const fixed = (x: number): string => x.toFixed(2);

/** Heads whose analyze.py figure (mean over held-out text) is above `threshold`, best first. */
function headsAbove(model: DemoModel, figure: string, threshold: number): (HeadRef & { value: number })[] {
  const grid = headFigures(model)[figure]!;
  return grid
    .flatMap((row, layer) => row.map((value, head) => ({ layer, head, value })))
    .filter((h) => h.value > threshold)
    .sort((a, b) => b.value - a.value);
}

/**
 * Heads whose model-view summary on one demo example passes `keep`, highest first (lowest first
 * for `ascending`): what the model view outlines for that text.
 */
function summaryHeads(
  model: DemoModel,
  index: number,
  name: SummaryName,
  keep: (value: number) => boolean,
  order: 'descending' | 'ascending' = 'descending',
): (HeadRef & { value: number })[] {
  const s = demoSummaries(model, index);
  const H = s.shape[1];
  return Array.from(s.values[name], (value, i) => ({ layer: Math.floor(i / H), head: i % H, value }))
    .filter((h) => keep(h.value))
    .sort((a, b) => (order === 'ascending' ? a.value - b.value : b.value - a.value));
}

/** `layer 1, head 2 (0.83); layer 3, head 0 (0.71)`, or `none`. */
function listing(heads: readonly (HeadRef & { value: number })[]): string {
  return heads.map((h) => `${headName(h)} (${h.value.toFixed(2)})`).join('; ') || 'none';
}

/** attnviz-demo-bert's head that attends most to a neighbouring token (previous or next). */
const NEIGHBOUR = bertNeighbourHead();

/** 512 tokens × 144 heads is 150 MB of float32: built on first use, and once. */
let long512: AttentionSetInput | undefined;
const longData = (): AttentionSetInput =>
  (long512 ??= syntheticAttention({ tokens: longBertTokens(512), layers: 12, heads: 12, seed: 9 }));

const view = (data: unknown, args: Partial<Args> = {}): TemplateResult =>
  html`<attn-model-view
    .data=${data}
    theme=${args.theme ?? 'dark'}
    thumbnail=${args.thumbnail ?? 'lines'}
    summary=${args.summary ?? 'none'}
    sort=${args.sort ?? 'none'}
    highlight-above=${ifDefined(args.highlightAbove)}
    highlight-below=${ifDefined(args.highlightBelow)}
    include-layers=${ifDefined(args.includeLayers || undefined)}
    include-heads=${ifDefined(args.includeHeads || undefined)}
    selected-layer=${ifDefined(args.selectedLayer)}
    selected-head=${ifDefined(args.selectedHead)}
    filter=${ifDefined(args.filter)}
    ?no-detail=${args.noDetail ?? false}
  ></attn-model-view>`;

const meta: Meta<Args> = {
  title: 'Model view',
  component: 'attn-model-view',
  argTypes: {
    thumbnail: { control: 'inline-radio', options: ['lines', 'heatmap'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    summary: { control: 'select', options: ['none', ...SUMMARY_NAMES] },
    sort: { control: 'inline-radio', options: ['none', 'descending', 'ascending'] },
    highlightAbove: {
      control: { type: 'number', min: 0, step: 0.05 },
      description: 'Highlight heads whose summary is at least this',
    },
    highlightBelow: {
      control: { type: 'number', min: 0, step: 0.05 },
      description: 'Highlight heads whose summary is at most this',
    },
  },
  args: { thumbnail: 'lines', theme: 'dark', summary: 'none', sort: 'none' },
};
export default meta;

type Story = StoryObj<Args>;

/** All 4 layers × 4 heads of attnviz-demo-bert on a sentence pair, with the sentence-pair filter in the toolbar. */
export const SentencePair: Story = {
  name: `Sentence pair "${bertQuote}" (attnviz-demo-bert)`,
  render: (args) => view(bertPair, args),
};

/** Each thumbnail as its query (down) × key (across) matrix instead of lines. */
export const Heatmap: Story = {
  name: 'Heatmap thumbnails (attnviz-demo-bert)',
  args: { thumbnail: 'heatmap' },
  render: (args) => view(bertPair, args),
};

/** The light palette (`auto` follows the system setting). */
export const Light: Story = {
  name: 'Light theme (attnviz-demo-bert)',
  args: { theme: 'light' },
  render: (args) => view(bertPair, args),
};

/**
 * Some layers and heads, labelled with the model's numbers. Both views are 480px wide: with half
 * of the heads, the cells (and their thumbnails) are wider.
 */
export const Subset: Story = {
  name: 'Layers 0 and 3 × heads 1–2 (attnviz-demo-bert)',
  args: { includeLayers: '0,3', includeHeads: '1,2' },
  render: (args) =>
    html`<div style="display: flex; flex-wrap: wrap; gap: 16px; align-items: start">
      <div style="width: 480px">
        ${view(bertPair, { ...args, includeLayers: undefined, includeHeads: undefined })}
      </div>
      <div style="width: 480px">${view(bertPair, args)}</div>
    </div>`,
};

/**
 * A filter without any weight says so: in a decoder, the first sentence never attends to the
 * second, so its "A → B" block is all zeros.
 */
export const EmptyBlock: Story = {
  name: 'Empty block: A → B of a causal sentence pair (synthetic)',
  args: { filter: 'ab' },
  render: (args) => view(causalPair, args),
};

/** A decoder: in heatmaps, the keys after each query (upper triangle) are greyed as masked. */
export const Causal: Story = {
  name: `Causal, heatmaps, "${gptQuote}" (attnviz-demo-gpt)`,
  args: { thumbnail: 'heatmap' },
  render: (args) => view(gptText, args),
};

/** Encoder, decoder and cross attention, chosen in the toolbar's "Attention" selector. */
export const EncoderDecoder: Story = {
  name: 'Encoder-decoder (synthetic)',
  render: (args) => view(syntheticEncoderDecoder(), args),
};

export const PreviousTokenHeads: Story = {
  name: `Previous-token heads, "${gptQuote}" (attnviz-demo-gpt)`,
  parameters: described(
    `Previous-token heads, as the paper finds in GPT-2's early layers (Vig 2019, section 2.2): the ` +
      `"On previous token" summary sorts each layer's heads by their share on the token just before the ` +
      `query (left first) and outlines those with at least ${PREVIOUS_TOKEN}, analyze.py's definition of a ` +
      `previous-token head; the thumbnail of one is parallel lines, each rising one row. Outlined on this ` +
      `sentence: ${listing(summaryHeads('gpt', 0, 'previous', (v) => v >= PREVIOUS_TOKEN))}. Over ` +
      `held-out text (analyze.py): ${listing(headsAbove('gpt', 'previous', PREVIOUS_TOKEN))}.`,
  ),
  args: { summary: 'previous', sort: 'descending', highlightAbove: PREVIOUS_TOKEN },
  render: (args) => view(gptText, args),
};

export const NeighbourHeads: Story = {
  name: `Previous- and next-token heads, "${bertQuote}" (attnviz-demo-bert)`,
  parameters: described(
    `What attnviz-demo-bert learned: heads that look at a neighbouring token. (It has no "null ` +
      `attention" head parking its weight on [CLS] or [SEP], as the paper finds in BERT: its largest ` +
      `share on [CLS] over held-out text is ${fixed(FIRST.value)}, by ${headName(FIRST)}.) The "On previous ` +
      `token" summary badges every head with its share on the token just before the query, and outlines ` +
      `those with at least ${PREVIOUS_TOKEN}; their thumbnails are parallel lines, each rising one row. ` +
      `Outlined on this pair: ${listing(summaryHeads('bert', 0, 'previous', (v) => v >= PREVIOUS_TOKEN))}. ` +
      `Over held-out text (analyze.py), previous-token heads: ` +
      `${listing(headsAbove('bert', 'previous', PREVIOUS_TOKEN))}; next-token heads, whose lines fall one row ` +
      `(the model view has no summary for the next token, so they are not outlined): ` +
      `${listing(headsAbove('bert', 'next', PREVIOUS_TOKEN))}.`,
  ),
  args: { summary: 'previous', highlightAbove: PREVIOUS_TOKEN },
  render: (args) => view(bertPair, args),
};

export const InductionHead: Story = {
  name: 'Induction head, a sentence said twice (attnviz-demo-gpt)',
  parameters: described(
    `attnviz-demo-gpt on a sentence said twice, opened on its induction head, ${headName(INDUCTION)}: ` +
      `in its thumbnail, the lines of the second copy run back up to the first copy, each to the token ` +
      `after the one the query repeats, all by the same distance, so they are parallel; the detail view ` +
      `below shows it with its tokens. On held-out text whose second half repeats the first it gives ` +
      `${INDUCTION.copies.toFixed(2)} of its attention to the token after the earlier occurrence ` +
      `(analyze.py), ${INDUCTION.sentence.toFixed(2)} on average over the ${INDUCTION.queries} tokens of ` +
      `this sentence's second copy that occurred before, and ${INDUCTION.random.toFixed(2)} on repeated ` +
      `random tokens. The other ` +
      `cells show what the model does without a repeat: its previous-token head's parallel lines, heads ` +
      `on punctuation.`,
  ),
  args: { selectedLayer: INDUCTION.layer, selectedHead: INDUCTION.head },
  render: (args) => view(repeated, args),
};

export const LowEntropy: Story = {
  name: 'Low-entropy heads (attnviz-demo-bert)',
  parameters: described(
    `Focused heads first: entropy in bits, lowest first, and at most 1 bit highlighted (as focused as a ` +
      `50/50 split between two tokens; a uniform row over these ${bertPair.tokens!.length} tokens has ` +
      `${Math.log2(bertPair.tokens!.length).toFixed(2)} bits). At most 1 bit on this pair: ` +
      `${listing(summaryHeads('bert', 0, 'entropy', (v) => v <= 1, 'ascending'))}; the most focused: ` +
      `${listing(summaryHeads('bert', 0, 'entropy', () => true, 'ascending').slice(0, 1))}.`,
  ),
  args: { summary: 'entropy', sort: 'ascending', highlightBelow: 1 },
  render: (args) => view(bertPair, args),
};

export const Detail: Story = {
  name: 'Detail view from attributes (attnviz-demo-bert)',
  parameters: described(
    `A head opened from the attributes \`selected-layer\` and \`selected-head\`: its cell is outlined and ` +
      `the detail head view below shows it with its tokens. Opened: ${headName(NEIGHBOUR)}, ` +
      `attnviz-demo-bert's neighbour head, which gives ${NEIGHBOUR.value.toFixed(2)} of its attention to ` +
      `the ${NEIGHBOUR.figure} token over held-out text (analyze.py).`,
  ),
  args: { selectedLayer: NEIGHBOUR.layer, selectedHead: NEIGHBOUR.head },
  render: (args) => view(bertPair, args),
};

export const Linked: Story = {
  name: 'Linked to a head view (attnviz-demo-bert)',
  parameters: described(
    `A page can drive another view from \`attn-head-select\`: here, plain DOM sets the head view's layer ` +
      `and heads to the cell that was opened. Both start on ${headName(NEIGHBOUR)}, attnviz-demo-bert's ` +
      `neighbour head (${NEIGHBOUR.value.toFixed(2)} of its attention on the ${NEIGHBOUR.figure} token).`,
  ),
  render: (args) => {
    const link = (e: CustomEvent<AttnHeadSelectDetail>) => {
      const { layer, head } = e.detail;
      if (layer === null || head === null) return;
      const headView = (e.currentTarget as HTMLElement).querySelector('attn-head-view')!;
      headView.layer = layer;
      headView.heads = [head];
    };
    // 240px: the model view's minimum width, enough for 4 heads at the smallest cell.
    // no-detail: the head view on the right replaces the model view's own detail panel.
    return html` <p style="font: 13px system-ui; max-width: 60ch">
        Click a cell of the model view (left): the head view (right) shows that layer and head.
      </p>
      <div
        style="display: grid; grid-template-columns: minmax(240px, 1fr) minmax(320px, 1fr); gap: 16px; align-items: start"
        @attn-head-select=${link}
      >
        ${view(bertPair, {
          ...args,
          selectedLayer: NEIGHBOUR.layer,
          selectedHead: NEIGHBOUR.head,
          noDetail: true,
        })}
        <attn-head-view
          .data=${bertPair}
          layer=${NEIGHBOUR.layer}
          heads=${NEIGHBOUR.head}
          theme=${args.theme ?? 'dark'}
        ></attn-head-view>
      </div>`;
  },
};

/** 512 tokens × 12 layers × 12 heads: thumbnails are pooled and drawn a few per frame. */
export const Long512: Story = {
  name: '512 tokens × 12 layers × 12 heads (synthetic)',
  render: (args) => view(longData(), args),
};

/** Invalid data or attributes show the error, naming the field, the expected and the received value. */
export const InvalidData: Story = {
  name: 'Invalid data: error state',
  render: () =>
    html`<div style="display: grid; gap: 12px">
      ${view({
        tokens: ['a', 'b', 'c'],
        attention: [
          [
            [
              [0.5, 0.5],
              [0.5, 0.5],
            ],
          ],
        ],
      })}
      ${view({
        tokens: ['a', 'b'],
        attention: [
          [
            [
              [0.5, 0.6],
              [0.5, 0.5],
            ],
          ],
        ],
      })}
      ${view(bertPair, { includeHeads: '0,x' })} ${view(bertPair, { selectedLayer: 40, selectedHead: 0 })}
    </div>`,
};

/** A tensor over the size limit is refused with its size, before anything is allocated. */
export const TooLarge: Story = {
  name: 'Data too large: size message',
  render: () => view({ tokens: longBertTokens(8192), attention: { dims: [12, 12, 8192, 8192], data: [] } }),
};
