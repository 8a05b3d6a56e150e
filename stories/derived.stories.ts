/**
 * Derived attention in the views: word-level attention (`words`), tokens left out (`hide`), and
 * combined heads (`aggregate`: mean, max, rollout), on the demo models' precomputed attention.
 * Which example each story shows is picked from the data when the module loads (the one with the
 * most split words, …), never by number.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/head-view/define.js';
import '../src/components/model-view/define.js';
import type { HideMode } from '../src/components/shared/derive.js';
import { wordGroups } from '../src/core/derived/index.js';
import { demoData, demoLabels, described, DEMO_NAMES, type DemoModel } from './data/demo.js';

interface Args {
  theme: 'auto' | 'light' | 'dark';
  words: boolean;
  hide: HideMode;
  aggregate: 'none' | 'mean' | 'max' | 'rollout';
}

/** The demo example whose words are split into the most tokens. */
function mostSplit(model: DemoModel): number {
  let best = 0;
  let most = -1;
  for (let i = 0; ; i++) {
    let tokens: readonly string[];
    try {
      tokens = demoData(model, i).tokens!;
    } catch {
      return best;
    }
    const split = wordGroups(tokens).filter((g) => g.length > 1).length;
    if (split > most) [best, most] = [i, split];
  }
}

const SPLIT = mostSplit('gpt');
const splitWords = wordGroups(demoData('gpt', SPLIT).tokens!).filter((g) => g.length > 1);
const labels = demoLabels('gpt', SPLIT);

const meta: Meta<Args> = {
  title: 'Derived attention',
  argTypes: {
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    words: { control: 'boolean' },
    hide: { control: 'inline-radio', options: ['none', 'first', 'special'] },
    aggregate: { control: 'inline-radio', options: ['none', 'mean', 'max', 'rollout'] },
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
  name: `Word-level attention (${DEMO_NAMES.gpt})`,
  parameters: described(
    `The demo text of ${DEMO_NAMES.gpt} with the most words split into several tokens ` +
      `(${splitWords.length}: ${splitWords
        .slice(0, 4)
        .map((g) => `"${g.map((p) => labels[p]).join('')}"`)
        .join(', ')}${splitWords.length > 4 ? ', …' : ''}), shown with \`words\`: each word is one row; ` +
      `attention to a word is the sum over its pieces, attention from it their mean (Clark et al. 2019). ` +
      `"Tokens" in the toolbar switches back.`,
  ),
  args: { words: true },
  render: (a) => headView('gpt', SPLIT, a),
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
