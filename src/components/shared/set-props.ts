/**
 * Sets properties on an element from one object, each only when it changed since the last
 * render (as a `.prop=${…}` binding does): `<attn-head-view ${setProps({ data, theme })}>`. For
 * elements that hand the same properties to several others.
 */
import { nothing, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

type Props = Readonly<Record<string, unknown>>;

class SetPropsDirective extends Directive {
  private readonly last = new Map<string, unknown>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT)
      throw new Error('setProps() belongs on an element: <x-y ${setProps({...})}>');
  }

  render(_props: Props): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [props]: [Props]): typeof nothing {
    const element = part.element as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(props)) {
      if (this.last.has(key) && Object.is(this.last.get(key), value)) continue;
      this.last.set(key, value);
      element[key] = value;
    }
    return nothing;
  }
}

export const setProps = directive(SetPropsDirective);
