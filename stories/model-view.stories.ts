/**
 * <attn-model-view> stories. The data is synthetic (see stories/data/synthetic.ts): each head
 * follows one pattern seen in real models, plus noise; the names say so. Hand-made tensors
 * are used where a story demonstrates an edge case.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/model-view/define.js';
import type { SortOrder, ThumbnailMode } from '../src/components/model-view/model-view.js';
import type { AttnHeadSelectDetail } from '../src/components/shared/events.js';
import type { AttentionSetInput } from '../src/core/parse.js';
import { SUMMARY_NAMES, type SummaryName } from '../src/core/summaries.js';
import { syntheticAttention, syntheticEncoderDecoder } from './data/synthetic.js';
import { BERT_PAIR, GPT2_SENTENCE, longBertTokens } from './data/texts.js';

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
}

const bertPair = syntheticAttention({
  tokens: BERT_PAIR.tokens,
  layers: 12,
  heads: 12,
  sentenceBStart: BERT_PAIR.sentenceBStart,
});
const gpt2 = syntheticAttention({ tokens: GPT2_SENTENCE, layers: 12, heads: 12, causal: true, seed: 3 });

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

/** 12 layers × 12 heads of a BERT-style sentence pair, with the sentence-pair filter. */
export const SentencePair: Story = {
  name: 'Sentence pair, BERT style (synthetic)',
  render: (args) => view(bertPair, args),
};

/** Each thumbnail as its query (down) × key (across) matrix instead of lines. */
export const Heatmap: Story = {
  name: 'Heatmap thumbnails (synthetic)',
  args: { thumbnail: 'heatmap' },
  render: (args) => view(bertPair, args),
};

/** The light palette (`auto` follows the system setting). */
export const Light: Story = {
  name: 'Light theme (synthetic)',
  args: { theme: 'light' },
  render: (args) => view(bertPair, args),
};

/** A few layers and heads, by the model's numbers: fewer columns, so the cells widen. */
export const Subset: Story = {
  name: 'Layers 0, 5, 11 × heads 0–3 (synthetic)',
  args: { includeLayers: '0,5,11', includeHeads: '0,1,2,3' },
  render: (args) => view(bertPair, args),
};

/** A decoder: in heatmaps, the keys after each query (upper triangle) are greyed as masked. */
export const Causal: Story = {
  name: 'GPT-2 style, causal, heatmaps (synthetic)',
  args: { thumbnail: 'heatmap' },
  render: (args) => view(gpt2, args),
};

/** Encoder, decoder and cross attention, chosen in the toolbar's "Attention" selector. */
export const EncoderDecoder: Story = {
  name: 'Encoder-decoder (synthetic)',
  render: (args) => view(syntheticEncoderDecoder(), args),
};

/**
 * Previous-token heads, sorted to the left of each layer and outlined. The synthetic ones put
 * 0.70–0.94 of their attention on the previous token and no other head more than 0.21 (the
 * "local" heads), so any threshold in between picks exactly them.
 */
export const PreviousTokenHeads: Story = {
  name: 'Find the previous-token heads (synthetic)',
  args: { summary: 'previous', sort: 'descending', highlightAbove: 0.5 },
  render: (args) => view(bertPair, args),
};

/**
 * "Null attention": heads with nothing to do park on the first token. The synthetic ones put
 * 0.97 or more there, the other heads at most 0.23; the badges show each head's share.
 */
export const FirstToken: Story = {
  name: 'Null attention to the first token, GPT-2 style (synthetic)',
  args: { summary: 'first', highlightAbove: 0.5 },
  render: (args) => view(gpt2, args),
};

/**
 * Focused heads first: entropy in bits, lowest first, and at most 1 bit highlighted (as focused
 * as a 50/50 split between two tokens; a uniform row over these 16 tokens has 4 bits).
 */
export const LowEntropy: Story = {
  name: 'Low-entropy heads (synthetic)',
  args: { summary: 'entropy', sort: 'ascending', highlightBelow: 1 },
  render: (args) => view(bertPair, args),
};

/** A head opened from the attributes: its cell is outlined and the detail head view shows it. */
export const Detail: Story = {
  name: 'Detail view from attributes, layer 5 head 6 (synthetic)',
  args: { selectedLayer: 5, selectedHead: 6 },
  render: (args) => view(bertPair, args),
};

/**
 * A page can drive another view from `attn-head-select`: here, plain DOM sets the head view's
 * layer and heads to the cell that was opened. Both start on layer 5, head 6.
 */
export const Linked: Story = {
  name: 'Linked to a head view (synthetic)',
  render: (args) => {
    const link = (e: CustomEvent<AttnHeadSelectDetail>) => {
      const { layer, head } = e.detail;
      if (layer === null || head === null) return;
      const headView = (e.currentTarget as HTMLElement).querySelector('attn-head-view')!;
      headView.layer = layer;
      headView.heads = [head];
    };
    // 480px: 12 heads need 464px at the smallest cell; below that the grid scrolls sideways.
    // no-detail: the head view on the right replaces the model view's own detail panel.
    return html` <p style="font: 13px system-ui; max-width: 60ch">
        Click a cell of the model view (left): the head view (right) shows that layer and head.
      </p>
      <div
        style="display: grid; grid-template-columns: minmax(480px, 1fr) minmax(320px, 1fr); gap: 16px; align-items: start"
        @attn-head-select=${link}
      >
        ${view(bertPair, { ...args, selectedLayer: 5, selectedHead: 6, noDetail: true })}
        <attn-head-view .data=${bertPair} layer="5" heads="6" theme=${args.theme ?? 'dark'}></attn-head-view>
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
