// Mounts the three views from the built bundle in a page served under a strict Content Security
// Policy, and reports to the parent frame every `securitypolicyviolation`, every view that shows
// an error, and token rows that overlap (what a refused `style` attribute does to them).
import '/dist/attnviz.min.js';

const violations = [];
document.addEventListener(
  'securitypolicyviolation',
  (e) => {
    const where = e.target instanceof Element ? e.target.localName : 'document';
    violations.push(
      `${e.violatedDirective} in ${where}: ${e.blockedURI || 'inline'} ${e.sample || ''}`.trim(),
    );
  },
  true,
);

const tokens = ['[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', '[SEP]'];
const L = 2;
const H = 3;
const D = 4;
// Deterministic vectors, and the attention they make: softmax(q·k / √d), so that the neuron
// view's checks pass.
const vec = (l, h, i, salt) =>
  Array.from({ length: D }, (_, d) => Math.sin(1 + l * 7 + h * 5 + i * 3 + d + salt));
const queries = [];
const keys = [];
const attention = [];
for (let l = 0; l < L; l++) {
  queries.push([]);
  keys.push([]);
  attention.push([]);
  for (let h = 0; h < H; h++) {
    const q = tokens.map((_, i) => vec(l, h, i, 0));
    const k = tokens.map((_, i) => vec(l, h, i, 0.5));
    queries[l].push(q);
    keys[l].push(k);
    attention[l].push(
      q.map((qi) => {
        const s = k.map((kj) => qi.reduce((acc, v, d) => acc + v * kj[d], 0) / Math.sqrt(D));
        const m = Math.max(...s);
        const e = s.map((v) => Math.exp(v - m));
        const z = e.reduce((a, b) => a + b, 0);
        return e.map((v) => v / z);
      }),
    );
  }
}
const data = { tokens, attention, queries, keys };

const head = document.createElement('attn-head-view');
const model = document.createElement('attn-model-view');
const neuron = document.createElement('attn-neuron-view');
for (const view of [head, model, neuron]) {
  view.data = data;
  document.body.append(view);
}
// Attention flow runs in the derivations' module worker, started from the bundle's own URL.
const flow = document.createElement('attn-head-view');
flow.setAttribute('aggregate', 'flow');
flow.data = data;
document.body.append(flow);
model.setAttribute('selected-layer', '1');
model.setAttribute('selected-head', '2');

async function report() {
  await Promise.all([head, model, neuron, flow].map((v) => v.drawComplete ?? v.updateComplete));
  const detail = model.shadowRoot.querySelector('attn-head-view');
  if (detail) await (detail.drawComplete ?? detail.updateComplete);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const views = { head, model, neuron, detail, flow };
  const errors = [];
  const overlaps = [];
  const rowCounts = {};
  for (const [name, view] of Object.entries(views)) {
    if (!view) {
      errors.push(`${name}: missing`);
      continue;
    }
    const error = view.shadowRoot.querySelector('[part~="error"]');
    if (error) errors.push(`${name}: ${error.textContent.trim()}`);
    const rows = [...view.shadowRoot.querySelectorAll('[role="option"]')].map((el) => {
      const box = el.getBoundingClientRect();
      return { column: el.parentElement, top: box.top, bottom: box.bottom, text: el.textContent.trim() };
    });
    rowCounts[name] = rows.length;
    for (const a of rows) {
      for (const b of rows) {
        if (
          a !== b &&
          a.column === b.column &&
          a.top < b.bottom - 1 &&
          b.top < a.bottom - 1 &&
          a.top <= b.top
        ) {
          overlaps.push(`${name}: "${a.text}" overlaps "${b.text}"`);
        }
      }
    }
  }
  const flowLayers = [...flow.shadowRoot.querySelectorAll('[part="layer-select"] option')].map((o) =>
    o.textContent.trim(),
  );
  const workers = [
    ...new Set(
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((path) => path.endsWith('-worker.js')),
    ),
  ];
  parent.postMessage(
    { violations, errors, overlaps: [...new Set(overlaps)], rowCounts, flowLayers, workers },
    '*',
  );
}
report().catch((e) =>
  parent.postMessage({ violations, errors: [String(e)], overlaps: [], rowCounts: {} }, '*'),
);
