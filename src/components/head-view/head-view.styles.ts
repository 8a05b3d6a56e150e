import { css } from 'lit';

export const headViewStyles = css`
  :host {
    min-width: 240px;
  }
  canvas {
    position: sticky;
    top: 0;
    display: block;
    pointer-events: none;
  }
  .lines {
    position: absolute;
    top: 0;
    pointer-events: none;
  }
  /* At rest the readout keeps the table's place, so that a hover moves nothing below it. */
  .readout table.rest {
    visibility: hidden;
  }
  /* The monospace numbers' taller font must not make a row taller than at rest. */
  .readout .num {
    line-height: 1;
  }
  .note {
    position: sticky;
    top: 0;
    margin: 0;
    padding: calc(var(--attn-row-height) / 2) 4px;
    text-align: center;
    color: var(--attn-muted);
  }
`;
