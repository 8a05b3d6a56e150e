// The plain page's script: a module, run after dist/attnviz.min.js has registered the elements.
import { data, model, previousTokenHead, text } from '../data/demo.js';

const grid = document.getElementById('grid');
const head = document.getElementById('head');
const neuron = document.getElementById('neuron');
const status = document.getElementById('status');

// Every view takes the same data: tokens, attention, and (for the neuron view) queries and keys.
for (const view of [grid, head, neuron]) view.data = data;

/** Shows one head in the head view and the neuron view, for the text's last token. */
function show(layer, h) {
  head.layer = layer;
  head.heads = [h];
  neuron.layer = layer;
  neuron.head = h;
  neuron.token = data.tokens.length - 1;
  status.textContent = `Showing layer ${layer}, head ${h}`;
}

document
  .getElementById('about')
  .append(
    ` ${model} on “${text}”; it opens on layer ${previousTokenHead.layer}, head ${previousTokenHead.head},`,
    ` which gives ${previousTokenHead.value} of its attention to the previous token over held-out text.`,
  );
grid.selectedLayer = previousTokenHead.layer;
grid.selectedHead = previousTokenHead.head;
show(previousTokenHead.layer, previousTokenHead.head);

grid.addEventListener('attn-head-select', (e) => {
  if (e.detail.layer === null) return; // the open cell was closed: keep showing it
  show(e.detail.layer, e.detail.head);
});
