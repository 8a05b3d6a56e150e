// Renders one attnviz output: reads its JSON spec, decodes the base64 tensors, creates the view
// and follows the notebook's theme. A classic script run once per output, after the bundle;
// `ID` is replaced by the output's element id. Notebook front ends run an output's scripts in
// order (JupyterLab, classic Notebook, VS Code, Colab), and a saved file runs them as a page does.
/* global ID -- replaced by the output's element id (attnviz/_html.py) */
(function (id) {
  'use strict';
  // The output's own element is just before this script. Front ends that run a copy of the
  // script elsewhere (VS Code appends it to the output's element) leave the id to find it: the
  // first output with that id not rendered yet, nearest first, since an output shown twice in a
  // page (a returned view displayed by two cells) has its id twice.
  var script = document.currentScript;
  var before = script && script.previousElementSibling;
  var root = before && before.classList.contains('attnviz-output') ? before : null;
  [script && script.parentNode, document].forEach(function (scope) {
    if (root || !scope || !scope.querySelectorAll) return;
    root =
      Array.prototype.filter.call(scope.querySelectorAll('[id="' + id + '"]'), function (el) {
        return !el.hasAttribute('data-rendered');
      })[0] || null;
  });
  if (!root || root.hasAttribute('data-rendered')) return;
  root.setAttribute('data-rendered', '');
  // Shown where scripts do not run (an untrusted notebook, a static preview): the view replaces it.
  var pending = root.querySelector('.attnviz-pending');
  if (pending) pending.remove();
  var spec = JSON.parse(root.querySelector('script.attnviz-spec').textContent);

  // {dims, b64, type} → a tensor the element reads: Float32Array, or float16 bits as Uint16Array.
  function decode(value) {
    if (Array.isArray(value)) return value.map(decode);
    if (value === null || typeof value !== 'object') return value;
    if (typeof value.b64 === 'string' && Array.isArray(value.dims)) {
      var text = atob(value.b64);
      var bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      // Python sent little-endian values, which is every browser's byte order.
      return value.type === 'float16'
        ? { dims: value.dims, data: new Uint16Array(bytes.buffer), type: 'float16' }
        : { dims: value.dims, data: new Float32Array(bytes.buffer) };
    }
    var out = {};
    Object.keys(value).forEach(function (k) {
      out[k] = decode(value[k]);
    });
    return out;
  }

  function luminance(color) {
    var m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(color || '');
    if (!m || (m[4] !== undefined && +m[4] < 0.5)) return null;
    return (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
  }

  // The notebook's theme: JupyterLab and VS Code say it on <body>; elsewhere (Colab, classic
  // Notebook, a saved file) the first opaque background behind the output, else the system's.
  function notebookTheme() {
    var body = document.body;
    var lab = body.getAttribute('data-jp-theme-light');
    if (lab === 'true') return 'light';
    if (lab === 'false') return 'dark';
    if (body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast'))
      return 'dark';
    if (body.classList.contains('vscode-light')) return 'light';
    for (var node = root.parentElement; node; node = node.parentElement) {
      var l = luminance(getComputedStyle(node).backgroundColor);
      if (l !== null) return l < 0.5 ? 'dark' : 'light';
    }
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  var data = decode(spec.data);
  // One element: a view, or <attn-explorer> (the grid, head and neuron views linked).
  var tag = spec.view === 'explorer' ? 'attn-explorer' : 'attn-' + spec.view + '-view';
  var view = document.createElement(tag);
  Object.keys(spec.attributes).forEach(function (name) {
    view.setAttribute(name, spec.attributes[name]);
  });
  // Width follows the cell; the views redraw on resize themselves.
  view.style.display = 'block';
  view.style.width = '100%';
  if (!spec.attributes.theme) {
    var media = matchMedia('(prefers-color-scheme: dark)');
    var observer = new MutationObserver(function () {
      apply();
    });
    var apply = function () {
      // A cleared or re-run cell drops its output: stop listening for it.
      if (root.hasAttribute('data-connected') && !root.isConnected) {
        observer.disconnect();
        media.removeEventListener('change', apply);
        return;
      }
      var theme = notebookTheme();
      if (view.getAttribute('theme') !== theme) view.setAttribute('theme', theme);
    };
    apply();
    // JupyterLab and VS Code switch themes without reloading outputs.
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-jp-theme-light'] });
    media.addEventListener('change', apply);
  }
  if (!customElements.get(tag)) {
    root.textContent = 'attnviz: <' + tag + '> could not be defined in this page (see the console).';
    return;
  }
  view.data = data;
  root.appendChild(view);
  root.setAttribute('data-connected', '');
})(ID);
