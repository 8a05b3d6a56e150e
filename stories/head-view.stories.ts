/**
 * <attn-head-view> stories. Where a story's point is a pattern a model makes, it shows the demo
 * models trained for attnviz (stories/data/demo.ts: attnviz-demo-gpt and attnviz-demo-bert, 4
 * layers × 4 heads each, on prose of the kind they were trained on); its name says which model and
 * text. Heads worth showing are picked from analyze.py's per-head figures when the module loads,
 * never by number.
 * Synthetic data (stories/data/synthetic.ts) and hand-made tensors remain where a story shows
 * what the demo models cannot: 16 heads, 512 or 1,024 tokens, an encoder-decoder, unnormalised
 * weights, bertviz's JSON, invalid data, markup in tokens; their names say so.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { styleMap, type StyleInfo } from 'lit/directives/style-map.js';
import '../src/components/head-view/define.js';
import { parseAttention, type AttentionSetInput } from '../src/core/parse/index.js';
import {
  bertNeighbourHead,
  bestHead,
  demoData,
  demoLabels,
  demoQuote,
  demoShape,
  demoSummary,
  described,
  gptInductionHead,
  headFigures,
  headName,
  inductionTargets,
} from './data/demo.js';
import { syntheticAttention, syntheticEncoderDecoder } from './data/synthetic.js';
import { BERT_PAIR, longBertTokens, longGpt2Tokens } from './data/texts.js';

// analyze.py's threshold for a neighbour head: more than 0.3 of its attention on i−1 or i+1.
const NEIGHBOUR_SHARE = 0.3;

/** One weight of a demo example: head `h`, from query `q` to key `k`. */
function weightOf(data: AttentionSetInput, h: { layer: number; head: number }, q: number, k: number): number {
  const { dims, data: weights } = data.attention as { dims: number[]; data: Float32Array };
  const [, H, Q, K] = dims as [number, number, number, number];
  return weights[((h.layer * H + h.head) * Q + q) * K + k]!;
}

interface Args {
  layer?: number;
  heads?: string;
  theme: 'auto' | 'light' | 'dark';
  lineOpacity: 'shared' | 'full';
  filter?: 'all' | 'aa' | 'bb' | 'ab' | 'ba';
}

// The first demo texts (scripts/demo-models/texts.py): a sentence pair in Austen's manner for
// attnviz-demo-bert, and Lincoln's "Fellow-citizens, we cannot escape history…" for attnviz-demo-gpt.
const bertPair = demoData('bert', 0);
const gptText = demoData('gpt', 0);
const bertQuote = demoQuote('bert', 0);
const gptQuote = demoQuote('gpt', 0);

/** The GPT head that puts most attention on the previous token over held-out text. */
const PREVIOUS = bestHead('gpt', 'previous');
const gptLabels = demoLabels('gpt', 0);
/** Its share on the previous token in this sentence, as the model view's summary computes it. */
const gptPrevious = demoSummary('gpt', 0, 'previous', PREVIOUS);

/** attnviz-demo-bert's strongest neighbour head, and the heads of its layer that look at a neighbour. */
const NEIGHBOUR = bertNeighbourHead();
const bertFigures = headFigures('bert');
const NEIGHBOUR_HEADS = bertFigures['previous']![NEIGHBOUR.layer]!.flatMap((previous, head) =>
  Math.max(previous, bertFigures['next']![NEIGHBOUR.layer]![head]!) > NEIGHBOUR_SHARE ? [head] : [],
);

/** attnviz-demo-gpt's induction head and the demo texts' repeated sentence. */
const INDUCTION = gptInductionHead();
const repeated = demoData('gpt', INDUCTION.example);
const repeatedLabels = demoLabels('gpt', INDUCTION.example);
/** The query of the second copy on which the induction head puts most weight on its target. */
const INDUCTION_QUERY = inductionTargets('gpt', INDUCTION.example)
  .map((t) => ({ ...t, weight: weightOf(repeated, INDUCTION, t.query, t.key) }))
  .reduce((a, b) => (b.weight > a.weight ? b : a));

