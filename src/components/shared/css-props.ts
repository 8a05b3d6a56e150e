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
  private previous = new Set<string>();

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
    const wanted = new Set(
      Object.entries(props)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k]) => cssName(k)),
    );
    for (const name of this.previous) {
      if (!wanted.has(name)) style.removeProperty(name);
    }
    this.previous.clear();
    for (const [key, value] of Object.entries(props)) {
      const name = cssName(key);
      if (value === undefined || value === null) continue;
      style.setProperty(name, String(value));
      this.previous.add(name);
    }
    return nothing;
  }
}

/** `lineHeight` → `line-height`; custom properties and kebab-case names unchanged. */
function cssName(key: string): string {
  return key.startsWith('--') ? key : key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** Sets CSS properties on the element through the CSSOM (safe under a strict CSP). */
export const cssProps = directive(CssPropsDirective);
