/**
 * Derived attention in the views: word-level attention (`words`), tokens left out (`hide`), and
 * combined heads (`aggregate`: mean, max, rollout, flow), on the demo models' precomputed attention.
 * The word-level story computes its attention in the page, on a text with rare words.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/head-view/define.js';
import '../src/components/model-view/define.js';
import type { HideMode } from '../src/components/shared/derive.js';
import * as transformers from '@huggingface/transformers';
import { useTransformers } from '../src/transformers/index.js';
import { demoData, described, DEMO_NAMES, type DemoModel } from './data/demo.js';

useTransformers(transformers, { dtype: 'fp32' });

interface Args {
  theme: 'auto' | 'light' | 'dark';
  words: boolean;
  hide: HideMode;
  aggregate: 'none' | 'mean' | 'max' | 'rollout' | 'flow';
}

/** Melville's names and coinages, some of which the demo GPT's 13,824-token vocabulary splits into pieces. */
const RARE_WORDS = 'Queequeg and Ishmael shared a counterpane at the Spouter-Inn in New Bedford.';

const meta: Meta<Args> = {
  title: 'Derived attention',
  argTypes: {
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    words: { control: 'boolean' },
    hide: { control: 'inline-radio', options: ['none', 'first', 'special'] },
    aggregate: { control: 'inline-radio', options: ['none', 'mean', 'max', 'rollout', 'flow'] },
  },
  args: { theme: 'auto', words: false, hide: 'none', aggregate: 'none' },
};
export default meta;

type Story = StoryObj<Args>;

const headView = (model: DemoModel, index: number, a: Args) =>
  html`<attn-head-view
    .data=${demoData(model, index)}
    theme=${a.theme}
    ?words=${a.words}
    hide=${a.hide}
    aggregate=${a.aggregate}
  ></attn-head-view>`;

const modelView = (model: DemoModel, index: number, a: Args) =>
  html`<attn-model-view
    .data=${demoData(model, index)}
    theme=${a.theme}
    ?words=${a.words}
    hide=${a.hide}
    aggregate=${a.aggregate}
  ></attn-model-view>`;

export const Words: Story = {
  name: `Word-level attention (${DEMO_NAMES.gpt}, computed in the browser)`,
  parameters: described(
    `"${RARE_WORDS}" computed in the page by ${DEMO_NAMES.gpt}, whose vocabulary splits names and rare words ` +
      `("Ishmael" in four, "counterpane" in three, "Spouter-Inn" in six) into pieces. With \`words\`, each word is one row: attention to ` +
      `a word is the sum over its pieces, attention from it their mean (Clark et al. 2019); punctuation joins ` +
      `the word before it, as byte-level BPE writes it without a space. "Tokens" in the toolbar switches back.`,
  ),
  args: { words: true },
  render: (a) =>
    html`<attn-head-view
      model="/models/attnviz-demo-gpt"
      text=${RARE_WORDS}
      theme=${a.theme}
      ?words=${a.words}
      hide=${a.hide}
      aggregate=${a.aggregate}
    ></attn-head-view>`,
};

export const HideFirst: Story = {
  name: `Without the first token (${DEMO_NAMES.gpt})`,
  parameters: described(
    `\`hide="first"\` leaves out the first token, where decoders park much of their attention, and ` +
      `renormalises each row over the tokens left, so that what each head reads from the rest shows at ` +
      `its own scale.`,
  ),
  args: { hide: 'first' },
  render: (a) => modelView('gpt', 0, a),
};

export const MeanOfHeads: Story = {
  name: `Mean of heads per layer (${DEMO_NAMES.bert})`,
  parameters: described(
    `\`aggregate="mean"\`: one head per layer, the mean of its heads, labelled "mean of heads …". ` +
      `"Heads" in the head view's toolbar switches between each head, mean, max and rollout.`,
  ),
  args: { aggregate: 'mean' },
  render: (a) => html`${modelView('bert', 0, a)} ${headView('bert', 0, a)}`,
};

export const Rollout: Story = {
  name: `Attention rollout (${DEMO_NAMES.bert})`,
  parameters: described(
    `\`aggregate="rollout"\`: Abnar & Zuidema's (2020) rollout, each layer's mean attention mixed with ` +
      `the residual connection (½ I + ½ A, rows renormalised) and multiplied through the layers below: ` +
      `layer l shows how much of each input token reaches each position after layer l.`,
  ),
  args: { aggregate: 'rollout' },
  render: (a) => html`${modelView('bert', 0, a)} ${headView('bert', 0, a)}`,
};

export const Flow: Story = {
  name: `Attention flow (${DEMO_NAMES.bert})`,
  parameters: described(
    `\`aggregate="flow"\`: Abnar & Zuidema's (2020) attention flow over the same graph as rollout (½ I + ½ A ` +
      `per layer): each entry is the maximum flow from an input token to a position after the layer, rows ` +
      `normalised. Computed exactly, off the main thread (the views say how far it is), and once for both views.`,
  ),
  args: { aggregate: 'flow' },
  render: (a) => html`${modelView('bert', 0, a)} ${headView('bert', 0, a)}`,
};