// The stories' own page styles. (The elements never write a style attribute, which a strict CSP
// refuses: they set positions through the CSSOM, see src/components/shared/css-props.ts.)
const view = (data: unknown, args: Partial<Args> = {}, style: StyleInfo = {}): TemplateResult =>
  html`<attn-head-view
    .data=${data}
    layer=${ifDefined(args.layer)}
    heads=${ifDefined(args.heads || undefined)}
    filter=${ifDefined(args.filter)}
    theme=${args.theme ?? 'auto'}
    line-opacity=${args.lineOpacity ?? 'full'}
    style=${styleMap(style)}
  ></attn-head-view>`;
const stack = styleMap({ display: 'grid', gap: '16px' });

const meta: Meta<Args> = {
  title: 'Head view',
  component: 'attn-head-view',
  argTypes: {
    layer: { control: { type: 'number', min: 0, max: demoShape('gpt').layers - 1 } },
    heads: { control: 'text', description: 'Comma-separated head numbers' },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    lineOpacity: { control: 'inline-radio', options: ['full', 'shared'] },
    filter: { control: 'inline-radio', options: ['all', 'aa', 'bb', 'ab', 'ba'] },
  },
  args: { theme: 'auto', lineOpacity: 'full' },
};
export default meta;

type Story = StoryObj<Args>;

export const SentencePair: Story = {
  name: `Sentence pair "${bertQuote}" (attnviz-demo-bert)`,
  parameters: described(
    `A sentence pair: layer selector, head swatches, and the sentence-pair filter (A→B shows only ` +
      `attention from the first sentence to the second). It opens on layer ${NEIGHBOUR.layer}, where ` +
      `attnviz-demo-bert's strongest neighbour head is (${headName(NEIGHBOUR)}, ` +
      `${NEIGHBOUR.value.toFixed(2)} of its attention on the ${NEIGHBOUR.figure} token over held-out text, ` +
      `analyze.py).`,
  ),
  args: { layer: NEIGHBOUR.layer },
  render: (args) => view(bertPair, args),
};

export const LayerAndHeads: Story = {
  name: 'Layer and heads from attributes (attnviz-demo-bert)',
  parameters: described(
    `Starts on one layer with some of its heads, from the attributes \`layer="${NEIGHBOUR.layer}" ` +
      `heads="${NEIGHBOUR_HEADS.join(',')}"\`: the heads of that layer that put more than ` +
      `${NEIGHBOUR_SHARE} of their attention on the previous or the next token over held-out text ` +
      `(analyze.py), so the lines run one row up or one row down.`,
  ),
  args: { layer: NEIGHBOUR.layer, heads: NEIGHBOUR_HEADS.join(',') },
  render: (args) => view(bertPair, args),
};

/** A decoder: no token attends to a later one, so no line goes down-right of its row. */
export const Causal: Story = {
  name: `Causal, "${gptQuote}" (attnviz-demo-gpt)`,
  args: { theme: 'dark' },
  render: (args) => view(gptText, args),
};

export const PreviousTokenHead: Story = {
  name: `Previous-token head, "${gptQuote}" (attnviz-demo-gpt)`,
  parameters: described(
    `A previous-token head, as in Vig (2019), fig. 1 (left): each token's line runs to the token just ` +
      `before it, one row up (the last, "${gptLabels.at(-1)}", to "${gptLabels.at(-2)}"). Shown: ` +
      `${headName(PREVIOUS)}, the head of attnviz-demo-gpt with the largest mean attention on the previous ` +
      `token over held-out text (${PREVIOUS.value.toFixed(2)}, scripts/demo-models/analyze.py); on this ` +
      `sentence, ${gptPrevious.toFixed(2)}. Hover a token on the left to see its weights; the other ` +
      `swatches bring back the layer's other heads.`,
  ),
  args: { layer: PREVIOUS.layer, heads: String(PREVIOUS.head) },
  render: (args) => view(gptText, args),
};

