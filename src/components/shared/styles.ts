import { css } from 'lit';

/** Styles every view shares: host box, toolbar, controls, readout, error. */
export const viewStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    position: relative;
    background: var(--attn-background);
    color: var(--attn-foreground);
    font-family: var(--attn-font-family);
    font-size: var(--attn-font-size);
    line-height: 1.35;
    contain: content;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
    padding: 6px 8px;
  }
  .toolbar label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--attn-muted);
  }
  .spacer {
    flex: 1 1 auto;
  }
  .exports {
    display: inline-flex;
    gap: 6px;
  }
  select,
  button,
  input[type='text'] {
    font: inherit;
    color: var(--attn-foreground);
    background: var(--attn-background);
    border: 1px solid var(--attn-border);
    border-radius: 4px;
    padding: 2px 6px;
    min-height: 24px;
  }
  /* A select as wide as its chosen option, not its longest one (where supported): the toolbars
     then fit two rows at half a page's width instead of three. */
  select {
    field-sizing: content;
  }
  button {
    cursor: pointer;
  }
  select:focus-visible,
  button:focus-visible,
  [role='listbox']:focus-visible,
  [role='gridcell']:focus-visible {
    outline: 2px solid var(--attn-accent);
    outline-offset: 1px;
  }

  .readout {
    padding: 6px 8px;
    border-top: 1px solid var(--attn-border);
    min-height: 2.5em;
    font-size: 12px;
  }
  .readout .hint {
    color: var(--attn-muted);
  }
  .readout table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  .readout th {
    text-align: left;
    font-weight: 600;
    color: var(--attn-muted);
    padding: 1px 10px 1px 0;
  }
  .readout td {
    padding: 1px 10px 1px 0;
    white-space: nowrap;
  }
  .readout .num {
    font-family: var(--attn-mono-font-family);
  }
  .readout .dot {
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    border-radius: 2px;
    margin-right: 4px;
    vertical-align: -0.05em;
  }

  .loading {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 12px;
    margin: 8px;
    color: var(--attn-muted);
  }
  .loading progress {
    flex: 1 1 8rem;
  }
  .error-heading {
    display: block;
  }
  .error-message {
    margin: 4px 0 0;
    white-space: pre-wrap;
  }
  .error-actions {
    margin-top: 8px;
  }

  .error,
  .empty {
    padding: 12px;
    margin: 8px;
    border-radius: 4px;
  }
  .error {
    color: var(--attn-error);
    border: 1px solid var(--attn-error);
    overflow-wrap: anywhere;
  }
  .empty {
    color: var(--attn-muted);
    border: 1px dashed var(--attn-border);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/** Head swatches (the head view's toggle buttons). */
export const swatchStyles = css`
  .swatches {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 3px;
  }
  .swatch {
    min-width: var(--attn-swatch-size);
    height: var(--attn-swatch-size);
    padding: 0 3px;
    border-radius: 3px;
    border: 2px solid var(--swatch-color);
    background: var(--swatch-color);
    color: var(--swatch-ink);
    font-family: var(--attn-mono-font-family);
    font-size: 11px;
    line-height: 1;
    font-variant-numeric: tabular-nums;
  }
  .swatch[aria-pressed='false'] {
    background: transparent;
    color: var(--attn-muted);
    border-style: dashed;
  }
`;

/** Token labels and the token columns that hold them (head and neuron views). */
export const tokenStyles = css`
  .token {
    position: absolute;
    height: var(--attn-row-height);
    line-height: var(--attn-row-height);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    padding: 0 6px;
    cursor: default;
    user-select: none;
    border-radius: 3px;
  }
  .token.special {
    color: var(--attn-special-token);
    font-weight: 600;
  }
  .token .label {
    white-space: pre;
  }
  .token .cont {
    color: var(--attn-muted);
  }
  .token.hovered,
  .token.cursor {
    background: color-mix(in srgb, var(--attn-hover) 80%, transparent);
  }
  .token.pinned {
    background: var(--attn-pinned);
  }
  .token.cursor {
    outline: 1px solid var(--attn-accent);
    outline-offset: -1px;
  }

  .column {
    position: absolute;
    top: 0;
  }
  .column:focus-visible {
    outline-offset: -2px;
  }
  .column.query .token {
    left: 0;
    right: 0;
    text-align: right;
  }
  .column.key .token {
    left: 0;
    right: 0;
    text-align: left;
  }
  .token.muted {
    color: var(--attn-muted);
    opacity: 0.6;
  }
  /* Generated tokens: italic and underlined, a mark that does not rely on colour alone. */
  .token.generated .label,
  .generated-legend {
    font-style: italic;
    text-decoration: underline dotted;
    text-underline-offset: 3px;
  }
`;

/** A column layout whose token area scrolls within `--attn-max-height` (head and neuron views). */
export const scrollViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
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
`;
