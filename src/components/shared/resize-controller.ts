import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Tracks an element's content-box size and asks the host to update when it changes. Observes the
 * host unless `target` returns another element (re-read after each update). `affects` says whether
 * a new size changes what the host shows (default: any change of width or height): a view that
 * uses one dimension, or already drew for the size it turns out to have, is not updated for
 * nothing (each update costs a render and a frame).
 */
export class ResizeController implements ReactiveController {
  width = 0;
  height = 0;
  private readonly observer: ResizeObserver;
  private observed: Element | undefined;
  private frame = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly target: () => Element | null | undefined = () => host,
    affects: (width: number, height: number) => boolean = (w, h) => w !== this.width || h !== this.height,
  ) {
    host.addController(this);
    this.observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      const update = affects(box.width, box.height);
      this.width = box.width;
      this.height = box.height;
      if (update) {
        // Update in the next frame: re-rendering inside the observer's callback can resize
        // what it observes and trip the browser's "ResizeObserver loop" error.
        cancelAnimationFrame(this.frame);
        this.frame = requestAnimationFrame(() => this.host.requestUpdate());
      }
    });
  }

  hostConnected(): void {
    this.observe();
  }

  hostUpdated(): void {
    this.observe();
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.frame);
    this.observer.disconnect();
    this.observed = undefined;
  }

  private observe(): void {
    // An update can still run after the element left the page (it was already queued, or a
    // cancelled load asks for one): observing then would keep an observer alive for nothing.
    if (!this.host.isConnected) return;
    const el = this.target();
    if (!el || el === this.observed) return;
    if (this.observed) this.observer.unobserve(this.observed);
    this.observed = el;
    this.observer.observe(el);
    // The host is measured at once (before its first render its layout is cheap); an inner
    // element is measured by the observer's first callback, as reading it now would force a
    // layout of everything just rendered.
    if (el === this.host) {
      this.width = el.clientWidth;
      this.height = el.clientHeight;
    }
  }
}
