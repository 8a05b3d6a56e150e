/** Registers `<attn-model-view>` (and `<attn-head-view>`, which its detail view uses). */
import '../head-view/define.js';
import { AttnModelView } from './model-view.js';
// Its declarations carry the attn-* events' types (HTMLElementEventMap) to code that imports only
// this module, which its class's declarations do not reference.
import '../shared/events.js';

export { AttnModelView };

if (!customElements.get('attn-model-view')) customElements.define('attn-model-view', AttnModelView);

declare global {
  interface HTMLElementTagNameMap {
    'attn-model-view': AttnModelView;
  }
}
