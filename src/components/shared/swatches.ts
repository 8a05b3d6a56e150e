/**
 * Head swatches: one toggle button per head, coloured like its lines and labelled with the head's
 * own number, so that no head is told apart by colour alone. A toolbar with a roving tab stop:
 * Tab enters and leaves, arrow keys move, Enter/Space toggles, Shift+Enter solos.
 */
import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { cssProps } from './css-props.js';
import type { Rgb } from '../../core/palette.js';
import { toHex } from '../../core/palette.js';
import { inkOn } from './colors.js';
import { headShort } from '../../core/labels.js';
import type { AttentionComponent } from '../../core/types.js';

export interface SwatchOptions {
  /** The model's head numbers, in order. */
  readonly heads: readonly number[];
  readonly active: ReadonlySet<number>;
  readonly colors: readonly Rgb[];
  /** Index of the swatch holding the toolbar's tab stop. */
  readonly focusIndex: number;
  readonly onToggle: (head: number) => void;
  readonly onSolo: (head: number) => void;
  readonly onFocusIndex: (index: number) => void;
  /** Text of each swatch (default: the head number) and its accessible name (default: "Head n"), for derived heads. */
  readonly labels?: readonly string[];
  readonly names?: readonly string[];
}

export function renderSwatches(o: SwatchOptions): TemplateResult {
  const onKeyDown = (e: KeyboardEvent) => {
    const last = o.heads.length - 1;
    const moves: Record<string, number> = {
      ArrowRight: Math.min(last, o.focusIndex + 1),
      ArrowDown: Math.min(last, o.focusIndex + 1),
      ArrowLeft: Math.max(0, o.focusIndex - 1),
      ArrowUp: Math.max(0, o.focusIndex - 1),
      Home: 0,
      End: last,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = moves[e.key]!;
      o.onFocusIndex(next);
      const bar = e.currentTarget as HTMLElement;
      (bar.querySelectorAll('button')[next] as HTMLButtonElement | undefined)?.focus();
    } else if ((e.key === 'Enter' || e.key === ' ') && e.shiftKey) {
      e.preventDefault();
      const head = o.heads[o.focusIndex];
      if (head !== undefined) o.onSolo(head);
    }
  };
  return html`<div
    class="swatches"
    part="heads"
    role="toolbar"
    aria-label="Heads: Enter toggles, Shift+Enter or double-click shows one head only"
    @keydown=${onKeyDown}
  >
    ${repeat(
      o.heads,
      (h) => h,
      (head, i) => {
        const color = o.colors[i] ?? [0.5, 0.5, 0.5];
        const pressed = o.active.has(head);
        return html`<button
          class="swatch"
          part="head-swatch"
          type="button"
          aria-pressed=${pressed ? 'true' : 'false'}
          aria-label=${o.names?.[i] ?? `Head ${head}`}
          title="${o.names?.[i] ?? `Head ${head}`}: click toggles, double-click shows only this head"
          tabindex=${i === o.focusIndex ? 0 : -1}
          data-head=${head}
          ${cssProps({ '--swatch-color': toHex(color), '--swatch-ink': inkOn(color) })}
          @click=${(e: MouseEvent) => {
            if (e.shiftKey) o.onSolo(head);
            else o.onToggle(head);
            o.onFocusIndex(i);
          }}
          @dblclick=${() => o.onSolo(head)}
        >
          ${o.labels?.[i] ?? head}
        </button>`;
      },
    )}
  </div>`;
}

/** Swatch texts and names for derived heads ("mean", "mean of heads 0–11"); nothing for the model's own. */
export function derivedHeadLabels(c: AttentionComponent): Pick<SwatchOptions, 'labels' | 'names'> {
  return c.headLabels ? { labels: c.heads.map((_, i) => headShort(c, i)), names: c.headLabels } : {};
}
