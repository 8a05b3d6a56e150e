import { css } from 'lit';

export const neuronViewStyles = css`
  :host {
    min-width: 320px;
  }
  .header {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--attn-background);
  }
  .header-canvas {
    position: absolute;
    left: 0;
    top: 0;
    pointer-events: none;
  }
  .title {
    position: absolute;
    top: 2px;
    /* As the export writes them (the theme's size less 2 px). */
    font-size: calc(var(--attn-font-size) - 2px);
    color: var(--attn-muted);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .header-cells {
    position: absolute;
    left: 0;
    right: 0;
  }
  .rows {
    position: relative;
  }
  .body-canvas {
    position: sticky;
    display: block;
    pointer-events: none;
  }
  .matrix {
    position: absolute;
    top: 0;
    cursor: crosshair;
  }
  .matrix:focus-visible {
    outline: 2px solid var(--attn-accent);
    outline-offset: -2px;
  }
  .warning {
    margin: 0 8px 6px;
    padding: 6px 8px;
    border: 1px solid var(--attn-highlight);
    border-radius: 4px;
    font-size: 12px;
  }
  .note {
    margin: 0 8px 6px;
    padding: 6px 8px;
    border: 1px dashed var(--attn-border);
    border-radius: 4px;
    font-size: 12px;
    color: var(--attn-muted);
  }
  .empty p {
    margin: 4px 0 0;
    max-width: 72ch;
  }
  .clear-neuron {
    border-color: var(--attn-highlight);
  }
  .readout .num {
    font-family: var(--attn-mono-font-family);
  }
`;
