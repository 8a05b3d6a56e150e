/**
 * A column of token labels as an ARIA listbox, rendered only for the rows in view (plus the
 * cursor's and the selected token's, so that `aria-activedescendant` always resolves). Rows sit
 * at `padding + i × rowHeight`; the view places the column and handles its events.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { cssProps } from './css-props.js';
import type { DisplayToken } from '../../core/tokens.js';
import { tokenLabel } from './token-label.js';

export interface TokenColumnOptions {
  /** Id prefix and class of the column, e.g. `query` → rows `#query-3`. */
  readonly name: string;
  readonly tokens: readonly DisplayToken[];
  /** Model position of the first token (titles show positions). */
  readonly start: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
  readonly rowHeight: number;
  readonly padding: number;
  /** Rows in view, `[first, last)`. */
  readonly first: number;
  readonly last: number;
  readonly label: string;
  /** Row of the keyboard cursor, or -1. */
  readonly cursor: number;
  /** Row selected (pinned), or -1. */
  readonly selected: number;
  /** Rows drawn as hovered. */
  readonly hovered: (index: number) => boolean;
  /** Rows drawn greyed (e.g. keys a causal mask hides), if any. */
  readonly muted?: ((index: number) => boolean) | undefined;
  readonly handlers: {
    /** A press on a token, before the column takes the focus (optional). */
    readonly pointerdown?: (e: PointerEvent) => void;
    readonly pointerover: (e: PointerEvent) => void;
    readonly pointerleave: () => void;
    readonly click: (e: MouseEvent) => void;
    readonly keydown: (e: KeyboardEvent) => void;
    readonly focus: () => void;
    readonly blur: (e: FocusEvent) => void;
  };
}

/** The column's label, saying which tokens the model generated when some were. */
function generatedNote(label: string, tokens: readonly DisplayToken[]): string {
  const first = tokens.findIndex((t) => t.generated);
  if (first < 0) return label;
  return `${label}; generated tokens (from row ${first + 1}) in italics, underlined`;
}

export function renderTokenColumn(o: TokenColumnOptions): TemplateResult {
  const indices: number[] = [];
  for (let i = o.first; i < Math.min(o.last, o.tokens.length); i++) indices.push(i);
  for (const extra of [o.cursor, o.selected]) {
    if (
      extra >= 0 &&
      extra < o.tokens.length &&
      (extra < o.first || extra >= o.last) &&
      !indices.includes(extra)
    ) {
      indices.push(extra);
    }
  }
  return html`<div
    class="column ${o.name}"
    role="listbox"
    tabindex="0"
    aria-label=${generatedNote(o.label, o.tokens)}
    aria-activedescendant=${o.cursor >= 0 ? `${o.name}-${o.cursor}` : nothing}
    ${cssProps({ left: `${o.left}px`, width: `${o.width}px`, height: `${o.height}px` })}
    @pointerdown=${o.handlers.pointerdown}
    @pointerover=${o.handlers.pointerover}
    @pointerleave=${o.handlers.pointerleave}
    @click=${o.handlers.click}
    @keydown=${o.handlers.keydown}
    @focus=${o.handlers.focus}
    @blur=${o.handlers.blur}
  >
    ${indices.map((i) => {
      const t = o.tokens[i]!;
      const classes = {
        token: true,
        special: t.kind === 'special',
        hovered: o.hovered(i),
        pinned: o.selected === i,
        cursor: o.cursor === i,
        muted: o.muted?.(i) ?? false,
        generated: t.generated === true,
      };
      return html`<div
        id="${o.name}-${i}"
        class=${classMap(classes)}
        part="token"
        role="option"
        aria-selected=${classes.pinned ? 'true' : 'false'}
        aria-setsize=${o.tokens.length}
        aria-posinset=${i + 1}
        data-index=${i}
        title="${t.raw} (position ${o.start + i}${t.generated ? ', generated' : ''})"
        ${cssProps({ top: `${o.padding + i * o.rowHeight}px` })}
      >
        ${tokenLabel(t)}
      </div>`;
    })}
  </div>`;
}
