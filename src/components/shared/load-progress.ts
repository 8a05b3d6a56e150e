/** The bar a view shows while it computes attention from a model: stage, amount, progress, Cancel. */
import { html, type TemplateResult } from 'lit';
import type { SourceProgress } from '../../core/loader.js';

export function renderLoadProgress(model: string, p: SourceProgress, onCancel: () => void): TemplateResult {
  const stage = {
    tokenizer: 'loading the tokenizer',
    download: `downloading ${p.file ?? 'the model'}`,
    preparing: 'preparing the model',
    computing: 'computing attention',
    generating: `generating token ${(p.loaded ?? 0) + 1} of at most ${p.total ?? '?'}`,
    done: 'done',
  }[p.stage];
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  // Downloads count bytes; generation counts tokens, which the stage already says.
  const bytes = p.loaded !== undefined && p.stage !== 'generating';
  const amount = bytes ? ` ${mb(p.loaded!)}${p.total ? ` / ${mb(p.total)}` : ''} MB` : '';
  return html`<div class="loading" part="loading" role="status">
    <span>${model}: ${stage}${amount}…</span>
    ${
      p.total && p.loaded !== undefined
        ? html`<progress max=${p.total} .value=${p.loaded} aria-label="Progress"></progress>`
        : html`<progress aria-label="Progress"></progress>`
    }
    <button type="button" @click=${onCancel}>Cancel</button>
  </div>`;
}
