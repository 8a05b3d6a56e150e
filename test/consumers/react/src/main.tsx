// A React 19 app as the README shows it: the views with their typings, React state that follows
// their events, and the adapter computing the demo GPT's attention from files the app serves.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as transformers from '@huggingface/transformers';
import { useTransformers } from 'attnviz/transformers';
import 'attnviz/head-view';
import 'attnviz/model-view';
import type {} from 'attnviz/react';
import { data } from '../../data';

useTransformers(transformers);

function App() {
  const [heads, setHeads] = useState<readonly number[]>([0, 1]);
  const [layer, setLayer] = useState(0);
  const [loaded, setLoaded] = useState<string | null>(null);
  return (
    <>
      <attn-head-view
        id="explicit"
        data={data}
        layer={layer}
        heads={heads}
        onattn-heads-change={(e) => setHeads(e.detail.heads)}
        onattn-layer-change={(e) => setLayer(e.detail.layer)}
      />
      <p id="heads">Heads shown: {heads.join(', ')}</p>
      <attn-model-view
        id="computed"
        model="/models/attnviz-demo-gpt"
        text="Call me Ishmael."
        onattn-load={(e) => {
          document.body.dataset.firstAttention = String(Math.round(performance.now()));
          setLoaded(e.detail.model);
        }}
      />
      <p id="loaded">{loaded ? `Computed: ${loaded}` : 'Computing…'}</p>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
