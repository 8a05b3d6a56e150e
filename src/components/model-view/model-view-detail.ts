/**
 * The model view's detail panel: a heading, a Close button and an `<attn-head-view>` (created by
 * tag; registered by the model view's define module) showing the opened head with its tokens.
 *
 * The head view is made once and kept: closing the panel parks it (hidden and inert, laid out at
 * the panel's width), and the view parks one ahead of the first open, in idle time once the grid
 * is drawn. Opening a head then only sets its layer and head and shows it: no element, template
 * or token rows to build while the user waits.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { ifDefined } from 'lit/directives/if-defined.js';
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

/**
 * Wait after the grid is drawn before parking a head view (ms): parking renders a head view (8 ms
 * at 16 tokens), which right away would delay the frames that show the grid; a user's first
 * click comes later (the head view's hover warm-up waits as long).
 */
const PARK_DELAY = 250;

/** What the head view shows: the opened head, or (parked) the head it waits with. */
export interface DetailState {
  readonly data: AttentionData | undefined;
  readonly filter: AttentionFilter;
  readonly layer: number;
  readonly head: number;
  readonly theme: ThemeName;
}

export class DetailPanel {
  /** True while the panel holds a head view, shown or parked. */
  private kept = false;
  /** Set when the user opens a head: the panel scrolls into view after the update. */
  private reveal = false;

  constructor(
    private readonly root: () => ParentNode,
    private readonly on: DetailHandlers,
  ) {}

  /** True when a head view waits in the panel (or is shown). */
  get ready(): boolean {
    return this.kept;
  }

  /** The panel, open under `title`, parked when closed with a head view kept, else nothing. */
  render(title: string | null): TemplateResult | typeof nothing {
    const open = title !== null;
    if (!open && !this.kept) return nothing;
    return html`<section
      class=${classMap({ detail: true, parked: !open })}
      part="detail"
      aria-labelledby=${open ? 'detail-title' : nothing}
      ?inert=${!open}
      aria-hidden=${ifDefined(open ? undefined : 'true')}
      @keydown=${this.on.keydown}
      @attn-layer-change=${this.on.layerChange}
      @attn-heads-change=${this.on.headsChange}
    >
      ${
        open
          ? html`<div class="detail-header">
              <h3 id="detail-title">${title}</h3>
              <span class="spacer"></span>
              <button type="button" aria-label="Close the detail view" @click=${this.on.close}>Close</button>
            </div>`
          : nothing
      }
      <div class="detail-view"></div>
    </section>`;
  }

  /**
   * Parks a head view when the browser is idle (`idle`, not before `PARK_DELAY` ms), rendering
   * the host (`update`) for it: called once the grid is drawn, it does nothing when one is kept.
   */
  parkWhenIdle(idle: (fn: () => void, delay: number) => void, update: () => void): void {
    if (this.kept) return;
    idle(() => {
      if (this.kept) return;
      this.kept = true;
      update();
    }, PARK_DELAY);
  }

  /** Forgets the head view (new data: a parked one would draw the old data for nothing). */
  drop(): void {
    this.kept = false;
  }

  /** Scrolls the panel into view after the next update (the user opened a head). */
  revealNext(): void {
    this.reveal = true;
  }

  /**
   * After an update: shows `open` in the head view (made if missing), or gives a parked one the
   * current data, filter and theme (`parked` names the head it starts with).
   */
  updated(open: DetailState | null, parked: DetailState): void {
    const root = this.root();
    const container = root.querySelector('.detail-view');
    if (!container) return;
    this.kept = true;
    const view = syncDetail(container, open ?? parked, open !== null);
    if (open && this.reveal) {
      this.reveal = false;
      // Once the head view has updated too: scrolling needs a layout, and one taken now would be
      // taken again for the head view's changes in the same frame.
      const section = root.querySelector('.detail');
      void view.updateComplete.then(() => section?.scrollIntoView({ block: 'nearest' }));
    }
  }
}

/**
 * Creates the head view in `container` if it is not there yet and sets what changed, only that,
 * so that re-rendering the grid keeps the head view's own state (e.g. a pinned token). A parked
 * view (`open` false) keeps the head it shows.
 */
export function syncDetail(
  container: Element,
  s: DetailState,
  open: boolean,
): HTMLElementTagNameMap['attn-head-view'] {
  let view = container.querySelector('attn-head-view');
  if (!view) {
    view = document.createElement('attn-head-view');
    view.layer = s.layer;
    view.heads = [s.head];
    container.appendChild(view);
  }
  if (view.data !== s.data) view.data = s.data;
  if (view.filter !== s.filter) view.filter = s.filter;
  if (view.theme !== s.theme) view.theme = s.theme;
  if (!open) return view;
  if (view.layer !== s.layer) view.layer = s.layer;
  if (view.heads?.length !== 1 || view.heads[0] !== s.head) view.heads = [s.head];
  return view;
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
