/**
 * Downsampling one head's `[queries, keys]` matrix to the pixels of a thumbnail, faithfully: a
 * long input's N² weights are pooled into a grid of bins, each bin covering a contiguous block of
 * queries and keys, and every weight is read.
 *
 * - `poolMax`: a bin holds the largest weight of its block, so that a single strong weight (one
 *   token attending to one other) stays as visible as it is at full size. Used by heatmaps.
 * - `poolMean`: a bin holds the attention its block's queries give, on average, to its block's
 *   keys: `Σ w / queries in the block`. With one token per bin this is the weight itself. Used by
 *   line thumbnails, where a bin pair is one line.
 */

/**
 * Edges of `bins` contiguous bins over `n` items: bin `i` covers items `[edges[i], edges[i+1])`.
 * With `n ≤ bins` every item gets its own bin (and the result has `n + 1` edges).
 */
export function binEdges(n: number, bins: number): Int32Array {
  const count = Math.max(1, Math.min(n, Math.floor(bins)));
  const edges = new Int32Array(count + 1);
  for (let i = 0; i <= count; i++) edges[i] = Math.floor((i * n) / count);
  return edges;
}

/** A pooled matrix: `rows × cols` bins, row-major. */
export interface PooledMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
  /** Query and key edges of the bins (see `binEdges`). */
  readonly rowEdges: Int32Array;
  readonly colEdges: Int32Array;
}

function prepare(
  Q: number,
  K: number,
  rows: number,
  cols: number,
  out: Float32Array | undefined,
  fill: number,
): PooledMatrix {
  const rowEdges = binEdges(Q, rows);
  const colEdges = binEdges(K, cols);
  const r = rowEdges.length - 1;
  const c = colEdges.length - 1;
  const data = out && out.length >= r * c ? out.subarray(0, r * c) : new Float32Array(r * c);
  data.fill(fill);
  return { rows: r, cols: c, data, rowEdges, colEdges };
}

/**
 * Max pooling of a row-major `[Q, K]` matrix into at most `rows × cols` bins. Reads every weight
 * once. `out` is reused when large enough.
 */
export function poolMax(
  m: Float32Array,
  Q: number,
  K: number,
  rows: number,
  cols: number,
  out?: Float32Array,
): PooledMatrix {
  const p = prepare(Q, K, rows, cols, out, 0);
  const { data, rowEdges, colEdges } = p;
  for (let i = 0; i < p.rows; i++) {
    const base = i * p.cols;
    for (let q = rowEdges[i]!; q < rowEdges[i + 1]!; q++) {
      const row = q * K;
      for (let j = 0; j < p.cols; j++) {
        let max = data[base + j]!;
        const end = row + colEdges[j + 1]!;
        for (let k = row + colEdges[j]!; k < end; k++) {
          const w = m[k]!;
          if (w > max) max = w;
        }
        data[base + j] = max;
      }
    }
  }
  return p;
}

/**
 * Mean pooling for line thumbnails: bin (i, j) holds `Σ w / n_i` over queries q of bin i and keys
 * k of bin j, where n_i is the number of queries of bin i: the share of attention a query of the
 * block gives to the block's keys, on average. Rows of probabilities keep summing to 1 across a
 * row of bins. Reads every weight once. With a bin per query and per key (a short input), the
 * bins are the weights themselves: `m` is returned as the data, not copied.
 */
export function poolMean(
  m: Float32Array,
  Q: number,
  K: number,
  rows: number,
  cols: number,
  out?: Float32Array,
): PooledMatrix {
  if (Q <= rows && K <= cols) {
    return {
      rows: Q,
      cols: K,
      data: m.subarray(0, Q * K),
      rowEdges: binEdges(Q, Q),
      colEdges: binEdges(K, K),
    };
  }
  const p = prepare(Q, K, rows, cols, out, 0);
  const { data, rowEdges, colEdges } = p;
  for (let i = 0; i < p.rows; i++) {
    const base = i * p.cols;
    const first = rowEdges[i]!;
    const last = rowEdges[i + 1]!;
    for (let q = first; q < last; q++) addRow(m, q * K, colEdges, p.cols, data, base);
    const n = last - first;
    if (n > 1) for (let j = 0; j < p.cols; j++) data[base + j]! /= n;
  }
  return p;
}

/**
 * Adds one query's attention to each key bin: for bin j, the weights of its keys summed in key
 * order in double, then added to `data[base + j]`. One pass over the row, bin by bin, with no
 * per-key lookup of the bin: through a key-to-bin table, the model view's line thumbnails of 512
 * tokens took 169–212 ms to draw in `npm run bench`, 136 ms this way. A function of its own, so
 * that V8 optimises it whole.
 */
function addRow(
  m: Float32Array,
  row: number,
  edges: Int32Array,
  bins: number,
  data: Float32Array,
  base: number,
): void {
  let k = row + edges[0]!;
  for (let j = 0; j < bins; j++) {
    const end = row + edges[j + 1]!;
    let sum = 0;
    for (; k < end; k++) sum += m[k]!;
    data[base + j]! += sum;
  }
}
