/**
 * The head view's readout: a hint at rest; for a focused token, each active head's strongest
 * weights and, with a pinned token and one hovered on the other side, the weight between them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { headName, headShort, layerName } from '../../core/labels.js';
import { cssProps } from '../shared/css-props.js';
import { focusWeights, type HeadFocusWeights } from '../../core/focus-weights.js';
import { formatExact, formatWeight } from '../../core/format.js';
import type { DisplayToken } from '../../core/tokens.js';
import type { AttentionComponent, TokenSide } from '../../core/types.js';
import type { TokenRef } from './head-view-painter.js';

/** Strongest weights listed per head. */
const READOUT_TOP = 3;
const STRONGEST_CELLS = Array.from({ length: READOUT_TOP }, (_, k) => k);

export interface ReadoutOptions {
  readonly component: AttentionComponent;
  readonly layerIndex: number;
  /** Active head indices. */
  readonly heads: readonly number[];
  readonly left: readonly DisplayToken[];
  readonly right: readonly DisplayToken[];
  readonly focus: TokenRef | null;
  /** A token on the other side than the pinned one, whose weight with it is added. */
  readonly partner: TokenRef | null;
  readonly pinned: boolean;
  /** Head colours by head number. */
  readonly colors: readonly string[];
  /** Said at rest instead of the hint, e.g. that there is no attention to draw. */
  readonly note: string | undefined;
}

const quote = (t: DisplayToken) => `“${t.kind === 'continuation' ? '##' : ''}${t.text}”`;

/**
 * The readout, in the same shape at rest and for a focused token: a heading line and a table with
 * one row per active head, hidden at rest. A hover therefore changes text only: the view below
 * does not move, and no DOM is built.
 */
export function renderReadout(o: ReadoutOptions): TemplateResult {
  const c = o.component;
  const layer = layerName(c, o.layerIndex);
  const focus = o.focus;
  if (!focus) {
    const hint = html`<span class="hint"
      >${layer} · ${o.heads.length} of ${c.heads.length} heads.
      ${o.note ?? 'Hover, click or use arrow keys on a token to see its weights.'}</span
    >`;
    const rows = o.heads.map((head) => ({ head, strongest: [], partner: undefined }));
    return renderFrame(hint, renderTable(o, rows, null, []));
  }
  const tokensOf = (side: TokenSide) => (side === 'query' ? o.left : o.right);
  const positionOf = (side: TokenSide, i: number) => (side === 'query' ? c.queryStart : c.keyStart) + i;
  const other: TokenSide = focus.side === 'query' ? 'key' : 'query';
  const partner = o.partner;
  const rows = focusWeights(c, o.layerIndex, o.heads, focus.side, focus.index, READOUT_TOP, partner?.index);
  const token = quote(tokensOf(focus.side)[focus.index]!);
  const heading =
    focus.side === 'query'
      ? html`Query ${positionOf('query', focus.index)} <strong>${token}</strong> attends to`
      : html`Key ${positionOf('key', focus.index)} <strong>${token}</strong> is attended by`;
  const partnerHeading = partner
    ? html`${focus.side === 'query' ? '→' : '←'} ${positionOf(other, partner.index)}
      ${quote(tokensOf(other)[partner.index]!)}`
    : null;
  return renderFrame(
    html`${heading} · ${layer.toLowerCase()}${o.pinned ? ' · pinned' : ''}`,
    renderTable(o, rows, partnerHeading, tokensOf(other), (i) => positionOf(other, i)),
  );
}

/** One template at rest and with a focus, so that the table stays the same element. */
function renderFrame(heading: TemplateResult, table: TemplateResult): TemplateResult {
  return html`<div class="readout" part="readout" aria-live="polite">
    <div>${heading}</div>
    ${table}
  </div>`;
}

/** The table of weights; at rest (no rows' weights and no `other` tokens) a hidden one that keeps its place. */
function renderTable(
  o: ReadoutOptions,
  rows: readonly HeadFocusWeights[],
  partnerHeading: TemplateResult | null,
  otherTokens: readonly DisplayToken[],
  positionOf: (i: number) => number = (i) => i,
): TemplateResult {
  const c = o.component;
  const rest = !o.focus;
  return html`<table class=${rest ? 'rest' : ''} aria-hidden=${ifDefined(rest ? 'true' : undefined)}>
    <thead>
      <tr>
        <th scope="col">Head</th>
        ${partnerHeading ? html`<th scope="col">${partnerHeading}</th>` : nothing}
        <th scope="col" colspan=${READOUT_TOP}>Strongest</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map((r) => {
        const head = c.heads[r.head]!;
        return html`<tr>
          <th scope="row" title=${headName(c, r.head)}>
            <span class="dot" ${cssProps({ background: o.colors[head] })}></span>${headShort(c, r.head)}
          </th>
          ${
            r.partner !== undefined
              ? html`<td class="num" title=${formatExact(r.partner)}>${formatWeight(r.partner)}</td>`
              : nothing
          }
          ${STRONGEST_CELLS.map((k) => {
            // Always READOUT_TOP cells of one template (blank where a head has fewer weights), so
            // that a hover changes text in place: a space, as Lit removes the text node of ''.
            const entry = r.strongest[k];
            const token = entry ? otherTokens[entry[0]]! : undefined;
            const title = entry
              ? `${formatExact(entry[1])} (${token!.raw}, position ${positionOf(entry[0])})`
              : undefined;
            return html`<td title=${ifDefined(title)}>
              ${token ? quote(token) : ' '} <span class="num">${entry ? formatWeight(entry[1]) : ' '}</span>
            </td>`;
          })}
        </tr>`;
      })}
    </tbody>
  </table>`;
}
