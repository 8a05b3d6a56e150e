/**
 * Pointer and keyboard focus in the model view's grid: the hovered cell, the keyboard's cell (the
 * grid's one tab stop, moved with ARIA grid keys), and the tooltip that follows whichever of the
 * two the user is on, placed beside its cell after each update so that it stays within the host
 * above the detail panel (above the cell near the bottom, never under the detail).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { moveCell, tooltipPlacement, type GridCell } from '../../render/grid-layout.js';

export type GridFocusHost = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** What the grid's keys and clicks do, as the view decides. */
export interface GridActions {
  /** Rows and columns of the grid shown, or undefined when there is none. */
  size(): readonly [rows: number, columns: number] | undefined;
  /** Click, Enter or Space on a cell. */
  activate(cell: GridCell): void;
  /** Escape in the grid; returns true when it did something. */
  escape(): boolean;
}

export class GridFocusController implements ReactiveController {
  /** The cell under the pointer, or null. */
  hovered: GridCell | null = null;
  /** The keyboard's cell. */
  cursor: GridCell = { row: 0, col: 0 };
  /** True while the cursor cell has keyboard focus: its tooltip shows. */
  keyboardTip = false;

  constructor(
    private readonly host: GridFocusHost,
    private readonly actions: GridActions,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.placeTooltip();
  }

  /** The cell whose tooltip shows: the hovered one, else the keyboard's while it has focus. */
  get tipCell(): GridCell | null {
    return this.hovered ?? (this.keyboardTip ? this.cursor : null);
  }

  /** Keeps the cells within a grid of `rows × columns` (after a subset or filter change). */
  clamp(rows: number, columns: number): void {
    const { row, col } = this.cursor;
    if (row >= rows || col >= columns) {
      this.cursor = { row: Math.min(row, rows - 1), col: Math.min(col, columns - 1) };
    }
    if (this.hovered && (this.hovered.row >= rows || this.hovered.col >= columns)) this.hovered = null;
  }

  /** Hides the tooltip (the detail opened: the user's attention is there now). */
  hideTooltip(): void {
    this.set(null, false);
  }

  moveTo(cell: GridCell): void {
    this.cursor = cell;
    this.host.requestUpdate();
  }

  focusCursor(): void {
    const { row, col } = this.cursor;
    this.host.renderRoot.querySelector<HTMLElement>(`#cell-${row}-${col}`)?.focus();
  }

  /** Puts the tooltip by its cell within the host above the detail, flipping it above near the bottom. */
  readonly placeTooltip = (): void => {
    const root = this.host.renderRoot;
    const tip = root.querySelector<HTMLElement>('#tooltip');
    const frame = root.querySelector<HTMLElement>('.grid-frame');
    const cell = this.tipCell;
    const anchor = cell && root.querySelector(`#cell-${cell.row}-${cell.col}`);
    if (!tip || !frame || !anchor) return;
    const f = frame.getBoundingClientRect();
    const a = anchor.getBoundingClientRect();
    const top = this.host.getBoundingClientRect().top - f.top;
    const place = tooltipPlacement(
      { left: a.left - f.left, top: a.top - f.top, width: a.width, height: a.height },
      { width: tip.offsetWidth, height: tip.offsetHeight },
      { left: 0, top, width: f.width, height: f.height - top },
    );
    tip.style.setProperty('left', `${place.left}px`);
    tip.style.setProperty('top', `${place.top}px`);
    tip.classList.toggle('above', place.above);
  };

  readonly handlePointerOver = (e: PointerEvent): void => {
    const cell = cellFrom(e);
    if (cell && (this.hovered?.row !== cell.row || this.hovered.col !== cell.col))
      this.set(cell, this.keyboardTip);
  };

  readonly handlePointerLeave = (): void => {
    this.set(null, this.keyboardTip);
  };

  readonly handleClick = (e: MouseEvent): void => {
    const cell = cellFrom(e);
    if (!cell) return;
    this.cursor = cell;
    this.actions.activate(cell);
  };

  readonly handleFocusIn = (e: FocusEvent): void => {
    const cell = cellFrom(e);
    if (!cell) return;
    this.cursor = cell;
    // A click focuses the cell too; only keyboard focus (focus-visible) shows the tooltip.
    this.set(this.hovered, (e.target as HTMLElement).matches(':focus-visible'));
  };

  readonly handleFocusOut = (e: FocusEvent): void => {
    const next = e.relatedTarget as HTMLElement | null;
    if (next?.getAttribute('role') === 'gridcell' && this.host.renderRoot.contains(next)) return;
    this.set(this.hovered, false);
  };

  readonly handleKeyDown = (e: KeyboardEvent): void => {
    const size = this.actions.size();
    const next = size && moveCell(e.key, this.cursor, size[0], size[1], e.ctrlKey);
    if (next) {
      e.preventDefault();
      this.cursor = next;
      this.set(null, true);
      void this.host.updateComplete.then(() => this.focusCursor());
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.actions.activate(this.cursor);
    } else if (e.key === 'Escape' && this.actions.escape()) {
      e.preventDefault();
    }
  };

  private set(hovered: GridCell | null, keyboardTip: boolean): void {
    this.hovered = hovered;
    this.keyboardTip = keyboardTip;
    this.host.requestUpdate();
  }
}

function cellFrom(e: Event): GridCell | null {
  const el = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
  return el ? { row: Number(el.dataset['row']), col: Number(el.dataset['col']) } : null;
}
