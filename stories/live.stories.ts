/**
 * Attention computed live in the browser by `attnviz/transformers`: transformers.js tokenizes,
 * the adapter taps the model's ONNX graph and onnxruntime-web runs it. The models are the demo
 * models trained for attnviz (demo/models, served with the stories at /models) and the tiny
 * random-weight test models (/test-models): nothing is fetched from the network.
 */
import * as transformers from '@huggingface/transformers';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define.js';
import { useTransformers, type TransformersModule } from '../src/transformers/index.js';
import { bertNeighbourHead } from './data/demo.js';

useTransformers(transformers as unknown as TransformersModule, { dtype: 'fp32' });

type View = 'attn-head-view' | 'attn-model-view' | 'attn-neuron-view';

interface Args {
  model: string;
  text: string;
  textPair: string;
  view: View;
  /** The head view's layer (by default its first). */
  layer?: number;
}

const MODELS: Record<string, string> = {
  '/models/attnviz-demo-gpt': 'attnviz-demo-gpt (GPT-2, trained here)',
  '/models/attnviz-demo-bert': 'attnviz-demo-bert (BERT, trained here)',
  '/test-models/tiny-gpt2': 'tiny-gpt2 (random weights)',
  '/test-models/tiny-bert': 'tiny-bert (random weights)',
};

/** The element of `view` for `model`, with a text box (and a second one for pairs) that updates it. */
function live(args: Args) {
  const onText = (e: Event) => {
    const root = (e.target as HTMLElement).closest('.live')!;
    const el = root.querySelector(args.view)!;
    const form = root.querySelector('form')!;
    const pair = (form.elements.namedItem('pair') as HTMLInputElement | null)?.value ?? '';
    el.setAttribute('text', (form.elements.namedItem('text') as HTMLTextAreaElement).value);
    if (pair) el.setAttribute('text-pair', pair);
    else el.removeAttribute('text-pair');
  };
  const isBert = args.model.includes('bert');
  const view =
    args.view === 'attn-head-view'
      ? html`<attn-head-view
          model=${args.model}
          text=${args.text}
          text-pair=${isBert && args.textPair ? args.textPair : ''}
          layer=${ifDefined(args.layer)}
        ></attn-head-view>`
      : args.view === 'attn-model-view'
        ? html`<attn-model-view model=${args.model} text=${args.text}></attn-model-view>`
        : html`<attn-neuron-view model=${args.model} text=${args.text}></attn-neuron-view>`;
  return html`<div class="live">
    <form
      @submit=${(e: Event) => e.preventDefault()}
      @change=${onText}
      style="display:grid;gap:.5rem;max-width:48rem;margin-bottom:1rem"
    >
      <label>Text <textarea name="text" rows="2" style="width:100%">${args.text}</textarea></label>
      ${
        isBert
          ? html`<label
              >Second text (sentence B) <input name="pair" style="width:100%" .value=${args.textPair}
            /></label>`
          : ''
      }
      <small
        >Edit and leave the box (or press Tab): ${MODELS[args.model]} computes the attention again in this
        page.</small
      >
    </form>
    ${view}
  </div>`;
}

const meta: Meta<Args> = {
  title: 'Live/Computed in the browser',
  render: live,
  argTypes: {
    model: { control: 'select', options: Object.keys(MODELS), labels: MODELS },
    view: { control: 'inline-radio', options: ['attn-head-view', 'attn-model-view', 'attn-neuron-view'] },
    text: { control: 'text' },
    textPair: { control: 'text' },
    layer: { control: { type: 'number', min: 0 } },
  },
};
export default meta;

type Story = StoryObj<Args>;

export const DemoGptHeadView: Story = {
  name: 'attnviz-demo-gpt: head view',
  args: {
    model: '/models/attnviz-demo-gpt',
    view: 'attn-head-view',
    text: 'The quick, brown fox jumps over the lazy dog.',
    textPair: '',
  },
};

/** The layer of attnviz-demo-bert's strongest neighbour head (docs/demo-models.md). */
const NEIGHBOUR_LAYER = bertNeighbourHead().layer;

export const DemoBertPair: Story = {
  name: 'attnviz-demo-bert: sentence pair, head view',
  args: {
    model: '/models/attnviz-demo-bert',
    view: 'attn-head-view',
    text: 'the cat sat on the mat',
    textPair: 'the cat lay on the rug',
    layer: NEIGHBOUR_LAYER,
  },
  parameters: {
    docs: {
      description: {
        story: `Layer ${NEIGHBOUR_LAYER}, where attnviz-demo-bert's previous- and next-token heads are.`,
      },
    },
  },
};

export const DemoGptModelView: Story = {
  name: 'attnviz-demo-gpt: model view',
  args: { ...DemoGptHeadView.args, view: 'attn-model-view' } as Args,
};

export const DemoGptNeuronView: Story = {
  name: 'attnviz-demo-gpt: neuron view',
  args: { ...DemoGptHeadView.args, view: 'attn-neuron-view' } as Args,
};

export const TinyGpt2: Story = {
  name: 'tiny-gpt2 (random weights): head view',
  args: {
    ...DemoGptHeadView.args,
    model: '/test-models/tiny-gpt2',
    text: 'The cat sat in the café, and the dogs played.',
  } as Args,
};
