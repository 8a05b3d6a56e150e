/**
 * Maximum flow on attention's layered graph (Abnar & Zuidema 2020): node (k, p) is position p
 * before layer k (k = 0: the input), and the edge from (k, p) to (k + 1, q) has capacity
 * Â_k[q][p]. Dinic's algorithm over the dense layers as they are (no adjacency lists: a node's
 * arcs are the next layer's positions forward and the previous layer's back), in double precision.
 *
 * The flows from one input position to every position after the same layer share all edges but
 * the last layer's: each target starts from the flow found for the previous one, minus what the
 * new target's edges cannot take (returned to the source layer by layer), so that a target costs
 * a phase or two of Dinic on top of a flow that is already nearly maximal.
 */

/** Residual capacities below this are taken as zero (sums of float32 weights in doubles). */
const EPS = 1e-12;
/** A flow this close to a cut's capacity is taken as maximal. */
const CERTAIN = 1e-10;

/** The flows from one input position to the positions after one layer `depth − 1`. */
export class LayeredFlow {
  /** Flow on the edges into layers 1 … depth − 1: `[k][q][p]` from (k, p) to (k + 1, q), capacity Â_k[q][p]. */
  private readonly flow: Float64Array;
  /** Flow from (depth − 1, p) into the target. */
  private readonly last: Float64Array;
  /** Capacities of the target's edges (a row of Â_{depth − 1}). */
  private sink: Float64Array;
  /** Dinic's level per node (−1: not reached), the target last. */
  private readonly level: Int32Array;
  /** Dinic's current arc per node: forward arcs first, then back arcs. */
  private readonly arc: Int32Array;
  private readonly queue: Int32Array;
  /** Excess per position while flow is taken back, two layers' worth. */
  private readonly excess: Float64Array;
  private value = 0;

  /**
   * @param hats Â of each layer the flow crosses, `[T, T]` (query rows × key columns).
   * @param source The input position the flow leaves from.
   */
  constructor(
    private readonly hats: readonly Float64Array[],
    private readonly T: number,
    private readonly source: number,
    private readonly cuts: CutPool = new CutPool(),
  ) {
    const depth = hats.length;
    this.flow = new Float64Array(Math.max(0, depth - 1) * T * T);
    this.last = new Float64Array(T);
    this.sink = new Float64Array(T);
    this.level = new Int32Array(depth * T + 1);
    this.arc = new Int32Array(depth * T + 1);
    this.queue = new Int32Array(depth * T + 1);
    this.excess = new Float64Array(2 * T);
  }

  /**
   * The maximum flow from the source to a target after the last layer whose incoming
   * capacities are `sink` (the target's row of the last Â).
   */
  maxFlow(sink: Float64Array): number {
    this.retarget(sink);
    const bound = this.cuts.bound(this.hats[0]!, this.T, this.source, sink);
    for (;;) {
      if (this.value >= bound - CERTAIN) return this.value;
      if (!this.bfs()) break;
      this.arc.fill(0);
      for (;;) {
        const pushed = this.dfs(this.source, Infinity);
        if (pushed <= EPS) break;
        this.value += pushed;
      }
    }
    // The target is out of reach: what the search reached is a minimum cut, a certificate for later targets.
    this.cuts.add(this.reached(), this.value, this.hats[0]!, this.T, this.source, sink);
    return this.value;
  }

  /** Keeps the flow the new target's edges can take; the rest goes back to the source. */
  private retarget(sink: Float64Array): void {
    const { T, last } = this;
    const depth = this.hats.length;
    this.sink = sink;
    let top = this.excess.subarray(0, T);
    let below = this.excess.subarray(T, 2 * T);
    let any = false;
    for (let p = 0; p < T; p++) {
      const over = last[p]! - sink[p]!;
      top[p] = over > 0 ? over : 0;
      if (over > 0) {
        last[p] = sink[p]!;
        this.value -= over;
        any = true;
      }
    }
    if (!any) return;
    if (this.value < 0) this.value = 0;
    // Layer by layer towards the input: a node sending less out takes as much less in.
    for (let k = depth - 1; k >= 1; k--) {
      below.fill(0);
      const base = (k - 1) * T * T;
      for (let p = 0; p < T; p++) {
        let left = top[p]!;
        const row = base + p * T;
        for (let r = 0; r < T && left > 0; r++) {
          const f = this.flow[row + r]!;
          if (f <= 0) continue;
          const take = f < left ? f : left;
          this.flow[row + r] = f - take;
          below[r] = below[r]! + take;
          left -= take;
        }
      }
      const swap = top;
      top = below;
      below = swap;
    }
  }

