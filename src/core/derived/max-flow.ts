/**
 * Maximum flow on attention's layered graph (Abnar & Zuidema 2020): node (k, p) is position p
 * before layer k (k = 0: the input), and the edge from (k, p) to (k + 1, q) has capacity
 * Â_k[q][p]. Dinic's algorithm over the dense layers as they are (no adjacency lists: a node's
 * arcs are the next layer's positions forward and the previous layer's back), in double precision.
 *
 * The flows from one input position to every position after the same layer share all edges but
 * the last layer's: each target starts from the flow found for the previous one, minus what the
 * new target's edges cannot take (returned to the source layer by layer). What it lacks then
 * mostly goes the shortest way, forward through every layer, so the first phase takes the layers
 * as Dinic's levels without a search; a search follows only when a cut is not yet filled.
 * Paths are found without recursion, over each node's span of arcs with a capacity.
 */

/** Residual capacities below this are taken as zero (sums of float32 weights in doubles). */
const EPS = 1e-12;
/** A flow this close to a cut's capacity is taken as maximal. */
const CERTAIN = 1e-10;

/** The layered graph of every layer's Â, laid out once for all the flows through it. */
export class FlowGraph {
  /** Capacities, `[k][p][q]`: the edge from (k, p) to (k + 1, q) has Â_k[q][p] (a node's forward arcs side by side). */
  readonly cap: Float64Array;
  /**
   * Per node (k, p), the arcs that have a capacity (a causal mask leaves half without): the
   * first and last forward arc (column p of Â_k), then the first and last back arc (row p of
   * Â_{k − 1}); empty when first > last.
   */
  readonly span: Int32Array;
  readonly layers: number;
  /** The layer k of each node k·T + p (and of the target after the last layer). */
  readonly layer: Int32Array;

  /** @param hats Â of each layer, `[T, T]` (query rows × key columns). */
  constructor(
    readonly hats: readonly Float64Array[],
    readonly T: number,
  ) {
    const L = hats.length;
    this.layers = L;
    this.cap = new Float64Array(L * T * T);
    hats.forEach((hat, k) => {
      for (let p = 0; p < T; p++)
        for (let q = 0; q < T; q++) this.cap[k * T * T + p * T + q] = hat[q * T + p]!;
    });
    this.layer = new Int32Array((L + 1) * T).map((_, u) => Math.floor(u / T));
    this.span = new Int32Array(4 * L * T);
    for (let k = 0; k < L; k++) {
      for (let p = 0; p < T; p++) {
        const at = 4 * (k * T + p);
        this.span.set(positive(hats[k]!, T, p, T), at);
        this.span.set(k === 0 ? [T, -1] : positive(hats[k - 1]!, T, p * T, 1), at + 2);
      }
    }
  }
}

/** The first and last i < T with m[start + i·stride] > 0 (T and −1 when there is none). */
function positive(m: Float64Array, T: number, start: number, stride: number): [number, number] {
  let lo = T;
  let hi = -1;
  for (let i = 0; i < T; i++) {
    if (m[start + i * stride]! > 0) {
      if (lo === T) lo = i;
      hi = i;
    }
  }
  return [lo, hi];
}

/** The flows from one input position through a `FlowGraph`, one target after another. */
export class LayeredFlow {
  private readonly T: number;
  /** Flow on the edges into layers 1 … depth − 1, laid out as the graph's `cap`. */
  private readonly flow: Float64Array;
  /** Flow from (depth − 1, p) into the target. */
  private readonly last: Float64Array;
  /** Capacities of the target's edges (a row of Â_{depth − 1}). */
  private sink: Float64Array = new Float64Array(0);
  /** Dinic's level per node (−1: not reached, −2: dead for this phase), the target last. */
  private readonly level: Int32Array;
  /** Dinic's current arc per node: 0 … T − 1 forward, T … 2T − 1 back (see `blocking`). */
  private readonly arc: Int32Array;
  private readonly queue: Int32Array;
  /** The path being built: its nodes, its edges (see `blocking`) and what each edge can take. */
  private readonly path: Int32Array;
  private readonly edge: Int32Array;
  private readonly room: Float64Array;
  /** Per layer, positions the search has not reached yet. */
  private readonly unseen: Int32Array;
  /** Per layer `[k][p]`, 1 where some path of edges with a capacity leads from the source to (k, p). */
  private readonly reach: Uint8Array;
  /** The capacity of the source's edges. */
  private readonly out: number;
  /** Excess per position while flow is taken back, two layers' worth. */
  private readonly excess: Float64Array;
  /** The target is after layer depth − 1. */
  private depth = 0;
  private value = 0;

