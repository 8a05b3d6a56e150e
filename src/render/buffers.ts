/**
 * Large pixel buffers (rasters, images, thumbnails) reused by the next picture that needs one,
 * in this view or the next: a view that leaves the page gives its buffers back, and the one that
 * replaces it (a notebook cell run again, another story, new data in a framework's new element)
 * takes them. A fresh buffer of a few megabytes costs a fault at the first write of each of its
 * pages, as the system maps zeroed memory on demand (3–4 ms for the 4.4 MB of a head view's
 * picture in the benchmark's Chromium); a reused one costs a zero fill (~0.3 ms).
 *
 * Pure: no DOM. A buffer must not be used by its old owner once given back.
 */

/** Smaller buffers are not kept: they cost little to make. */
const MIN_POOLED_BYTES = 256 * 1024;
/** Buffers kept at most (the oldest go first): a head view holds six, a model view two. */
const MAX_POOLED = 12;

/**
 * Held weakly: a kept buffer is memory the page no longer uses, so the garbage collector may take
 * it back at any time (the next view usually comes before it does); nothing here keeps memory.
 */
const pool: WeakRef<ArrayBuffer>[] = [];

/**
 * A buffer of at least `bytes` bytes whose first `bytes` are zero: a kept one if one fits (at
 * most twice the size, so that a small picture does not hold a large buffer), else a new one.
 */
export function takeBuffer(bytes: number): ArrayBuffer {
  let best: ArrayBuffer | undefined;
  let at = -1;
  for (let i = pool.length - 1; i >= 0; i--) {
    const buffer = pool[i]!.deref();
    if (!buffer) {
      pool.splice(i, 1);
      if (at > i) at--;
      continue;
    }
    const size = buffer.byteLength;
    if (size >= bytes && size <= 2 * bytes && (!best || size <= best.byteLength)) {
      best = buffer;
      at = i;
    }
  }
  if (!best) return new ArrayBuffer(bytes);
  pool.splice(at, 1);
  new Uint8Array(best, 0, bytes).fill(0);
  return best;
}

/** Gives a buffer back for `takeBuffer` to hand out again (its owner must drop it). */
export function giveBuffer(buffer: ArrayBufferLike | undefined): void {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < MIN_POOLED_BYTES) return;
  if (pool.some((ref) => ref.deref() === buffer)) return;
  pool.push(new WeakRef(buffer));
  if (pool.length > MAX_POOLED) pool.shift();
}

/** Forgets every kept buffer (tests start from an empty pool). */
export function dropBuffers(): void {
  pool.length = 0;
}
