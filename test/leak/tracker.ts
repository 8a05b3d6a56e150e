/**
 * Counts what a page leaves running: animation frames, timers and idle callbacks not yet run or
 * cancelled, listeners on window, document and media queries not removed, resize observers not
 * disconnected, and workers not terminated. It wraps the browser's functions between `start()`
 * and `stop()`; `open()` lists what is outstanding by kind (an empty object when nothing is).
 */
type Kind = 'frame' | 'timeout' | 'idle' | 'listener' | 'observer' | 'worker';

export class ResourceTracker {
  private readonly outstanding = new Map<string, Kind>();
  private restore: (() => void)[] = [];
  private next = 0;

  start(): void {
    // The wrappers below are plain functions (they need the browser's `this`), so they reach
    // the tracker through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const w = window as unknown as Record<string, unknown>;
    const patch = <T extends object>(
      target: T,
      name: keyof T & string,
      wrap: (original: never) => unknown,
    ) => {
      const original = target[name];
      (target as Record<string, unknown>)[name] = wrap(original as never);
      this.restore.push(() => ((target as Record<string, unknown>)[name] = original));
    };

    // Animation frames: open from request until run or cancelled.
    patch(w, 'requestAnimationFrame', (raf: typeof requestAnimationFrame) => (cb: FrameRequestCallback) => {
      const id = raf((t) => {
        self.outstanding.delete(`frame:${id}`);
        cb(t);
      });
      self.outstanding.set(`frame:${id}`, 'frame');
      return id;
    });
    patch(w, 'cancelAnimationFrame', (caf: typeof cancelAnimationFrame) => (id: number) => {
      self.outstanding.delete(`frame:${id}`);
      caf(id);
    });
    // Timers (one-shot): open until run or cleared.
    patch(w, 'setTimeout', (st: typeof setTimeout) => (cb: () => void, ms?: number, ...args: unknown[]) => {
      const id: number = st(
        () => {
          self.outstanding.delete(`timeout:${id}`);
          cb();
        },
        ms,
        ...args,
      ) as unknown as number;
      self.outstanding.set(`timeout:${id}`, 'timeout');
      return id;
    });
    patch(w, 'clearTimeout', (ct: typeof clearTimeout) => (id: number) => {
      self.outstanding.delete(`timeout:${id}`);
      ct(id);
    });
    if (typeof w['requestIdleCallback'] === 'function') {
      patch(
        w,
        'requestIdleCallback',
        (ric: typeof requestIdleCallback) => (cb: IdleRequestCallback, o?: IdleRequestOptions) => {
          const id = ric((d) => {
            self.outstanding.delete(`idle:${id}`);
            cb(d);
          }, o);
          self.outstanding.set(`idle:${id}`, 'idle');
          return id;
        },
      );
      patch(w, 'cancelIdleCallback', (cic: typeof cancelIdleCallback) => (id: number) => {
        self.outstanding.delete(`idle:${id}`);
        cic(id);
      });
    }
    // Listeners on window, document and every media query list.
    const listenerKey = (target: object, type: string, fn: unknown, capture: boolean) =>
      `listener:${targetId(target)}:${type}:${fnId(fn)}:${capture}`;
    const ids = new WeakMap<object, number>();
    const targetId = (t: object) => {
      if (!ids.has(t)) ids.set(t, ++self.next);
      return ids.get(t)!;
    };
    const fnId = (f: unknown) => ((typeof f === 'object' || typeof f === 'function') && f ? targetId(f) : 0);
    const captureOf = (o: unknown) =>
      typeof o === 'boolean' ? o : !!(o as AddEventListenerOptions | undefined)?.capture;
    for (const proto of [Window.prototype, Document.prototype, MediaQueryList.prototype]) {
      const p = proto as unknown as EventTarget;
      patch(
        p,
        'addEventListener',
        (add: EventTarget['addEventListener']) =>
          function (
            this: EventTarget,
            type: string,
            fn: EventListenerOrEventListenerObject | null,
            o?: boolean | AddEventListenerOptions,
          ) {
            if (fn) self.outstanding.set(listenerKey(this, type, fn, captureOf(o)), 'listener');
            return add.call(this, type, fn, o);
          },
      );
      patch(
        p,
        'removeEventListener',
        (remove: EventTarget['removeEventListener']) =>
          function (
            this: EventTarget,
            type: string,
            fn: EventListenerOrEventListenerObject | null,
            o?: boolean | EventListenerOptions,
          ) {
            if (fn) self.outstanding.delete(listenerKey(this, type, fn, captureOf(o)));
            return remove.call(this, type, fn, o);
          },
      );
    }
    // Resize observers: open from the first observe until disconnect (or the last unobserve).
    const observed = new WeakMap<ResizeObserver, Set<Element>>();
    patch(
      ResizeObserver.prototype,
      'observe',
      (observe: ResizeObserver['observe']) =>
        function (this: ResizeObserver, el: Element, o?: ResizeObserverOptions) {
          const set = observed.get(this) ?? new Set();
          set.add(el);
          observed.set(this, set);
          self.outstanding.set(`observer:${targetId(this)}`, 'observer');
          return observe.call(this, el, o);
        },
    );
    patch(
      ResizeObserver.prototype,
      'unobserve',
      (unobserve: ResizeObserver['unobserve']) =>
        function (this: ResizeObserver, el: Element) {
          const set = observed.get(this);
          set?.delete(el);
          if (!set?.size) self.outstanding.delete(`observer:${targetId(this)}`);
          return unobserve.call(this, el);
        },
    );
    patch(
      ResizeObserver.prototype,
      'disconnect',
      (disconnect: ResizeObserver['disconnect']) =>
        function (this: ResizeObserver) {
          observed.delete(this);
          self.outstanding.delete(`observer:${targetId(this)}`);
          return disconnect.call(this);
        },
    );
    // Workers: open until terminated.
    const OriginalWorker = window.Worker;
    const TrackedWorker = class extends OriginalWorker {
      constructor(url: string | URL, o?: WorkerOptions) {
        super(url, o);
        self.outstanding.set(`worker:${targetId(this)}`, 'worker');
      }
      override terminate(): void {
        self.outstanding.delete(`worker:${targetId(this)}`);
        super.terminate();
      }
    };
    w['Worker'] = TrackedWorker;
    this.restore.push(() => (w['Worker'] = OriginalWorker));
  }

  /** Puts the browser's functions back. */
  stop(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }

  /** What is still open, counted by kind. */
  open(): Partial<Record<Kind, number>> {
    const counts: Partial<Record<Kind, number>> = {};
    for (const kind of this.outstanding.values()) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  }
}
