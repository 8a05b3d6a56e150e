/** Registers `<attn-neuron-view>`. Importing this module is the side effect. */
import { AttnNeuronView } from './neuron-view.js';
// Its declarations carry the attn-* events' types (HTMLElementEventMap) to code that imports only
// this module, which its class's declarations do not reference.
import '../shared/events.js';

export { AttnNeuronView };

if (!customElements.get('attn-neuron-view')) customElements.define('attn-neuron-view', AttnNeuronView);

declare global {
  interface HTMLElementTagNameMap {
    'attn-neuron-view': AttnNeuronView;
  }
}
