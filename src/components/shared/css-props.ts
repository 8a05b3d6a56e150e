/**
 * Positions and sizes set through the CSSOM, never through a `style` attribute string: a page
 * with a strict Content Security Policy (`style-src 'self'`) refuses inline style attributes,
 * and Lit's `styleMap` writes one on its first render. Used as an element directive:
 * `<div ${cssProps({ top: '4px', '--swatch-color': color })}>`. Keys are CSS property names
 * (`line-height` or `lineHeight`, or custom properties); `undefined` or `null` removes one.
 */
import { nothing, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

export type CssProps = Readonly<Record<string, string | number | undefined | null>>;

class CssPropsDirective extends Directive {
  /** What this directive set last, by CSS name: a render that changes nothing writes nothing. */
  private previous = new Map<string, string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) {
      throw new Error('cssProps() belongs on an element: <div ${cssProps({...})}>, not in an attribute');
    }
  }

  render(_props: CssProps): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [props]: [CssProps]): typeof nothing {
    const style = (part.element as HTMLElement).style;
    // Each setProperty is parsed and may restyle the element, and the views re-render their
    // rows on every hover with mostly the same positions: only changes are written.
    const next = new Map<string, string>();
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      const name = cssName(key);
      const text = String(value);
      next.set(name, text);
      if (this.previous.get(name) !== text) style.setProperty(name, text);
    }
    for (const name of this.previous.keys()) {
      if (!next.has(name)) style.removeProperty(name);
    }
    this.previous = next;
    return nothing;
  }
}

/** `lineHeight` → `line-height`; custom properties and kebab-case names unchanged. */
function cssName(key: string): string {
  return key.startsWith('--') ? key : key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** Sets CSS properties on the element through the CSSOM (safe under a strict CSP). */
export const cssProps = directive(CssPropsDirective);
