/**
 * JSX typings for React 19, which passes properties and `on<event-name>` listeners to custom
 * elements natively. Import once for its types: `import type {} from 'attnviz/react';`.
 *
 * ```tsx
 * <attn-head-view data={attention} layer={3} onattn-heads-change={(e) => console.log(e.detail.heads)} />
 * ```
 */
import type { HTMLAttributes, RefAttributes } from 'react';
import type { AttnHeadView } from '../components/head-view/head-view.js';
import type {
  AttnFilterChangeDetail,
  AttnHeadsChangeDetail,
  AttnLayerChangeDetail,
  AttnTokenFocusDetail,
} from '../components/shared/events.js';

/** Listeners React 19 attaches with `addEventListener` (the prop name is `on` + the event name). */
export interface AttnViewEventProps {
  'onattn-layer-change'?: (event: CustomEvent<AttnLayerChangeDetail>) => void;
  'onattn-heads-change'?: (event: CustomEvent<AttnHeadsChangeDetail>) => void;
  'onattn-filter-change'?: (event: CustomEvent<AttnFilterChangeDetail>) => void;
  'onattn-token-focus'?: (event: CustomEvent<AttnTokenFocusDetail>) => void;
}

type ElementProps<E extends HTMLElement> = Omit<HTMLAttributes<E>, 'children'> &
  RefAttributes<E> & { class?: string; children?: never };

export type AttnHeadViewProps = ElementProps<AttnHeadView> &
  AttnViewEventProps &
  Partial<
    Pick<AttnHeadView, 'data' | 'layer' | 'heads' | 'filter' | 'theme' | 'lineOpacity' | 'includeLayers'>
  > & {
    'line-opacity'?: AttnHeadView['lineOpacity'];
    'include-layers'?: string;
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'attn-head-view': AttnHeadViewProps;
    }
  }
}
