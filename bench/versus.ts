/**
 * attnviz against bertviz's own head and model views (bench/bertviz/), in the same page setup on
 * the same seeded data in bertviz's JSON format. bench/versus.mjs opens a fresh page per run,
 * loads d3 5 and jQuery from npm into it and calls one of these functions with the view's source.
 *
 * Each run first renders a small input with other data, untimed, in the same page (JIT and
 * caches warm, as for a user's second view in a notebook), removes it, then times one render and
 * one interaction. "Painted" is two animation frames after the work: the first frame's callbacks
 * run before that frame's style, layout and paint; the second's after them.
 */
import type { AttnHeadView } from '../src/components/head-view/head-view.js';
import type { AttnModelView } from '../src/components/model-view/model-view.js';
import type { BertvizViewParams } from '../src/core/parse/index.js';
import { syntheticAttention } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';

export type Side = 'bertviz' | 'attnviz';

export interface VersusOptions {
  readonly side: Side;
  readonly tokens: number;
  readonly layers: number;
  readonly heads: number;
  /** bertviz's view script (head_view.js or model_view.js), for side `bertviz`. */
  readonly source?: string;
  /** Tokens of the untimed warm-up render; 0 for none (a page's first render: code not yet compiled). */
  readonly warmTokens: number;
}

export interface VersusFigures {
  /** Setting data / evaluating the script until every line or thumbnail is drawn and painted. */
  readonly renderMs: number;
  /** Head view: hovering a query token until painted. Model view: opening a head until painted. */
  readonly actionMs: number;
  /**
   * attnviz only: the least the browser takes to show the same result with no work of ours
   * (`floorHead`, `floorModel`), for the render and the hover or open.
   */
  readonly renderFloorMs?: number;
  readonly actionFloorMs?: number;
}

