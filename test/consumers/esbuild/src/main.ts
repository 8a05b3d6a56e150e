// A page bundled by esbuild with no framework: the elements typed through HTMLElementTagNameMap
// and HTMLElementEventMap, and the adapter computing the demo GPT's attention from files the
// page's server has.
import * as transformers from '@huggingface/transformers';
import { useTransformers } from 'attnviz/transformers';
import 'attnviz/define';
import { data } from '../../data';

useTransformers(transformers);

const view = document.querySelector('attn-head-view')!;
view.data = data;
view.addEventListener('attn-heads-change', (e) => {
  const heads: readonly number[] = e.detail.heads;
  document.getElementById('heads')!.textContent = `Heads shown: ${heads.join(', ')}`;
});

const computed = document.querySelector('attn-model-view')!;
computed.addEventListener('attn-load', (e) => {
  document.body.dataset.firstAttention = String(Math.round(performance.now()));
  document.getElementById('loaded')!.textContent = `Computed: ${e.detail.model}`;
});
