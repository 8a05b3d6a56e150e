import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Work a view does in later frames (drawing in slices, idle warm-ups), owned by the element:
 * one pending animation frame at a time, idle callbacks, and both dropped when the element is
 * disconnected or `cancel()` is called (e.g. when the data they were started for changes). A
 * callback therefore never runs for data, a filter or an element that is no longer current.
 */
export class FrameController implements ReactiveController {
  private frame = 0;
  private generation = 0;
  private idles = new Set<number>();
  private timers = new Set<number>();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** Runs `fn` in the next animation frame, replacing a frame already asked for. */
  request(fn: () => void): void {
    cancelAnimationFrame(this.frame);
    const generation = this.generation;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (generation === this.generation) fn();
    });
  }

  /** True while a frame is asked for. */
  get pending(): boolean {
    return this.frame !== 0;
  }

  /**
   * Runs `fn` when the browser is idle (or soon, where it has no idle callbacks), not before
   * `delay` ms: an idle callback right after a frame would run before the next one and delay it.
   */
  idle(fn: () => void, delay = 0): void {
    const generation = this.generation;
    const run = (): void => {
      this.idles.delete(id);
      if (generation === this.generation) fn();
    };
    let id = 0;
    const ask = (): void => {
      id = window.requestIdleCallback
        ? window.requestIdleCallback(run, { timeout: 1000 })
        : window.setTimeout(run, 50);
      this.idles.add(id);
    };
    if (delay <= 0) {
      ask();
      return;
    }
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      if (generation === this.generation) ask();
    }, delay);
    this.timers.add(timer);
  }

  /** Drops every frame and idle callback asked for so far. */
  cancel(): void {
    this.generation++;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const id of this.idles) {
      if (window.cancelIdleCallback) window.cancelIdleCallback(id);
      else window.clearTimeout(id);
    }
    this.idles.clear();
    for (const timer of this.timers) window.clearTimeout(timer);
    this.timers.clear();
  }
}
