/**
 * Which token of the two columns is focused, and how the user moves it: hover, click to pin, the
 * keyboard cursor of each column (a listbox with `aria-activedescendant`). Fires
 * `attn-token-focus` after an update that changed the focused token.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AttentionComponent, TokenSide } from '../../core/types.js';
import { fire } from '../shared/events.js';
import type { TokenColumnOptions } from '../shared/token-column.js';
import type { TokenRef } from './head-view-painter.js';

export interface TokenFocusOptions {
  /** The attention shown: its token lists and positions. */
  readonly component: () => AttentionComponent | undefined;
  /** Rows a PageUp/PageDown moves. */
  readonly page: () => number;
  /** Scrolls a row into view. */
  readonly reveal: (index: number) => void;
  /** The column's listbox, to move the DOM focus to. */
  readonly column: (side: TokenSide) => HTMLElement | null;
}

export class TokenFocus implements ReactiveController {
  private hoveredRef: TokenRef | null = null;
  private pinnedRef: TokenRef | null = null;
  private cursorRef: TokenRef | null = null;
  private fired: { ref: TokenRef | null; pinned: boolean } = { ref: null, pinned: false };
  /** The token a pointer pressed, until its column takes the focus. */
  private pressed: TokenRef | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly o: TokenFocusOptions,
  ) {
    host.addController(this);
  }

  get hovered(): TokenRef | null {
    return this.hoveredRef;
  }

  get pinned(): TokenRef | null {
    return this.pinnedRef;
  }

  /** The keyboard cursor, shown with a ring while its column has the DOM focus. */
  get cursor(): TokenRef | null {
    return this.cursorRef;
  }

  /** The token whose lines are shown: hover or keyboard cursor, else the pinned token. */
  get focus(): TokenRef | null {
    const transient = this.hoveredRef ?? this.cursorRef;
    if (this.pinnedRef && transient && transient.side !== this.pinnedRef.side) return this.pinnedRef;
    return transient ?? this.pinnedRef;
  }

  /** A token on the other side than the pinned one, whose weight with it the readout adds. */
  get partner(): TokenRef | null {
    const transient = this.hoveredRef ?? this.cursorRef;
    return this.pinnedRef && transient && transient.side !== this.pinnedRef.side ? transient : null;
  }

  /** Forgets every token (new data). */
  clear(): void {
    this.set({ hovered: null, pinned: null, cursor: null });
  }

  /** Forgets tokens past the end of their column (the columns changed). */
  clamp(): void {
    const keep = (r: TokenRef | null) => (r && r.index < this.count(r.side) ? r : null);
    this.set({ hovered: keep(this.hoveredRef), pinned: keep(this.pinnedRef), cursor: keep(this.cursorRef) });
  }

  /** The event handlers of a token column. */
  handlers(side: TokenSide): TokenColumnOptions['handlers'] {
    return {
      pointerdown: (e) => {
        const index = tokenIndex(e);
        this.pressed = index === null ? null : { side, index };
      },
      pointerover: (e) => {
        const index = tokenIndex(e);
        const h = this.hoveredRef;
        if (index !== null && (h?.side !== side || h.index !== index)) this.set({ hovered: { side, index } });
      },
      pointerleave: () => this.set({ hovered: null }),
      click: (e) => {
        const index = tokenIndex(e);
        // The keyboard cursor (and its ring) follows the click, so that arrow keys go on from there.
        if (index !== null) this.set({ cursor: { side, index }, pinned: this.toggled({ side, index }) });
      },
      keydown: (e) => this.handleKeyDown(side, e),
      focus: () => {
        // Focus by a press lands on the pressed token (the click then pins it); by Tab, on the
        // pinned token or the first.
        const pressed = this.pressed?.side === side ? this.pressed : null;
        this.pressed = null;
        if (!pressed && this.cursorRef?.side === side) return;
        const at = pressed ?? (this.pinnedRef?.side === side ? this.pinnedRef : null);
        this.set({ cursor: { side, index: at?.index ?? 0 } });
      },
      blur: (e) => {
        const next = e.relatedTarget as HTMLElement | null;
        if (next?.getAttribute('role') === 'listbox' && this.host.shadowRoot?.contains(next)) return;
        this.set({ cursor: null });
      },
    };
  }

  hostUpdated(): void {
    const ref = this.focus;
    const pinned = !!ref && this.pinnedRef === ref;
    const last = this.fired;
    if (last.ref?.side === ref?.side && last.ref?.index === ref?.index && last.pinned === pinned) return;
    this.fired = { ref, pinned };
    const c = this.o.component();
    if (!ref || !c) {
      const none = { side: null, index: null, position: null, token: null, pinned: false };
      fire(this.host, 'attn-token-focus', none);
      return;
    }
    const query = ref.side === 'query';
    fire(this.host, 'attn-token-focus', {
      side: ref.side,
      index: ref.index,
      position: (query ? c.queryStart : c.keyStart) + ref.index,
      token: (query ? c.queryTokens : c.keyTokens)[ref.index]!,
      pinned,
    });
  }

  private count(side: TokenSide): number {
    return this.o.component()?.shape[side === 'query' ? 2 : 3] ?? 0;
  }

  private handleKeyDown(side: TokenSide, e: KeyboardEvent): void {
    const count = this.count(side);
    const index = this.cursorRef?.side === side ? this.cursorRef.index : 0;
    const page = this.o.page();
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(count - 1, moves[e.key]!));
      this.set({ cursor: { side, index: next } });
      this.o.reveal(next);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.set({ pinned: this.toggled({ side, index }) });
    } else if (e.key === 'Escape') {
      if (this.pinnedRef) {
        e.preventDefault();
        this.set({ pinned: null });
      }
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const other: TokenSide = e.key === 'ArrowRight' ? 'key' : 'query';
      if (other === side) return;
      e.preventDefault();
      this.set({ cursor: { side: other, index: Math.min(index, this.count(other) - 1) } });
      this.o.column(other)?.focus();
    }
  }

  /**
   * Pins `ref` (null: unpins), moving the keyboard cursor to it; a token the component does not
   * have is refused, naming the side, the range and the index (before the data is read, the pin
   * waits for it and is dropped if it is out of range then).
   */
  pin(ref: TokenRef | null): void {
    const c = this.o.component();
    const count = c && ref ? c.shape[ref.side === 'query' ? 2 : 3] : 0;
    if (c && ref && !(Number.isInteger(ref.index) && ref.index >= 0 && ref.index < count)) {
      throw new RangeError(
        `pinToken: expected a ${ref.side} index from 0 to ${count - 1}, received ${ref.index}`,
      );
    }
    const p = this.pinnedRef;
    if (p?.side === ref?.side && p?.index === ref?.index) return;
    this.set({ pinned: ref, cursor: ref ?? this.cursorRef });
  }

  /** The pinned token after pinning `ref`: pinning the pinned token unpins it. */
  private toggled(ref: TokenRef): TokenRef | null {
    const p = this.pinnedRef;
    return p?.side === ref.side && p.index === ref.index ? null : ref;
  }

  private set(next: { hovered?: TokenRef | null; pinned?: TokenRef | null; cursor?: TokenRef | null }): void {
    const { hovered = this.hoveredRef, pinned = this.pinnedRef, cursor = this.cursorRef } = next;
    if (hovered === this.hoveredRef && pinned === this.pinnedRef && cursor === this.cursorRef) return;
    this.hoveredRef = hovered;
    this.pinnedRef = pinned;
    this.cursorRef = cursor;
    this.host.requestUpdate();
  }
}

/** Index of the token row an event happened in, or null outside the rows. */
function tokenIndex(e: Event): number | null {
  const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
  return row ? Number(row.dataset['index']) : null;
}
