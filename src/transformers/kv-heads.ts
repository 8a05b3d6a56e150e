/**
 * Which key/value head each query head reads, told from the tapped tensors themselves. Grouped-
 * and multi-query graphs repeat each key/value head for its query heads before Q·Kᵀ and P·V
 * (Llama's repeat_kv), so the tapped keys and values of heads that share one are copies, equal
 * value for value; heads with their own projections never are. No config field or head order is
 * assumed: the groups are numbered in the order their first head appears, which for repeat_kv is
 * the model's own numbering (query head h reads key/value head ⌊h / (heads / kv heads)⌋).
 */

/** Whether `a[i, i + n)` and `a[j, j + n)` hold the same values. */
function sameRun(a: Float32Array, i: number, j: number, n: number): boolean {
  for (let t = 0; t < n; t++) if (a[i + t] !== a[j + t]) return false;
  return true;
}

/**
 * The key/value head of each of the `H` heads, from keys and values `[L, H, size]` (size = keys ×
 * head dim), when some heads share one in every layer alike; undefined when every head has its own.
 */
export function sharedKeyValueHeads(
  keys: Float32Array,
  values: Float32Array,
  L: number,
  H: number,
  size: number,
): number[] | undefined {
  if (L === 0 || H < 2 || size === 0) return undefined;
  let found: number[] | undefined;
  for (let l = 0; l < L; l++) {
    const firsts: number[] = [];
    const groups: number[] = [];
    for (let h = 0; h < H; h++) {
      const at = (l * H + h) * size;
      const g = firsts.findIndex(
        (f) => sameRun(keys, (l * H + f) * size, at, size) && sameRun(values, (l * H + f) * size, at, size),
      );
      if (g >= 0) groups.push(g);
      else {
        groups.push(firsts.length);
        firsts.push(h);
      }
    }
    if (firsts.length === H) return undefined;
    if (found && found.some((g, h) => g !== groups[h])) return undefined;
    found = groups;
  }
  return found;
}