  /** Dinic's levels from the source; false when the target cannot be reached. */
  private bfs(): boolean {
    const { T, hats, flow, last, sink, level, queue } = this;
    const depth = hats.length;
    const target = depth * T;
    level.fill(-1);
    level[this.source] = 0;
    queue[0] = this.source;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const u = queue[head++]!;
      const lu = level[u]!;
      // Every path of the next phase is this short: nothing farther is needed.
      if (level[target]! >= 0 && lu >= level[target]!) break;
      const k = (u / T) | 0;
      const p = u - k * T;
      if (k === depth - 1) {
        if (level[target]! < 0 && sink[p]! - last[p]! > EPS) {
          level[target] = lu + 1;
          queue[tail++] = target;
        }
      } else {
        const hat = hats[k]!;
        const base = k * T * T;
        const next = (k + 1) * T;
        for (let q = 0; q < T; q++) {
          const v = next + q;
          if (level[v]! < 0 && hat[q * T + p]! - flow[base + q * T + p]! > EPS) {
            level[v] = lu + 1;
            queue[tail++] = v;
          }
        }
      }
      if (k > 0) {
        const row = (k - 1) * T * T + p * T;
        const prev = (k - 1) * T;
        for (let r = 0; r < T; r++) {
          const v = prev + r;
          if (level[v]! < 0 && flow[row + r]! > EPS) {
            level[v] = lu + 1;
            queue[tail++] = v;
          }
        }
      }
    }
    const reach = level[target]!;
    if (reach < 0) return false;
    // Nodes as far as the target but not it lead nowhere in this phase: dead from the start.
    for (let i = tail - 1; i >= 0 && level[queue[i]!]! >= reach; i--)
      if (queue[i] !== target) level[queue[i]!] = -2;
    return true;
  }

  /** Pushes up to `limit` from node `u` to the target along the level graph (Dinic's blocking flow); returns what went. */
  private dfs(u: number, limit: number): number {
    const { T, hats, flow, last, sink, level, arc } = this;
    const depth = hats.length;
    const target = depth * T;
    if (u === target) return limit;
    const k = (u / T) | 0;
    const p = u - k * T;
    const want = level[u]! + 1;
    let pushed = 0;
    // Forward arcs: 0 … T − 1 (or just 0, the target, from the last layer); back arcs follow.
    const forward = k === depth - 1 ? 1 : T;
    const arcs = forward + (k > 0 ? T : 0);
    for (let a = arc[u]!; a < arcs; a = ++arc[u]!) {
      if (a < forward) {
        if (k === depth - 1) {
          const room = sink[p]! - last[p]!;
          if (room <= EPS || level[target] !== want) continue;
          const d = this.dfs(target, Math.min(limit - pushed, room));
          last[p] = last[p]! + d;
          pushed += d;
        } else {
          const v = (k + 1) * T + a;
          if (level[v] !== want) continue;
          const e = k * T * T + a * T + p;
          const room = hats[k]![a * T + p]! - flow[e]!;
          if (room <= EPS) continue;
          const d = this.dfs(v, Math.min(limit - pushed, room));
          flow[e] = flow[e]! + d;
          pushed += d;
        }
      } else {
        const r = a - forward;
        const v = (k - 1) * T + r;
        if (level[v] !== want) continue;
        const e = (k - 1) * T * T + p * T + r;
        const room = flow[e]!;
        if (room <= EPS) continue;
        const d = this.dfs(v, Math.min(limit - pushed, room));
        flow[e] = room - d;
        pushed += d;
      }
      if (limit - pushed <= EPS) return pushed;
    }
    // Every arc is used up: no arc into this node is worth a call for the rest of the phase.
    level[u] = -2;
    return pushed;
  }

  /** Which positions of the first and the last layer the last (failed) search reached. */
  private reached(): { first: Uint8Array; last: Uint8Array } {
    const { T, level } = this;
    const depth = this.hats.length;
    const first = new Uint8Array(T);
    const lastLayer = new Uint8Array(T);
    for (let p = 0; p < T; p++) {
      first[p] = depth > 1 && level[T + p]! >= 0 ? 1 : 0;
      lastLayer[p] = level[(depth - 1) * T + p]! >= 0 ? 1 : 0;
    }
    return { first, last: lastLayer };
  }
}

/**
 * Minimum cuts found for one depth, kept as certificates: a cut holds the source, the
 * positions after the first layer and before the target it reached, and edges in between
 * (their capacity `rest`). Its capacity for another source j and target row b is then
 * Σ_{q ∉ first} Â_0[q][j] + rest + Σ_{p ∈ last} b[p], O(T): a flow that reaches it is maximal
 * without a search that proves it.
 */
export class CutPool {
  private readonly cuts: { first: Uint8Array; last: Uint8Array; rest: number }[] = [];

  constructor(private readonly size = 24) {}

  /** The least capacity of the cuts kept, for this source and target row (Infinity without any). */
  bound(hat0: Float64Array, T: number, source: number, sink: Float64Array): number {
    // The source's own edges, and the target's, are cuts too.
    let out = 0;
    let into = 0;
    for (let p = 0; p < T; p++) {
      out += hat0[p * T + source]!;
      into += sink[p]!;
    }
    let best = out < into ? out : into;
    for (const c of this.cuts) {
      let v = c.rest;
      for (let p = 0; p < T; p++) {
        if (c.first[p] === 0) v += hat0[p * T + source]!;
        if (c.last[p] === 1) v += sink[p]!;
      }
      if (v < best) best = v;
    }
    return best;
  }

  /** Keeps the cut a failed search reached (its capacity is the flow found: max-flow min-cut). */
  add(
    cut: { first: Uint8Array; last: Uint8Array },
    value: number,
    hat0: Float64Array,
    T: number,
    source: number,
    sink: Float64Array,
  ): void {
    const same = (a: Uint8Array, b: Uint8Array) => a.every((x, i) => x === b[i]);
    if (this.cuts.some((c) => same(c.first, cut.first) && same(c.last, cut.last))) return;
    let rest = value;
    for (let p = 0; p < T; p++) {
      if (cut.first[p] === 0) rest -= hat0[p * T + source]!;
      if (cut.last[p] === 1) rest -= sink[p]!;
    }
    this.cuts.unshift({ ...cut, rest: Math.max(0, rest) });
    if (this.cuts.length > this.size) this.cuts.pop();
  }
}
