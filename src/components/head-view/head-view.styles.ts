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
`;
