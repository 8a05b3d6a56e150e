/**
 * <attn-explorer>: the model, head and neuron views linked, on the demo models' precomputed
 * attention and, with the adapter, on any text typed into its box.
 */
import * as transformers from '@huggingface/transformers';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/explorer/define.js';
import { useTransformers } from '../src/transformers/index.js';
import { bestHead, demoData, demoText, described, DEMO_NAMES } from './data/demo.js';

useTransformers(transformers, { dtype: 'fp32' });

interface Args {
  theme: 'auto' | 'light' | 'dark';
}

const meta: Meta<Args> = {
  title: 'Explorer',
  argTypes: { theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] } },
  args: { theme: 'auto' },
};
export default meta;

type Story = StoryObj<Args>;

const PREVIOUS = bestHead('gpt', 'previous');

export const OnData: Story = {
  name: `Three views linked (${DEMO_NAMES.gpt})`,
  parameters: described(
    `The grid of every layer and head; the head chosen in it (here the demo GPT's previous-token head, ` +
      `layer ${PREVIOUS.layer}, head ${PREVIOUS.head}, picked by the analysis) opens in the head view and the ` +
      `neuron view below. Clicking a token in the head view makes it the neuron view's query; the "Tokens" and ` +
      `"Heads" choices of any view apply to all three.`,
  ),
  render: (a) =>
    html`<attn-explorer
      .data=${demoData('gpt', 0)}
      theme=${a.theme}
      layer=${PREVIOUS.layer}
      head=${PREVIOUS.head}
    ></attn-explorer>`,
};

export const WithTextBox: Story = {
  name: `With a text box (${DEMO_NAMES.bert}, computed in the browser)`,
  parameters: described(
    `With \`attnviz/transformers\` loaded and a \`model\`, the explorer has a text box (and one for a second ` +
      `sentence): "Show attention" computes the attention of what is typed, in the browser, from the demo BERT ` +
      `served with the stories.`,
  ),
  render: (a) => {
    const { text, textPair } = demoText('bert', 0);
    return html`<attn-explorer
      model="/models/attnviz-demo-bert"
      text=${text}
      text-pair=${ifDefined(textPair)}
      theme=${a.theme}
    ></attn-explorer>`;
  },
};

/** Vig (2019)'s bias example: the same sentence ending in "She" or in "He". */
const BIAS_A = 'The doctor asked the nurse a question. She';
const BIAS_B = 'The doctor asked the nurse a question. He';

export const Compare: Story = {
  name: `Compare two texts (${DEMO_NAMES.gpt}, computed in the browser)`,
  parameters: described(
    `Compare mode (\`text-b\`): the grid shows A − B per head, where A attends more in the theme's ` +
      `highlight colour and where B does in its accent; the chosen head opens for A and B side by side, on ` +
      `the same layer and head. The texts differ in their last token ("She" / "He", the paper's bias ` +
      `example), so every position is compared; texts of different lengths are compared over the tokens ` +
      `they begin with, and the rest is named under the grid.`,
  ),
  render: (a) =>
    html`<attn-explorer
      model="/models/attnviz-demo-gpt"
      text=${BIAS_A}
      text-b=${BIAS_B}
      theme=${a.theme}
      layer=${PREVIOUS.layer}
      head=${PREVIOUS.head}
    ></attn-explorer>`,
};
