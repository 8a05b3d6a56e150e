import { css } from 'lit';

/** The explorer's own layout: pairs of views side by side, the hint, the text form, captions. */
export const explorerStyles = css`
  .pair {
    display: flex;
    flex-wrap: wrap;
    gap: 12px;
    margin-top: 12px;
  }
  .pair > * {
    flex: 1 1 420px;
    min-width: 0;
  }
  .hint {
    padding: 8px;
    color: var(--attn-muted);
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding: 6px 8px;
  }
  form input {
    flex: 1 1 16em;
  }
  figure {
    margin: 0;
  }
  figcaption {
    padding: 2px 8px;
    font-weight: 600;
  }
  mark {
    background: none;
    color: var(--attn-highlight);
  }
`;
