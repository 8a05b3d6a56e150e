/**
 * attnviz in React 19: React passes properties (`data`, `heads`) and `onattn-*` listeners to
 * custom elements itself; `attnviz/react` types them in JSX. The page's state (the head shown)
 * follows the model view's `attn-head-select` event and drives the head view.
 */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'attnviz/model-view'; // registers <attn-model-view> and the <attn-head-view> it uses
import type {} from 'attnviz/react';
import { data, model, previousTokenHead, text } from '../data/demo.js';

interface Shown {
  layer: number;
  head: number;
}

function App() {
  const [shown, setShown] = useState<Shown>({ layer: previousTokenHead.layer, head: previousTokenHead.head });
  return (
    <>
      <h1>attnviz in React 19</h1>
      <p>
        {model} on “{text}”. Click a cell of the model view: the head view shows that head. It opens on layer{' '}
        {previousTokenHead.layer}, head {previousTokenHead.head}, which gives {previousTokenHead.value} of its
        attention to the previous token over held-out text.
      </p>
      <p role="status">
        Showing layer {shown.layer}, head {shown.head}
      </p>
      <div className="views">
        <attn-model-view
          data={data}
          theme="light"
          summary="previous"
          highlightAbove={0.4}
          noDetail
          selectedLayer={shown.layer}
          selectedHead={shown.head}
          onattn-head-select={(e) => {
            const { layer, head } = e.detail;
            // null: the open cell was closed; keep showing it.
            if (layer !== null && head !== null) setShown({ layer, head });
          }}
        />
        <attn-head-view data={data} theme="light" layer={shown.layer} heads={[shown.head]} />
      </div>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
