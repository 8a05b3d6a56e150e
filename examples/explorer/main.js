// The explorer page's script: a module, run after dist/attnviz.min.js has registered the elements.
import { data, model, previousTokenHead, text } from '../data/demo.js';

const explorer = document.getElementById('explorer');
const status = document.getElementById('status');
const STATE = ['layer', 'head', 'token', 'aggregate'];

document.getElementById('about').append(` ${model} on “${text}”.`);

// The address's query (?layer=1&head=2&aggregate=flow) is the explorer's state, else the
// previous-token head the data names.
const query = new URLSearchParams(location.search);
explorer.setAttribute('layer', query.get('layer') ?? String(previousTokenHead.layer));
explorer.setAttribute('head', query.get('head') ?? String(previousTokenHead.head));
for (const name of ['token', 'aggregate']) if (query.has(name)) explorer.setAttribute(name, query.get(name));
explorer.data = data;

/** Writes the explorer's state into the address (no reload) and says it. */
function remember() {
  const next = new URLSearchParams();
  for (const name of STATE) {
    const value = explorer.getAttribute(name);
    if (value !== null && !(name === 'aggregate' && value === 'none')) next.set(name, value);
  }
  history.replaceState(null, '', `?${next}`);
  const aggregate = explorer.getAttribute('aggregate') ?? 'none';
  status.textContent = `Showing layer ${explorer.getAttribute('layer')}, head ${explorer.getAttribute('head')} (heads: ${aggregate})`;
}
remember();
// The views' own events bubble out of the explorer; its attributes follow them.
for (const type of ['attn-head-select', 'attn-token-focus', 'attn-aggregate-change', 'attn-layer-change']) {
  explorer.addEventListener(type, () => explorer.updateComplete.then(remember));
}
