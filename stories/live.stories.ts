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
import type { AttnNeuronView } from '../src/components/neuron-view/neuron-view.js';
import { layerIndexOf } from '../src/core/filters.js';
import { parseAttention } from '../src/core/parse/index.js';
import { useTransformers } from '../src/transformers/index.js';
import { bertNeighbourHead, bestHead, demoText, headName } from './data/demo.js';

useTransformers(transformers, { dtype: 'fp32' });

/** The views' own font (their --attn-font-family and --attn-font-size), for the page around them. */
const FONT = "13px system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

type View = 'attn-head-view' | 'attn-model-view' | 'attn-neuron-view';

interface Args {
  model: string;
  text: string;
  textPair: string;
  view: View;
  /** The head or neuron view's layer (by default its first). */
  layer?: number;
  /** The neuron view's head (by default the layer's first). */
  head?: number;
  /** Tokens the model adds to the text (causal decoders), shown as they are generated. */
  generate?: number;
}

/**
 * Each time the neuron view has computed attention for a text, select the query on which its
 * head shows its pattern most: the largest weight on the previous token, relative to a uniform
 * row over the keys the query sees (so that the second token, with two keys, does not win by
 * default). Never the first token, which has one key and a softmax of 1.000 whatever the head.
 */
function selectPeakedQuery(e: Event): void {
  const view = e.target as AttnNeuronView;
  if (view.data === undefined) return;
  const c = parseAttention(view.data).components[0]!;
  const [, H, Q, K] = c.shape;
  const l = Math.max(0, view.layer === undefined ? 0 : layerIndexOf(c, view.layer));
  const h = Math.max(0, view.head === undefined ? 0 : c.heads.indexOf(view.head));
  let best = Q - 1;
  let bestScore = -1;
  for (let q = 1; q < Q; q++) {
    const previous = c.weights[((l * H + h) * Q + q) * K + q - 1]!;
    const score = previous * (c.causal ? q + 1 : K);
    if (score > bestScore) [best, bestScore] = [q, score];
  }
  view.token = c.queryStart + best;
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
          generate=${ifDefined(args.generate)}
        ></attn-head-view>`
      : args.view === 'attn-model-view'
        ? html`<attn-model-view model=${args.model} text=${args.text}></attn-model-view>`
        : html`<attn-neuron-view
            model=${args.model}
            text=${args.text}
            layer=${ifDefined(args.layer)}
            head=${ifDefined(args.head)}
            @attn-load=${selectPeakedQuery}
          ></attn-neuron-view>`;
  // The text boxes take the page's font (font: inherit), which is the views'.
  return html`<div class="live">
    <form
      @submit=${(e: Event) => e.preventDefault()}
      @change=${onText}
      style="display:grid;gap:.5rem;max-width:48rem;margin-bottom:1rem;font:${FONT}"
    >
      <label
        >Text
        <textarea
          name="text"
          rows="2"
          style="width:100%;font:inherit;box-sizing:border-box"
          .value=${args.text}
        ></textarea>
      </label>
      ${
        isBert
          ? html`<label
              >Second text (sentence B)
              <input
                name="pair"
                style="width:100%;font:inherit;box-sizing:border-box"
                .value=${args.textPair}
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
    head: { control: { type: 'number', min: 0 } },
    generate: { control: { type: 'number', min: 1, max: 64 } },
  },
};
export default meta;

type Story = StoryObj<Args>;

/** attnviz-demo-gpt's previous-token head, as analyze.py measured it on held-out text. */
const PREVIOUS_TOKEN_HEAD = bestHead('gpt', 'previous');

export const DemoGptHeadView: Story = {
  name: 'attnviz-demo-gpt: head view',
  args: {
    model: '/models/attnviz-demo-gpt',
    view: 'attn-head-view',
    // The demo texts' first (scripts/demo-models/texts.py): prose of the kind the model was trained on.
    text: demoText('gpt', 0).text,
    textPair: '',
    layer: PREVIOUS_TOKEN_HEAD.layer,
  },
  parameters: {
    docs: {
      description: {
        story: `Layer ${PREVIOUS_TOKEN_HEAD.layer}, where attnviz-demo-gpt's previous-token head is (${headName(PREVIOUS_TOKEN_HEAD)}).`,
      },
    },
  },
};

/** The layer of attnviz-demo-bert's strongest neighbour head (docs/demo-models.md). */
const NEIGHBOUR_LAYER = bertNeighbourHead().layer;

export const DemoBertPair: Story = {
  name: 'attnviz-demo-bert: sentence pair, head view',
  args: {
    model: '/models/attnviz-demo-bert',
    view: 'attn-head-view',
    text: demoText('bert', 0).text,
    textPair: demoText('bert', 0).textPair ?? '',
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
  args: {
    ...DemoGptHeadView.args,
    view: 'attn-neuron-view',
    layer: PREVIOUS_TOKEN_HEAD.layer,
    head: PREVIOUS_TOKEN_HEAD.head,
  } as Args,
  parameters: {
    docs: {
      description: {
        story:
          `${headName(PREVIOUS_TOKEN_HEAD)}, attnviz-demo-gpt's previous-token head ` +
          `(${PREVIOUS_TOKEN_HEAD.value.toFixed(2)} of its attention on the previous token over held-out text, ` +
          `analyze.py). It opens on the query where that head puts most weight on the previous token ` +
          `(relative to a uniform row over the keys the query sees), and moves to it again when the text ` +
          `is edited; the first token, with one key and a softmax of 1.000, is never chosen.`,
      },
    },
  },
};

export const TinyGpt2: Story = {
  name: 'tiny-gpt2 (random weights): head view',
  args: {
    ...DemoGptHeadView.args,
    model: '/test-models/tiny-gpt2',
    text: 'The cat sat in the café, and the dogs played.',
    layer: undefined,
  } as Args,
};

export const DemoGptGenerate: Story = {
  name: 'attnviz-demo-gpt: generated continuation, head view',
  args: {
    ...DemoGptHeadView.args,
    text: 'Fellow-citizens, we cannot escape history. We of this Congress',
    generate: 16,
  } as Args,
  parameters: {
    docs: {
      description: {
        story:
          'The model continues the text by 16 tokens (greedy), each row appearing as it is generated; ' +
          'generated tokens are marked, and the Attention selector offers "Generated tokens only".',
      },
    },
  },
};
