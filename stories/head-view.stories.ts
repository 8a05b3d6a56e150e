/**
 * <attn-head-view> stories. The data is synthetic (see stories/data/synthetic.ts): each head
 * follows one pattern seen in real models, plus noise; the names say so. Hand-made tensors
 * are used where a story demonstrates an edge case.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/head-view/define.js';
import { parseAttention } from '../src/core/parse.js';
import { syntheticAttention, syntheticEncoderDecoder } from './data/synthetic.js';
import { BERT_PAIR, GPT2_SENTENCE, longBertTokens, longGpt2Tokens } from './data/texts.js';

interface Args {
  layer?: number;
  heads?: string;
  theme: 'auto' | 'light' | 'dark';
  lineOpacity: 'shared' | 'full';
}

const bertPair = syntheticAttention({
  tokens: BERT_PAIR.tokens,
  layers: 12,
  heads: 12,
  sentenceBStart: BERT_PAIR.sentenceBStart,
});
const gpt2 = syntheticAttention({ tokens: GPT2_SENTENCE, layers: 12, heads: 12, causal: true, seed: 3 });

const view = (data: unknown, args: Partial<Args> = {}, style = ''): TemplateResult =>
  html`<attn-head-view
    .data=${data}
    layer=${ifDefined(args.layer)}
    heads=${ifDefined(args.heads || undefined)}
    theme=${args.theme ?? 'auto'}
    line-opacity=${args.lineOpacity ?? 'shared'}
    style=${style}
  ></attn-head-view>`;

const meta: Meta<Args> = {
  title: 'Head view',
  component: 'attn-head-view',
  argTypes: {
    layer: { control: { type: 'number', min: 0, max: 11 } },
    heads: { control: 'text', description: 'Comma-separated head numbers' },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    lineOpacity: { control: 'inline-radio', options: ['shared', 'full'] },
  },
  args: { theme: 'auto', lineOpacity: 'shared' },
};
export default meta;

type Story = StoryObj<Args>;

/** A BERT-style sentence pair: layer selector, head swatches, and the sentence-pair filter. */
export const SentencePair: Story = {
  name: 'Sentence pair, BERT style (synthetic)',
  render: (args) => view(bertPair, args),
};

/** Starts on one layer with a few heads, from the attributes. */
export const LayerAndHeads: Story = {
  name: 'Layer and heads from attributes (synthetic)',
  args: { layer: 5, heads: '0,3,7' },
  render: (args) => view(bertPair, args),
};

/** A decoder: no token attends to a later one, so no line goes down-right of its row. */
export const Causal: Story = {
  name: 'GPT-2 style, causal (synthetic)',
  args: { theme: 'dark' },
  render: (args) => view(gpt2, args),
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
  name: 'Hovered lines at full weight (synthetic)',
  args: { lineOpacity: 'full' },
  render: (args) => view(bertPair, args),
};

/** The themes side by side, and a custom theme through the --attn-* custom properties. */
export const Themes: Story = {
  name: 'Light, dark and custom themes (synthetic)',
  render: () =>
    html`<div style="display: grid; gap: 16px">
      ${view(gpt2, { theme: 'light', heads: '0,1,2,3' })} ${view(gpt2, { theme: 'dark', heads: '0,1,2,3' })}
      ${view(
        gpt2,
        { theme: 'light', heads: '0,1,2,3' },
        '--attn-background: #fdf6e3; --attn-foreground: #586e75; --attn-border: #93a1a1; --attn-row-height: 28px; --attn-font-size: 15px; --attn-line-width: 3;',
      )}
    </div>`,
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
  name: 'Events (synthetic)',
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
      <pre style="height: 8em; overflow: auto; font-size: 12px; border: 1px solid #ccc; padding: 4px"></pre>
    </div>`;
  },
};

/**
 * Keyboard: Tab reaches every control. In a token column, ↑/↓/Home/End/PageUp/PageDown move the
 * focused token, Enter or Space pins it, Escape unpins, ←/→ cross to the other column. On the
 * head swatches, ←/→ move, Enter toggles, Shift+Enter shows one head only.
 */
export const Keyboard: Story = {
  name: 'Keyboard use (synthetic)',
  render: (args) =>
    html`<p style="font: 13px system-ui; max-width: 60ch">
        Tab into a token column, then use the arrow keys; Enter pins a token, Escape unpins; ←/→ cross to the
        other column. On the head swatches, ←/→ move, Enter toggles a head, Shift+Enter shows it alone.
      </p>
      ${view(bertPair, args)}`,
};
