/**
 * The neuron view's cursors, as controllers: in the matrix, the cell under the pointer and the
 * keyboard's cell cursor; in the key column, the hovered key and the key cursor. Each owns the
 * pointer and key handlers of its part, and asks the view to update when it moves.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  cellAt,
  firstCell,
  moveCell,
  moveInList,
  sameCell,
  type NeuronCell,
} from '../../render/neuron-layout.js';
import type { NeuronLayout } from '../../render/neuron-layout.js';

/** The cells as drawn now: their layout, the dimensions in display order, the keys shown. */
export interface CellGrid {
  readonly layout: NeuronLayout;
  readonly cells: { readonly order: readonly number[]; readonly keyCount: number };
}

export interface CellActions {
  /** Enter, Space or a click on a vector cell: highlight its dimension (or clear it). */
  readonly toggle: (dim: number) => void;
  /** Escape: clear the highlight; false when there was none (the key is left to the page). */
  readonly clear: () => boolean;
  /** The cursor moved to key row `row`: scroll it into view. */
  readonly reveal: (row: number) => void;
}

export class CellCursor implements ReactiveController {
  /** The cell under the pointer, or null. */
  hovered: NeuronCell | null = null;
  /** The keyboard cursor, while the matrix has the focus (null otherwise). */
  cursor: NeuronCell | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly grid: () => CellGrid | undefined,
    private readonly actions: CellActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The cell the readout and the outline show: the hovered one, else the cursor's. */
  get current(): NeuronCell | null {
    return this.hovered ?? this.cursor;
  }

  /** Forgets both (the cells they pointed at are gone). */
  reset(): void {
    this.hovered = this.cursor = null;
  }

  /** Puts the cursor on a cell (e.g. on a key's row, coming from the key list). */
  place(cell: NeuronCell): void {
    this.cursor = cell;
    this.host.requestUpdate();
  }

  readonly pointerMove = (e: PointerEvent): void => this.hover(this.cellAt(e, false));
  readonly headerPointerMove = (e: PointerEvent): void => this.hover(this.cellAt(e, true));
  readonly pointerLeave = (): void => this.hover(null);
  readonly click = (e: MouseEvent): void => this.toggle(this.cellAt(e, false));
  readonly headerClick = (e: MouseEvent): void => this.toggle(this.cellAt(e, true));

  /**
   * A press puts the cursor on the pressed cell before the focus lands, so that the readout and
   * the cursor's outline stay on what was clicked (the focus alone starts on the first cell).
   */
  readonly pointerDown = (e: PointerEvent): void => {
    const cell = this.cellAt(e, false);
    if (cell) this.place(cell);
  };

  readonly focus = (): void => {
    const grid = this.grid();
    if (!this.cursor && grid) this.place(firstCell(grid.cells.order));
  };

  readonly blur = (): void => {
    this.cursor = null;
    this.host.requestUpdate();
  };

  readonly keyDown = (e: KeyboardEvent): void => {
    const grid = this.grid();
    if (!grid) return;
    const from = this.cursor ?? firstCell(grid.cells.order);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.toggle(from);
      return;
    }
    if (e.key === 'Escape') {
      if (this.actions.clear()) e.preventDefault();
      return;
    }
    const next = moveCell(grid.layout, grid.cells.order, from, e.key, grid.cells.keyCount);
    if (!next) return;
    e.preventDefault();
    this.place(next);
    if (next.row !== 'header') this.actions.reveal(next.row);
  };

  private hover(cell: NeuronCell | null): void {
    if (sameCell(cell, this.hovered)) return;
    this.hovered = cell;
    this.host.requestUpdate();
  }

  private toggle(cell: NeuronCell | null): void {
    if (cell && cell.dim !== null) this.actions.toggle(cell.dim);
  }

  /** The cell under a pointer event on the matrix (x from its left edge) or the header's cells. */
  private cellAt(e: MouseEvent, header: boolean): NeuronCell | null {
    const grid = this.grid();
    if (!grid) return null;
    const x = header ? e.offsetX : grid.layout.columns[0]!.x + e.offsetX;
    return cellAt(grid.layout, grid.cells.order, x, header ? 'header' : e.offsetY, grid.cells.keyCount);
  }
}

export interface KeyActions {
  /** Rows a PageUp / PageDown moves. */
  readonly page: () => number;
  /** The cursor moved to key `row`: scroll it into view. */
  readonly reveal: (row: number) => void;
  /** ← and →: leave the list for the query column, or for the cells of key `row`. */
  readonly left: () => void;
  readonly right: (row: number) => void;
}

/** The key column's hovered key and keyboard cursor, with the column's handlers. */
export class KeyCursor implements ReactiveController {
  /** The key under the pointer, or null. */
  hovered: number | null = null;
  /** The keyboard cursor, while the column has the focus (null otherwise). */
  cursor: number | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly count: () => number,
    private readonly actions: KeyActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The key the readout shows when no cell is: the hovered one, else the cursor's. */
  get current(): number | null {
    return this.hovered ?? this.cursor;
  }

  reset(): void {
    this.hovered = this.cursor = null;
  }

  readonly pointerOver = (e: PointerEvent): void => this.set('hovered', rowOf(e) ?? this.hovered);
  readonly pointerLeave = (): void => this.set('hovered', null);
  readonly click = (e: MouseEvent): void => this.set('cursor', rowOf(e) ?? this.cursor);
  /** Keyboard focus starts on the first key; a press has already put the cursor on its key. */
  readonly focus = (): void => this.set('cursor', this.cursor ?? 0);
  readonly blur = (): void => this.set('cursor', null);

  /**
   * A press on a key puts the cursor there before the focus lands (which would start it on the
   * first key), so that the readout and the focus ring stay on the key that was clicked. Listens
   * on an ancestor: the column itself is shared with the head view.
   */
  readonly pointerDown = (e: PointerEvent): void => {
    if ((e.target as Element).closest('.column.key')) this.set('cursor', rowOf(e) ?? this.cursor);
  };

  readonly keyDown = (e: KeyboardEvent): void => {
    const next = moveInList(e.key, this.cursor, this.count(), this.actions.page());
    if (next === null && e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    if (next !== null) {
      this.set('cursor', next);
      this.actions.reveal(next);
    } else if (e.key === 'ArrowLeft') this.actions.left();
    else this.actions.right(this.cursor ?? 0);
  };

  private set(which: 'hovered' | 'cursor', value: number | null): void {
    if (this[which] === value) return;
    this[which] = value;
    this.host.requestUpdate();
  }
}

/** The row index of the token an event came from, or null. */
export function rowOf(e: Event): number | null {
  const el = (e.target as Element).closest<HTMLElement>('[data-index]');
  return el ? Number(el.dataset['index']) : null;
}
