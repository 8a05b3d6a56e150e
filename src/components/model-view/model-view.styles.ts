import { css } from 'lit';

export const modelViewStyles = css`
  :host {
    min-width: 240px;
    /* No paint containment: the tooltip of an edge cell may reach past the host's box. */
    contain: layout style;
  }
  .body.beside {
    display: flex;
    align-items: flex-start;
  }
  .body.beside .detail {
    flex: 1 1 0;
    min-width: 0;
    border-top: none;
    border-left: 1px solid var(--attn-border);
    padding-top: 0;
  }
  .grid-frame {
    position: relative;
    flex: none;
    min-width: 0;
  }
  .grid-area {
    position: relative;
    overflow-x: auto;
    padding: 0 8px 8px;
  }
  /* Rows and cells sit on grid tracks of the layout's sizes (see renderGrid), which place them
     exactly where the canvas draws the thumbnails (gridLayout's cellX and cellY). */
  .grid {
    position: relative;
    display: grid;
    grid-template-rows: var(--grid-header-height) repeat(var(--grid-rows), var(--grid-cell-height));
    row-gap: var(--grid-gap);
    align-content: start;
  }
  canvas {
    position: absolute;
    left: 0;
    top: 0;
    display: block;
    pointer-events: none;
  }
  [role='row'] {
    display: grid;
    grid-template-columns: var(--grid-label-width) repeat(var(--grid-columns), var(--grid-cell-width));
    column-gap: var(--grid-gap);
    min-width: 0;
  }
  .corner,
  .col-label,
  .row-label {
    color: var(--attn-muted);
    font-size: 11px;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    overflow: hidden;
  }
  /* 2px above the first row of cells, across the gap under the header row. */
  .col-label {
    align-self: end;
    margin-bottom: calc(2px - var(--grid-gap));
    text-align: center;
  }
  .corner {
    align-self: end;
    margin-bottom: calc(2px - var(--grid-gap));
    text-align: right;
    padding-right: 6px;
  }
  .row-label {
    line-height: var(--grid-cell-height);
    text-align: right;
    padding-right: 6px;
  }
  .cell {
    position: relative;
    border-radius: 2px;
    outline-offset: 1px;
    cursor: pointer;
  }
  .cell.hovered {
    box-shadow: 0 0 0 1px var(--attn-muted);
  }
  .cell.selected {
    box-shadow:
      0 0 0 2px var(--attn-background),
      0 0 0 4px var(--attn-accent);
  }
  .cell.dim {
    background: color-mix(in srgb, var(--attn-background) 72%, transparent);
  }
  .cell.hit {
    box-shadow: 0 0 0 2px var(--attn-highlight);
  }
  .cell.hit.selected {
    box-shadow:
      0 0 0 2px var(--attn-highlight),
      0 0 0 4px var(--attn-accent);
  }
  .badge {
    position: absolute;
    right: 1px;
    bottom: 1px;
    padding: 0 3px;
    border-radius: 2px;
    font-family: var(--attn-mono-font-family);
    font-size: 10px;
    line-height: 14px;
    background: color-mix(in srgb, var(--attn-background) 80%, transparent);
    color: var(--attn-foreground);
    pointer-events: none;
  }
  .badge.head {
    left: 1px;
    right: auto;
    top: 1px;
    bottom: auto;
    color: var(--attn-muted);
  }
  .tooltip {
    position: absolute;
    /* Above the detail panel (its head view is positioned too). */
    z-index: 3;
    left: 0;
    top: 0;
    pointer-events: none;
    padding: 6px 8px;
    border: 1px solid var(--attn-border);
    border-radius: 4px;
    background: var(--attn-background);
    color: var(--attn-foreground);
    font-size: 12px;
    box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
    white-space: nowrap;
  }
  .tooltip table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  .tooltip th {
    text-align: left;
    font-weight: normal;
    color: var(--attn-muted);
    padding: 0 10px 0 0;
  }
  .tooltip td {
    font-family: var(--attn-mono-font-family);
    text-align: right;
  }
  .tooltip .hint {
    color: var(--attn-muted);
    margin-top: 2px;
  }
  .toolbar {
    column-gap: 10px;
  }
  .toolbar .highlight {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    color: var(--attn-muted);
    white-space: nowrap;
  }
  .toolbar input[type='number'] {
    font: inherit;
    width: 3.6em;
    color: var(--attn-foreground);
    background: var(--attn-background);
    border: 1px solid var(--attn-border);
    border-radius: 4px;
    padding: 2px 4px;
    min-height: 24px;
  }
  .toolbar input:focus-visible {
    outline: 2px solid var(--attn-accent);
    outline-offset: 1px;
  }
  .toolbar input:disabled,
  .toolbar select:disabled {
    opacity: 0.5;
  }
  .detail {
    border-top: 1px solid var(--attn-border);
    padding-top: 4px;
  }
  /* A head view kept for the next open: laid out at the panel's width, unseen and unreachable
     (the section is inert), taking no room. It stays painted on a layer of its own, transparent:
     opening it shows a layer already drawn instead of painting the panel anew. */
  .detail.parked {
    position: absolute;
    left: 0;
    right: 0;
    top: 0;
    opacity: 0;
    will-change: opacity;
  }
  .detail-header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 2px 8px;
  }
  .detail-header h3 {
    margin: 0;
    font-size: inherit;
    font-weight: 600;
  }
  .note {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    color: var(--attn-muted);
    font-size: 11px;
    pointer-events: none;
  }
  .cell.blank:not(:focus-visible) {
    outline: 1px dashed var(--attn-border);
    outline-offset: -1px;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    margin: 0 8px 6px;
    color: var(--attn-muted);
  }
  .legend .swatch {
    width: 12px;
    height: 12px;
    border-radius: 2px;
  }
  .legend .plus {
    background: var(--attn-highlight);
  }
  .legend .minus {
    background: var(--attn-accent);
  }
  .notice {
    margin: 0 8px 6px;
    padding: 6px 8px;
    border: 1px dashed var(--attn-border);
    border-radius: 4px;
    color: var(--attn-muted);
  }
  .status {
    padding: 0 8px 4px;
    color: var(--attn-muted);
    font-size: 12px;
  }
`;