  /**
   * @param source The input position the flow leaves from.
   */
  constructor(
    private readonly graph: FlowGraph,
    private readonly source: number,
  ) {
    const { T, layers } = graph;
    this.T = T;
    const nodes = layers * T + 1;
    this.flow = new Float64Array(layers * T * T);
    this.last = new Float64Array(T);
    this.level = new Int32Array(nodes);
    this.arc = new Int32Array(nodes);
    this.queue = new Int32Array(nodes);
    this.path = new Int32Array(nodes + 1);
    this.edge = new Int32Array(nodes);
    this.room = new Float64Array(nodes);
    this.unseen = new Int32Array(layers);
    this.excess = new Float64Array(2 * T);
    this.reach = new Uint8Array(layers * T);
    this.reach[source] = 1;
    const { span } = graph;
    for (let k = 0; k + 1 < layers; k++) {
      for (let p = 0; p < T; p++) {
        if (this.reach[k * T + p] === 0) continue;
        const hat = graph.hats[k]!;
        const next = (k + 1) * T;
        for (let q = span[4 * (k * T + p)]!; q <= span[4 * (k * T + p) + 1]!; q++)
          if (hat[q * T + p]! > 0) this.reach[next + q] = 1;
      }
    }
    let out = 0;
    for (let q = 0; q < T; q++) out += graph.hats[0]![q * T + source]!;
    this.out = out;
  }

  /** The maximum flow to a target after layer `depth − 1` whose incoming capacities are `sink`, from none. */
  start(depth: number, sink: Float64Array): number {
    this.depth = depth;
    this.flow.fill(0, 0, (depth - 1) * this.T * this.T);
    this.last.fill(0);
    this.value = 0;
    this.sink = sink;
    return this.solve();
  }

  /** The maximum flow to another target after the same layer, whose incoming capacities are `sink`. */
  retarget(sink: Float64Array): number {
    const { T, last } = this;
    this.sink = sink;
    const top = this.excess.subarray(0, T);
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
    if (any) this.giveBack();
    return this.solve();
  }

  /**
   * The capacity of two cuts: the source's edges, and the target's edges from the positions
   * the source reaches at all (through edges of any capacity; under a causal mask the later
   * ones only). A flow that fills either is maximal without a search that proves it, which
   * settles every target the source cannot reach at once.
   */
  private bound(): number {
    const { T, sink, depth } = this;
    const reach = this.reach.subarray((depth - 1) * T, depth * T);
    let into = 0;
    for (let p = 0; p < T; p++) if (reach[p] === 1) into += sink[p]!;
    return this.out < into ? this.out : into;
  }

  /** Dinic's phases until no path is left, or until the flow fills a cut (`bound`). */
  private solve(): number {
    const bound = this.bound();
    // A first phase along forward arcs only, whose levels are the layers themselves: most of
    // what a target lacks goes the shortest way, and this phase needs no search to find it.
    if (this.value < bound - CERTAIN) {
      this.forwardLevels();
      this.arc.fill(0);
      this.value += this.blocking(bound - CERTAIN - this.value);
    }
    for (;;) {
      if (this.value >= bound - CERTAIN) return this.value;
      if (!this.bfs()) break;
      this.arc.fill(0);
      const pushed = this.blocking(bound - CERTAIN - this.value);
      // A phase whose search reached the target pushes something: anything else would repeat forever.
      if (!(pushed > 0)) throw new Error(`attention flow: a path to the target carried ${pushed}`);
      this.value += pushed;
    }
    return this.value;
  }

  /** Returns the excess of the last layer's positions to the source: a node sending less out takes as much less in. */
  private giveBack(): void {
    const { T, flow } = this;
    if (this.value < 0) this.value = 0;
    let top = this.excess.subarray(0, T);
    let below = this.excess.subarray(T, 2 * T);
    for (let k = this.depth - 1; k >= 1; k--) {
      below.fill(0);
      const base = (k - 1) * T * T;
      for (let p = 0; p < T; p++) {
        let left = top[p]!;
        for (let r = 0; r < T && left > 0; r++) {
          const e = base + r * T + p;
          const f = flow[e]!;
          if (f <= 0) continue;
          const take = f < left ? f : left;
          flow[e] = f - take;
          below[r] = below[r]! + take;
          left -= take;
        }
      }
      const swap = top;
      top = below;
      below = swap;
    }
  }

  /** Levels by layer: node (k, p) at k, the target at depth (only forward arcs go one level up). */
  private forwardLevels(): void {
    const { T, level, depth } = this;
    for (let k = 0; k < depth; k++) level.fill(k, k * T, (k + 1) * T);
    level[depth * T] = depth;
  }