/** The parameters bertviz's Python side writes in place of PYTHON_PARAMS. */
type BertvizParams = BertvizViewParams & Record<string, unknown>;

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
const painted = async () => {
  await frame();
  await frame();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Milliseconds since `start`, also recorded as a user-timing measure so that traces show it. */
function since(start: number, name: string): number {
  const end = performance.now();
  performance.measure(name, { start, end });
  return end - start;
}
/** The query token hovered in the head view, and the cell opened in the model view. */
const HOVER_TOKEN = 3;
const OPEN_LAYER = 2;
const OPEN_HEAD = 3;
/** Idle time before the interaction, as a user's hover comes after the view has settled. */
const IDLE_MS = 1000;

/**
 * Seeded synthetic attention as bertviz's head_view/model_view write it: nested arrays
 * `[layer][head][query][key]` of plain numbers (the float32 values, as `tensor.tolist()` gives).
 */
export function bertvizParams(
  o: VersusOptions,
  tokens: number,
  seed: number,
  view: 'head' | 'model',
): BertvizParams {
  const text = longBertTokens(tokens);
  const input = syntheticAttention({ tokens: text, layers: o.layers, heads: o.heads, seed });
  const data = (input.attention as { data: Float32Array }).data;
  const n = text.length;
  const attn = Array.from({ length: o.layers }, (_, l) =>
    Array.from({ length: o.heads }, (_, h) =>
      Array.from({ length: n }, (_, q) => {
        const row = ((l * o.heads + h) * n + q) * n;
        return Array.from(data.subarray(row, row + n));
      }),
    ),
  );
  const layers = Array.from({ length: o.layers }, (_, l) => l);
  const common = {
    attention: [{ name: null, attn, left_text: text, right_text: text }],
    default_filter: '0',
    root_div_id: `bertviz-${seed}`,
    include_layers: layers,
  };
  return view === 'head'
    ? { ...common, layer: null, heads: null }
    : {
        ...common,
        display_mode: 'dark',
        include_heads: Array.from({ length: o.heads }, (_, h) => h),
        total_heads: o.heads,
      };
}

interface BertvizWindow {
  d3?: unknown;
  jQuery?: unknown;
  require?: { config(): void };
  requirejs?: (deps: string[], callback: (...modules: unknown[]) => void) => void;
  benchParams?: BertvizParams;
}

/** Runs bertviz's view script on `params` in a fresh root div, as its notebook output does. */
function runBertviz(source: string, params: BertvizParams): HTMLElement {
  const w = window as unknown as BertvizWindow;
  if (!w.d3 || !w.jQuery)
    throw new Error('bertviz needs window.d3 (d3 5) and window.jQuery: load them first');
  w.require = { config: () => undefined };
  w.requirejs = (_deps, callback) => callback(w.jQuery, w.d3);
  w.benchParams = params;
  const root = document.getElementById(params['root_div_id'] as string)!;
  const script = document.createElement('script');
  script.textContent = source.replace('PYTHON_PARAMS', 'window.benchParams');
  let failure: ErrorEvent | undefined;
  const onError = (e: ErrorEvent) => (failure = e);
  window.addEventListener('error', onError);
  document.body.append(script); // an inline script runs synchronously when inserted
  window.removeEventListener('error', onError);
  script.remove();
  if (failure) throw new Error(`bertviz's script failed: ${failure.message}`);
  return root;
}

function bertvizRoot(params: BertvizParams): HTMLElement {
  const root = document.createElement('div');
  root.id = params['root_div_id'] as string;
  root.innerHTML = '<span><select id="layer"></select></span><div id="vis"></div>';
  document.body.append(root);
  return root;
}

function hoverBertviz(root: HTMLElement): void {
  const text = root.querySelectorAll('#left text')[HOVER_TOKEN];
  if (!text) throw new Error(`bertviz head view: no left token ${HOVER_TOKEN}`);
  text.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
}

function clickBertvizThumbnail(root: HTMLElement): void {
  // The click region is the last rect of the thumbnail's group, after its background.
  const background = root.querySelector(`#attn_background_${OPEN_LAYER}_${OPEN_HEAD}`);
  const region = background?.parentElement?.lastElementChild;
  if (!region) throw new Error(`bertviz model view: no thumbnail ${OPEN_LAYER}/${OPEN_HEAD}`);
  region.dispatchEvent(new MouseEvent('click', { bubbles: true }));
}

function hoverAttnviz(el: AttnHeadView): void {
  const label = el.shadowRoot!.querySelector(`#query-${HOVER_TOKEN}`);
  if (!label) throw new Error(`attn-head-view: no query token ${HOVER_TOKEN}`);
  label.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
}

async function openAttnviz(el: AttnModelView): Promise<AttnHeadView> {
  const cell = el.shadowRoot!.querySelector<HTMLElement>(`#cell-${OPEN_LAYER}-${OPEN_HEAD}`);
  if (!cell) throw new Error(`attn-model-view: no cell ${OPEN_LAYER}/${OPEN_HEAD}`);
  cell.click();
  await el.updateComplete;
  const detail = el.shadowRoot!.querySelector<AttnHeadView>('.detail attn-head-view');
  if (!detail) throw new Error('attn-model-view: no detail view after opening a cell');
  await detail.updateComplete;
  await detail.drawComplete;
  return detail;
}

function newHeadView(): AttnHeadView {
  const el = document.createElement('attn-head-view') as AttnHeadView;
  el.style.width = '900px';
  el.theme = 'light';
  return el;
}

function newModelView(): AttnModelView {
  const el = document.createElement('attn-model-view') as AttnModelView;
  el.style.width = '1000px';
  el.theme = 'dark';
  return el;
}

/** One render and one hover of a head view (12 layers of data; the first layer shown). */
export async function versusHead(o: VersusOptions): Promise<VersusFigures> {
  document.body.innerHTML = '';
  const params = bertvizParams(o, o.tokens, 11, 'head');
  let t = 0;
  if (o.side === 'bertviz') {
    const source = o.source!;
    if (o.warmTokens > 0) {
      const warm = bertvizParams(o, o.warmTokens, 2, 'head');
      const warmRoot = bertvizRoot(warm);
      runBertviz(source, warm);
      hoverBertviz(warmRoot);
      await painted();
      warmRoot.remove();
    }
    const root = bertvizRoot(params);
    await painted();
    t = performance.now();
    runBertviz(source, params);
    await painted();
    const renderMs = since(t, `${o.side} head render`);
    await sleep(IDLE_MS);
    t = performance.now();
    hoverBertviz(root);
    await painted();
    return { renderMs, actionMs: since(t, `${o.side} head hover`) };
  }
  if (o.warmTokens > 0) {
    const warmEl = newHeadView();
    warmEl.data = bertvizParams(o, o.warmTokens, 2, 'head');
    document.body.append(warmEl);
    await warmEl.drawComplete;
    await sleep(100);
    hoverAttnviz(warmEl);
    await warmEl.updateComplete;
    await painted();
    warmEl.remove();
  }
  const el = newHeadView();
  await painted();
  t = performance.now();
  el.data = params;
  document.body.append(el);
  await el.drawComplete;
  await painted();
  const renderMs = since(t, `${o.side} head render`);
  await sleep(IDLE_MS);
  t = performance.now();
  hoverAttnviz(el);
  await el.updateComplete;
  await painted();
  const actionMs = since(t, `${o.side} head hover`);
  return { renderMs, actionMs, ...(await floorHead(el)) };
}

/**
 * A model view's shadow DOM as HTML with its parked detail panel (the head view in it made a
 * plain element, so that a copy does not render itself as a view would), its style sheets, its
 * grid's picture as a bitmap and the parked head view as `finished` gives it.
 */
interface FinishedGrid {
  readonly template: HTMLTemplateElement;
  readonly sheets: CSSStyleSheet[];
  readonly picture: ImageBitmap;
  readonly size: readonly [number, number];
  readonly parked: Finished | undefined;
}

async function finishedModel(el: AttnModelView): Promise<FinishedGrid> {
  const root = el.shadowRoot!;
  const canvas = root.querySelector('canvas')!;
  const template = document.createElement('template');
  template.innerHTML = root.innerHTML.replaceAll('attn-head-view', 'div');
  const parked = root.querySelector<AttnHeadView>('.detail attn-head-view');
  const picture = await createImageBitmap(canvas);
  return {
    template,
    sheets: root.adoptedStyleSheets,
    picture,
    size: [canvas.width, canvas.height],
    parked: parked ? finished(parked) : undefined,
  };
}

/**
 * A copy of a model view's finished grid (`FinishedGrid`) in a new element, not yet on the page,
 * showing `bitmap`; with `parked`, its parked panel too, else none.
 */
function gridCopy(
  grid: FinishedGrid,
  bitmap: ImageBitmap,
  parked: boolean,
): { host: HTMLElement; shadow: ShadowRoot } {
  const host = document.createElement('div');
  host.style.width = '1000px';
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = grid.sheets;
  shadow.append(document.importNode(grid.template.content, true));
  const canvas = shadow.querySelector('canvas')!;
  [canvas.width, canvas.height] = grid.size;
  canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(bitmap);
  const view = shadow.querySelector('.detail-view > div');
  if (!parked || !grid.parked || !view) {
    shadow.querySelector('.detail')?.remove();
    return { host, shadow };
  }
  headCopy(view, grid.parked);
  return { host, shadow };
}

/**
 * The model view's floors, as `floorHead`'s, measured in the same page after attnviz's figures
 * (`el` open on `detail`; closing it parks the head view as before the open):
 * - render: the finished grid (shadow DOM and picture) copied in, until painted;
 * - open: in a copy of the view with its parked panel, the panel unparked, given its heading and
 *   the opened head's picture, and scrolled into view, until painted. The rest of what opening
 *   changes in the head view (its layer menu, head buttons, readout) is left as it was parked.
 */
async function floorModel(
  el: AttnModelView,
  detail: AttnHeadView,
): Promise<Required<Pick<VersusFigures, 'renderFloorMs' | 'actionFloorMs'>>> {
  // Read only now: reading a canvas back may move it off the GPU, which would slow the figures.
  const header = document.createElement('template');
  header.innerHTML = el.shadowRoot!.querySelector('.detail-header')!.outerHTML;
  const opened = finished(detail).picture;
  // Closing parks the head view again: the view as it was before opening, but for that head.
  el.close();
  await el.updateComplete;
  await painted();
  const closed = await finishedModel(el);
  // Handing a bitmap to a canvas detaches it: one for each copy of the grid.
  const bitmap = await createImageBitmap(closed.picture);
  el.remove();
  window.scrollTo(0, 0);
  await painted();
  await sleep(IDLE_MS);
  let t = performance.now();
  let copy = gridCopy(closed, closed.picture, false);
  document.body.append(copy.host);
  await painted();
  const renderFloorMs = since(t, 'floor model render');
  copy.host.remove();
  copy = gridCopy(closed, bitmap, true);
  document.body.append(copy.host);
  await painted();
  await sleep(IDLE_MS);
  const section = copy.shadow.querySelector<HTMLElement>('.detail.parked');
  if (!section) throw new Error('bench: attn-model-view had no parked head view before the open');
  const canvas = section.querySelector('.detail-view > div')!.shadowRoot!.querySelector('canvas')!;
  t = performance.now();
  section.classList.remove('parked');
  section.removeAttribute('inert');
  section.removeAttribute('aria-hidden');
  section.prepend(document.importNode(header.content, true));
  canvas.width = opened.width;
  canvas.height = opened.height;
  canvas.getContext('2d')!.putImageData(opened, 0, 0);
  section.scrollIntoView({ block: 'nearest' });
  await painted();
  const actionFloorMs = since(t, 'floor model open');
  copy.host.remove();
  window.scrollTo(0, 0);
  return { renderFloorMs, actionFloorMs };
}

/** A head view's shadow DOM (parsed into a template), its style sheets and its canvas's pixels. */
interface Finished {
  readonly template: HTMLTemplateElement;
  readonly sheets: CSSStyleSheet[];
  readonly picture: ImageData;
}

function finished(el: AttnHeadView): Finished {
  const root = el.shadowRoot!;
  const canvas = root.querySelector('canvas')!;
  const picture = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const template = document.createElement('template');
  template.innerHTML = root.innerHTML;
  return { template, sheets: root.adoptedStyleSheets, picture };
}

/** A copy of a finished head view in `host`'s new shadow root: its DOM, style sheets and picture. */
function headCopy(host: Element, view: Finished): void {
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = view.sheets;
  shadow.append(document.importNode(view.template.content, true));
  const canvas = shadow.querySelector('canvas')!;
  canvas.width = view.picture.width;
  canvas.height = view.picture.height;
  canvas.getContext('2d')!.putImageData(view.picture, 0, 0);
}

/**
 * The least time any implementation of this view takes on this machine, measured in the same
 * page after attnviz's figures, with `el` hovered (its picture at rest is read after leaving):
 * - render: the finished shadow DOM cloned from a template (parsed beforehand), its style sheets
 *   adopted, the finished picture put on its canvas, until painted; no data read, no line drawn;
 * - hover: the hovered picture put on the canvas and the token marked hovered, until painted
 *   (bertviz's hover changes only these too); nothing computed.
 * A ratio above bertviz ÷ these floors cannot be reached here, whatever the code.
 */
async function floorHead(
  el: AttnHeadView,
): Promise<Required<Pick<VersusFigures, 'renderFloorMs' | 'actionFloorMs'>>> {
  // Read only now: reading a canvas back may move it off the GPU, which would slow the figures.
  const hovered = finished(el);
  el.shadowRoot!.querySelector(`#query-${HOVER_TOKEN}`)!.dispatchEvent(
    new PointerEvent('pointerout', { bubbles: true, composed: true }),
  );
  await el.updateComplete;
  await painted();
  const rest = finished(el);
  await sleep(IDLE_MS);
  const root = el.shadowRoot!;
  const canvas = root.querySelector('canvas')!;
  const label = root.querySelector(`#query-${HOVER_TOKEN}`)!;
  let t = performance.now();
  canvas.getContext('2d')!.putImageData(hovered.picture, 0, 0);
  label.classList.add('hovered');
  await painted();
  const actionFloorMs = since(t, 'floor head hover');
  el.remove();
  await painted();
  await sleep(IDLE_MS);
  t = performance.now();
  const host = document.createElement('div');
  host.style.width = '900px';
  headCopy(host, rest);
  document.body.append(host);
  await painted();
  const renderFloorMs = since(t, 'floor head render');
  host.remove();
  return { renderFloorMs, actionFloorMs };
}

/** One render of the grid of 12 × 12 thumbnails and one opening of a head's detail view. */
export async function versusModel(o: VersusOptions): Promise<VersusFigures> {
  document.body.innerHTML = '';
  const warm = bertvizParams(o, o.warmTokens, 2, 'model');
  const params = bertvizParams(o, o.tokens, 11, 'model');
  let t = 0;
  if (o.side === 'bertviz') {
    const source = o.source!;
    const warmRoot = bertvizRoot(warm);
    runBertviz(source, warm);
    clickBertvizThumbnail(warmRoot);
    await painted();
    warmRoot.remove();
    const root = bertvizRoot(params);
    await painted();
    t = performance.now();
    runBertviz(source, params);
    await painted();
    const renderMs = since(t, `${o.side} model render`);
    await sleep(IDLE_MS);
    t = performance.now();
    clickBertvizThumbnail(root);
    await painted();
    return { renderMs, actionMs: since(t, `${o.side} model open`) };
  }
  const warmEl = newModelView();
  warmEl.data = warm;
  document.body.append(warmEl);
  await warmEl.drawComplete;
  await openAttnviz(warmEl);
  await painted();
  warmEl.remove();
  const el = newModelView();
  await painted();
  t = performance.now();
  el.data = params;
  document.body.append(el);
  await el.drawComplete;
  await painted();
  const renderMs = since(t, `${o.side} model render`);
  await sleep(IDLE_MS);
  t = performance.now();
  const detail = await openAttnviz(el);
  await painted();
  const actionMs = since(t, `${o.side} model open`);
  return { renderMs, actionMs, ...(await floorModel(el, detail)) };
}
