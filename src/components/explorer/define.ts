/** Registers `<attn-explorer>` (and the three views it holds). Importing this module is the side effect. */
import { AttnExplorer } from './explorer.js';
import '../shared/events.js';

export { AttnExplorer };

if (!customElements.get('attn-explorer')) customElements.define('attn-explorer', AttnExplorer);

declare global {
  interface HTMLElementTagNameMap {
    'attn-explorer': AttnExplorer;
  }
}
