/** Registers `<attn-head-view>`. Importing this module is the side effect. */
import { AttnHeadView } from './head-view.js';

export { AttnHeadView };

if (!customElements.get('attn-head-view')) customElements.define('attn-head-view', AttnHeadView);

declare global {
  interface HTMLElementTagNameMap {
    'attn-head-view': AttnHeadView;
  }
}
