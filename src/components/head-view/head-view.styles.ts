import { css } from 'lit';

export const headViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 240px;
  }
  .viewport {
    position: relative;
    flex: 1 1 auto;
    min-height: 0;
    max-height: var(--attn-max-height);
    overflow: auto;
    overscroll-behavior: contain;
  }
  .content {
    position: relative;
  }
  canvas {
    position: sticky;
    top: 0;
    display: block;
    pointer-events: none;
  }
`;
