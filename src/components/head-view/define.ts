/** Registers `<attn-head-view>`. Importing this module is the side effect. */
import { AttnHeadView } from './head-view.js';
// Its declarations carry the attn-* events' types (HTMLElementEventMap) to code that imports only
// this module, which its class's declarations do not reference.
import '../shared/events.js';

export { AttnHeadView };

if (!customElements.get('attn-head-view')) customElements.define('attn-head-view', AttnHeadView);

declare global {
  interface HTMLElementTagNameMap {
    'attn-head-view': AttnHeadView;
  }
}