  /** Dinic's levels from the source; false when the target cannot be reached. */
  private bfs(): boolean {
    const { T, flow, last, sink, level, queue, unseen, depth } = this;
    const { cap, span, layer } = this.graph;
    const target = depth * T;
    level.fill(-1, 0, target);
    level[target] = -1;
    level[this.source] = 0;
    // Positions of each layer not reached yet: a layer reached in full needs no more scans.
    // Only the source sends from the input: no back arc leads anywhere new there.
    unseen.fill(T, 0, depth);
    unseen[0] = 0;
    queue[0] = this.source;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const u = queue[head++]!;
      const lu = level[u]!;
      // Every path of the next phase is this short: nothing farther is needed.
      if (level[target]! >= 0 && lu >= level[target]!) break;
      const k = layer[u]!;
      const p = u - k * T;
      if (k === depth - 1) {
        if (level[target]! < 0 && sink[p]! - last[p]! > EPS) {
          level[target] = lu + 1;
          queue[tail++] = target;
        }
      } else if (unseen[k + 1]! > 0) {
        const base = k * T * T + p * T;
        const next = (k + 1) * T;
        const hi = span[4 * u + 1]!;
        for (let q = span[4 * u]!; q <= hi; q++) {
          const v = next + q;
          if (level[v]! < 0 && cap[base + q]! - flow[base + q]! > EPS) {
            level[v] = lu + 1;
            queue[tail++] = v;
            unseen[k + 1]!--;
          }
        }
      }
      if (k > 0 && unseen[k - 1]! > 0) {
        const column = (k - 1) * T * T + p;
        const prev = (k - 1) * T;
        const hi = span[4 * u + 3]!;
        for (let r = span[4 * u + 2]!; r <= hi; r++) {
          const v = prev + r;
          if (level[v]! < 0 && flow[column + r * T]! > EPS) {
            level[v] = lu + 1;
            queue[tail++] = v;
            unseen[k - 1]!--;
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

  /**
   * Dinic's blocking flow from the source along the level graph, one path at a time without
   * recursion: advance over arcs one level up, retreat from dead ends, and after each path go
   * back only to its first edge that it filled. Returns what went.
   */
  private blocking(need: number): number {
    const { T, flow, last, sink, level, arc, path, edge, room, depth } = this;
    const { cap, span, layer } = this.graph;
    const target = depth * T;
    const TT = T * T;
    let total = 0;
    let len = 0;
    path[0] = this.source;
    for (;;) {
      const u = path[len]!;
      if (u === target) {
        // Edges are coded: ≥ 0 forward (its index), −1 … −T into the target, below that back.
        let d = Infinity;
        for (let i = 0; i < len; i++) if (room[i]! < d) d = room[i]!;
        let full = -1;
        for (let i = 0; i < len; i++) {
          const e = edge[i]!;
          if (e >= 0) flow[e] = flow[e]! + d;
          else if (e < -T) flow[-e - T - 1] = flow[-e - T - 1]! - d;
          else last[-e - 1] = last[-e - 1]! + d;
          room[i] = room[i]! - d;
          if (full < 0 && room[i]! <= EPS) full = i;
        }
        total += d;
        // The flow fills a cut: no path is left, and looking for one would visit every arc left.
        if (total >= need) return total;
        len = full < 0 ? 0 : full;
        continue;
      }
      const k = layer[u]!;
      const p = u - k * T;
      const want = level[u]! + 1;
      // Arcs 0 … T − 1 go forward (just 0, into the target, from the last layer), T … 2T − 1
      // back; of each, only the node's span of those with a capacity (see FlowGraph.span).
      let a = arc[u]!;
      let v = -1;
      if (a < T) {
        if (k === depth - 1) {
          const r = sink[p]! - last[p]!;
          if (a === 0 && r > EPS && level[target] === want) {
            edge[len] = -p - 1;
            room[len] = r;
            v = target;
          }
        } else {
          const hi = span[4 * u + 1]!;
          if (a < span[4 * u]!) a = span[4 * u]!;
          const base = k * TT + p * T;
          const next = (k + 1) * T;
          for (; a <= hi; a++) {
            if (level[next + a] !== want) continue;
            const r = cap[base + a]! - flow[base + a]!;
            if (r <= EPS) continue;
            edge[len] = base + a;
            room[len] = r;
            v = next + a;
            break;
          }
        }
        if (v < 0) a = T;
      }
      // Back arcs, but not into the input, where they lead only to the source, which no path revisits.
      if (v < 0 && k > 1) {
        const hi = T + span[4 * u + 3]!;
        if (a < T + span[4 * u + 2]!) a = T + span[4 * u + 2]!;
        const prev = (k - 1) * T - T;
        const base = (k - 1) * TT + p - TT;
        for (; a <= hi; a++) {
          if (level[prev + a] !== want) continue;
          const e = base + a * T;
          const r = flow[e]!;
          if (r <= EPS) continue;
          edge[len] = -e - T - 1;
          room[len] = r;
          v = prev + a;
          break;
        }
      }
      if (v >= 0) {
        arc[u] = a;
        path[++len] = v;
        continue;
      }
      // Every arc is used up: no path through this node is left in this phase.
      level[u] = -2;
      if (len === 0) return total;
      len--;
      arc[path[len]!]!++;
    }
  }
}