export const InductionHead: Story = {
  name: `Induction head, a sentence said twice (attnviz-demo-gpt)`,
  parameters: described(
    `An induction head (Olsson et al. 2022), the best-known attention circuit: from each token of the ` +
      `second copy, its line runs to the token that followed the same token in the first copy, ` +
      `predicting the text from its earlier occurrence. From "${repeatedLabels[INDUCTION_QUERY.query]}" ` +
      `(${INDUCTION_QUERY.query}), for instance, ${INDUCTION_QUERY.weight.toFixed(2)} goes to ` +
      `"${repeatedLabels[INDUCTION_QUERY.key]}" (${INDUCTION_QUERY.key}). Shown: ${headName(INDUCTION)}, ` +
      `the head of attnviz-demo-gpt that does it most on held-out text whose second half repeats the ` +
      `first (${INDUCTION.copies.toFixed(2)} of its attention on the token after the earlier occurrence, ` +
      `analyze.py); ${INDUCTION.sentence.toFixed(2)} on average over the ${INDUCTION.queries} tokens of ` +
      `this sentence's second copy that occurred before, and ${INDUCTION.random.toFixed(2)} on repeated ` +
      `random tokens, a sequence unlike any it was trained on. It learned it from training windows that ` +
      `repeat themselves (train.py --repeat-rate). Hover a token of the second copy to see its weights.`,
  ),
  args: { theme: 'dark', layer: INDUCTION.layer, heads: String(INDUCTION.head) },
  render: (args) => view(repeated, args),
};

/** Encoder, decoder and cross attention, with different token lists on each side of "Cross". */
export const EncoderDecoder: Story = {
  name: 'Encoder-decoder (synthetic)',
  render: (args) => view(syntheticEncoderDecoder(), args),
};

/** 16 heads stay distinguishable: bertviz's category10 repeats colours from the 11th head. */
export const SixteenHeads: Story = {
  name: '16 heads, distinct colours (synthetic)',
  render: (args) => view(syntheticAttention({ tokens: BERT_PAIR.tokens, layers: 2, heads: 16 }), args),
};

/** 512 tokens and 12 heads: lines are rasterised on a canvas and token rows are virtualised. */
export const Long512: Story = {
  name: '512 tokens (synthetic)',
  render: (args) =>
    view(syntheticAttention({ tokens: longBertTokens(512), layers: 4, heads: 12, seed: 9 }), args),
};

/** 1,024 tokens, causal. */
export const Long1024: Story = {
  name: '1,024 tokens, causal (synthetic)',
  args: { theme: 'dark' },
  render: (args) =>
    view(
      syntheticAttention({ tokens: longGpt2Tokens(1024), layers: 2, heads: 12, causal: true, seed: 10 }),
      args,
    ),
};

/** Tensor2Tensor's hover style: a focused token's lines at full weight, not divided by active heads. */
export const FullWeightHover: Story = {
  name: 'Hovered lines at full weight (attnviz-demo-bert)',
  args: { lineOpacity: 'full' },
  render: (args) => view(bertPair, args),
};

/** The themes side by side, and a custom theme through the --attn-* custom properties. */
export const Themes: Story = {
  name: 'Light, dark and custom themes (attnviz-demo-gpt)',
  render: () =>
    html`<div style=${stack}>
      ${view(gptText, { theme: 'light' })} ${view(gptText, { theme: 'dark' })}
      ${view(
        gptText,
        { theme: 'light' },
        {
          '--attn-background': '#fdf6e3',
          '--attn-foreground': '#586e75',
          '--attn-border': '#93a1a1',
          '--attn-row-height': '28px',
          '--attn-font-size': '15px',
          '--attn-line-width': '3',
        },
      )}
    </div>`,
};

/**
 * A filter can leave nothing to draw: this head attends each token to itself only, so it has no
 * attention from sentence A to sentence B, and the view says so (the export too).
 */
export const NoAttention: Story = {
  name: 'Empty filter result: no attention in A→B (hand-made)',
  args: { filter: 'ab' },
  render: (args) => {
    const tokens = ['[CLS]', 'the', 'cat', '[SEP]', 'it', 'purred', '[SEP]'];
    const self = tokens.map((_, q) => tokens.map((_, k) => (k === q ? 1 : 0)));
    return view({ tokens, sentenceBStart: 4, attention: [[self]] }, args);
  },
};

