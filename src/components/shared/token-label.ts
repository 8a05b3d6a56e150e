import { html, nothing, type TemplateResult } from 'lit';
import type { DisplayToken } from '../../core/tokens.js';

/**
 * A token's label, as text (never HTML): WordPiece continuations carry a muted `##`; a generated
 * token, words that screen readers say ("generated") beside its style. Kept on one line in its own
 * span, so that the surrounding template's whitespace cannot reach the label.
 */
export function tokenLabel(t: DisplayToken): TemplateResult {
  // prettier-ignore
  return html`<span class="label">${t.kind === 'continuation' ? html`<span class="cont">##</span>` : nothing}${t.text}${t.generated ? html`<span class="visually-hidden">, generated</span>` : nothing}</span>`;
}
