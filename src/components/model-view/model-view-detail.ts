/**
 * The model view's detail panel: a heading, a Close button and an `<attn-head-view>` (created by
 * tag; registered by the model view's define module) showing the opened head with its tokens.
 */
import { html, type TemplateResult } from 'lit';
import { AttentionDataError } from '../../core/errors.js';
import type { AttentionFilter } from '../../core/filters.js';
import type { AttentionComponent, AttentionData } from '../../core/types.js';
import { resolveHead, resolveLayer } from '../shared/selection.js';
import type { ThemeName } from '../shared/theme.js';
// For the element's types only: this module has no side effect.
import type {} from '../head-view/define.js';

export interface DetailHandlers {
  readonly keydown: (e: KeyboardEvent) => void;
  readonly layerChange: (e: CustomEvent<{ layer: number }>) => void;
  readonly headsChange: (e: CustomEvent<{ heads: readonly number[] }>) => void;
  readonly close: () => void;
}

export function renderDetail(title: string, on: DetailHandlers): TemplateResult {
  return html`<section
    class="detail"
    part="detail"
    aria-labelledby="detail-title"
    @keydown=${on.keydown}
    @attn-layer-change=${on.layerChange}
    @attn-heads-change=${on.headsChange}
  >
    <div class="detail-header">
      <h3 id="detail-title">${title}</h3>
      <span class="spacer"></span>
      <button type="button" aria-label="Close the detail view" @click=${on.close}>Close</button>
    </div>
    <div class="detail-view"></div>
  </section>`;
}

export interface DetailState {
  readonly data: AttentionData | undefined;
  readonly filter: AttentionFilter;
  readonly layer: number;
  readonly head: number;
  readonly theme: ThemeName;
}

/**
 * Creates the head view in `container` if it is not there yet and sets what changed, only that,
 * so that re-rendering the grid keeps the head view's own state (e.g. a pinned token).
 */
export function syncDetail(container: Element, s: DetailState): void {
  const view =
    container.querySelector('attn-head-view') ??
    container.appendChild(document.createElement('attn-head-view'));
  if (view.data !== s.data) view.data = s.data;
  if (view.filter !== s.filter) view.filter = s.filter;
  if (view.layer !== s.layer) view.layer = s.layer;
  if (view.heads?.length !== 1 || view.heads[0] !== s.head) view.heads = [s.head];
  if (view.theme !== s.theme) view.theme = s.theme;
}

/**
 * The opened head as layer and head indices from `selected-layer` / `selected-head` (the model's
 * numbers; both or neither), or null when none is open.
 */
export function resolveSelection(
  host: Element,
  c: AttentionComponent,
  layer: number | undefined | null,
  head: number | undefined | null,
): { layer: number; head: number } | null {
  const none = (v: number | undefined | null) => v === undefined || v === null;
  if (none(layer) && none(head)) return null;
  if (none(layer) || none(head)) {
    const field = none(layer) ? 'selected-layer' : 'selected-head';
    throw new AttentionDataError(
      field,
      'a number with the other of selected-layer / selected-head',
      'nothing',
    );
  }
  return {
    layer: resolveLayer(host, c, layer, {}, 'selected-layer'),
    head: resolveHead(host, c, head, {}, 'selected-head'),
  };
}