/** bertviz's own JSON (`head_view(..., html_action='return')` parameters) works as it is. */
export const BertvizJson: Story = {
  name: 'bertviz JSON input (hand-made)',
  render: (args) => {
    const tokens = ['[CLS]', 'the', 'cat', '[SEP]'];
    const one = (k: number) => tokens.map((_, i) => (i === k ? 1 : 0));
    const params = {
      attention: [
        {
          name: null,
          attn: [
            [
              tokens.map(() => one(0)),
              tokens.map((_, q) => one(Math.max(0, q - 1))),
              tokens.map((_, q) => one(q)),
            ],
            [
              tokens.map(() => one(3)),
              tokens.map((_, q) => one(Math.min(3, q + 1))),
              tokens.map(() => [0.25, 0.25, 0.25, 0.25]),
            ],
          ],
          left_text: tokens,
          right_text: tokens,
        },
      ],
      default_filter: '0',
      include_layers: [10, 11],
      layer: 11,
      heads: [0, 1],
    };
    return view(params, args);
  },
};

/** Attention rollout or scores: rows need not sum to 1 when parsed with allowUnnormalized. */
export const Unnormalized: Story = {
  name: 'Unnormalised weights, e.g. rollout (synthetic)',
  render: (args) => {
    const set = syntheticAttention({ tokens: BERT_PAIR.tokens, layers: 2, heads: 4 });
    const weights = (set.attention as { data: Float32Array }).data.map((w) => w * 3.5);
    return view(
      parseAttention(
        {
          ...set,
          attention: { dims: [2, 4, BERT_PAIR.tokens.length, BERT_PAIR.tokens.length], data: weights },
        },
        { allowUnnormalized: true },
      ),
      args,
    );
  },
};

/** Invalid data shows the parse error, naming the field, the expected and the received value. */
export const InvalidData: Story = {
  name: 'Invalid data: error state',
  render: () =>
    html`<div style=${stack}>
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
      ${view({
        tokens: ['a', 'b'],
        attention: [
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
        ],
      })}
      ${view(bertPair, { layer: 40 })}
    </div>`,
};

/** Tokens are user data: markup in a token is shown as text and never runs. */
export const MarkupTokens: Story = {
  name: 'Tokens containing markup are text',
  render: (args) => {
    const tokens = ['<b>bold?</b>', '<img src=x onerror="alert(1)">', '<script>alert(2)</script>', '&amp;'];
    return view(syntheticAttention({ tokens, layers: 1, heads: 2 }), args);
  },
};

/** Every interaction fires a typed, composed `attn-*` event; this log shows them. */
export const Events: Story = {
  name: 'Events (attnviz-demo-bert)',
  render: (args) => {
    const log = (e: Event) => {
      const pre = (e.currentTarget as HTMLElement).nextElementSibling!;
      pre.textContent =
        `${e.type} ${JSON.stringify((e as CustomEvent).detail)}\n${pre.textContent ?? ''}`.slice(0, 2000);
    };
    return html`<div>
      <div
        @attn-layer-change=${log}
        @attn-heads-change=${log}
        @attn-filter-change=${log}
        @attn-token-focus=${log}
      >
        ${view(bertPair, args)}
      </div>
      <pre
        style=${styleMap({
          height: '8em',
          overflow: 'auto',
          fontSize: '12px',
          border: '1px solid #ccc',
          padding: '4px',
        })}
      ></pre>
    </div>`;
  },
};

/**
 * Keyboard: Tab reaches every control. In a token column, ↑/↓/Home/End/PageUp/PageDown move the
 * focused token, Enter or Space pins it, Escape unpins, ←/→ cross to the other column. On the
 * head swatches, ←/→ move, Enter toggles, Shift+Enter shows one head only.
 */
export const Keyboard: Story = {
  name: 'Keyboard use (attnviz-demo-bert)',
  render: (args) =>
    html`<p style=${styleMap({ font: '13px system-ui', maxWidth: '60ch' })}>
        Tab into a token column, then use the arrow keys; Enter pins a token, Escape unpins; ←/→ cross to the
        other column. On the head swatches, ←/→ move, Enter toggles a head, Shift+Enter shows it alone.
      </p>
      ${view(bertPair, args)}`,
};
