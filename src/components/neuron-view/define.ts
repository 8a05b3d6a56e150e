/** Registers `<attn-neuron-view>`. Importing this module is the side effect. */
import { AttnNeuronView } from './neuron-view.js';

export { AttnNeuronView };

if (!customElements.get('attn-neuron-view')) customElements.define('attn-neuron-view', AttnNeuronView);

declare global {
  interface HTMLElementTagNameMap {
    'attn-neuron-view': AttnNeuronView;
  }
}
