/**
 * Pages in an iframe, for the tests of the README's snippets and of the examples: open one, wait
 * until its attn-* views have computed and drawn, and say what is wrong with each. A page under
 * test records its own errors into `window.snippetErrors` (PAGE_RECORDER in
 * test/readme/readme-plugin.mjs, put first in its <head> by the test server).
 */

export type View = HTMLElement & { updateComplete?: Promise<unknown>; drawComplete?: Promise<unknown> };

export type RecordingWindow = Window & typeof globalThis & { snippetErrors?: string[] };

/** Resolves with `promise`, or rejects naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms)),
  ]);
}

/** Resolves when `test` holds, polling every 100 ms; rejects naming `what` after `ms`. */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `n` animation frames of `win`. */
export function frames(win: Window, n: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const step = (left: number) => (left ? win.requestAnimationFrame(() => step(left - 1)) : resolve());
    step(n);
  });
}

/** Opens `url` in an iframe of the test page and resolves once it has loaded. */
export async function openFrame(url: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.width = '1100px';
  frame.style.height = '900px';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = url;
  document.body.append(frame);
  await within(loaded, 30_000, `${url} did not load`);
  // Frameworks render after the module ran (React schedules its first render).
  await frames(frame.contentWindow!, 3);
  return frame;
}

/** The attn-* elements of a document (not those inside the views' own shadow roots). */
export function viewsOf(doc: Document): View[] {
  return [...doc.querySelectorAll<View>('*')].filter((el) => el.localName.startsWith('attn-'));
}

/** Waits until a view is defined, has computed from its model if it has one, and has drawn. */
export async function settle(win: Window, view: View): Promise<void> {
  const tag = view.localName;
  await within(win.customElements.whenDefined(tag), 10_000, `<${tag}> was never defined`);
  await view.updateComplete;
  // A view computing from a model shows its progress until the attention arrives.
  await until(() => !view.shadowRoot?.querySelector('[part="loading"]'), 90_000, `<${tag}> still loading`);
  await view.updateComplete;
  await within(view.drawComplete ?? Promise.resolve(), 20_000, `<${tag}> never finished drawing`);
}

const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

/** What is wrong with a view that has settled: an error box, a warning, no data, or nothing drawn. */
export function problemOf(view: View): string | null {
  const root = view.shadowRoot;
  if (!root) return 'no shadow root';
  const error = root.querySelector('[part="error"]');
  if (error) return `error box: ${text(error)}`;
  const warning = root.querySelector('[part="warning"]');
  if (warning) return `warning: ${text(warning)}`;
  // "No attention data" (no data was set), or the neuron view's "no vectors".
  const empty = root.querySelector('[part="empty"]');
  if (empty) return `nothing to show: ${text(empty)}`;
  return root.childElementCount === 0 ? 'rendered nothing' : null;
}
