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
  .note {
    position: sticky;
    top: 0;
    margin: 0;
    padding: calc(var(--attn-row-height) / 2) 4px;
    text-align: center;
    color: var(--attn-muted);
  }
`;
