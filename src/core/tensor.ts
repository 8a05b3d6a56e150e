/**
 * Reading the many shapes a tensor arrives in (nested arrays, typed arrays, transformers.js and
 * onnxruntime `{dims, data}` tensors, per-layer lists) into one dense `Float32Array` with an
 * explicit shape. Every check names the offending path.
 */
import { AttentionDataError, count, describe } from './errors.js';

/** A tensor object as transformers.js and onnxruntime-web hand it out (`dims`), or with `shape`. */
export interface TensorLike {
  readonly dims?: readonly number[];
  readonly shape?: readonly number[];
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
  /** Element type name; `float16` data stored as `Uint16Array` bits is decoded. */
  readonly type?: string;
}

/**
 * Any tensor input: nested arrays of numbers (innermost level may be a typed array), a tensor
 * object, or a list of per-layer tensors / nested arrays (as `output_attentions` returns them).
 */
export type TensorInput = TensorLike | readonly unknown[];

/** A read tensor: dense float data and its shape. */
export interface DenseTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  /** True when the source held half-precision values (looser tolerances apply). */
  readonly halfPrecision: boolean;
  /**
   * With `readTensor(…, { rowSums: true })` on nested arrays: the sum of each innermost row's
   * float32 values, added up while copying them (in order, in double), or NaN for a row holding a
   * negative or infinite weight; `checkWeights` then reads the data only for such rows.
   */
  readonly rowSums?: Float64Array;
}

export interface ReadOptions {
  /** Add up each innermost row while copying nested arrays (attention weights; see `rowSums`). */
  readonly rowSums?: boolean;
}

/**
 * Most values one tensor may hold: 2²⁸ (1 GiB as float32; e.g. 12 layers × 12 heads × 1,365²
 * tokens). A larger input would exhaust a browser tab's memory once copied and derived, so it is
 * refused with its size before anything is allocated.
 */
export const MAX_TENSOR_VALUES = 2 ** 28;

/** @throws AttentionDataError when a tensor of this shape would exceed `MAX_TENSOR_VALUES`. */
export function checkTensorSize(shape: readonly number[], field: string): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_TENSOR_VALUES) {
    throw new AttentionDataError(
      field,
      `at most ${MAX_TENSOR_VALUES.toLocaleString('en-US')} values (1 GiB as float32; fewer tokens, layers or heads)`,
      `shape [${shape.join(', ')}] = ${size.toLocaleString('en-US')} values (${(size / 2 ** 28).toFixed(1)} GiB)`,
    );
  }
}

export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    'data' in v && (Array.isArray(v['dims']) || Array.isArray(v['shape']) || ArrayBuffer.isView(v['dims']))
  );
}

function isNumericArrayLike(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Reads any tensor input. Ranks are not checked here: callers check the rank they need. */
export function readTensor(input: unknown, field: string, options: ReadOptions = {}): DenseTensor {
  if (isTensorLike(input)) return readTensorLike(input, field);
  if (Array.isArray(input)) {
    if (input.length === 0) throw new AttentionDataError(field, 'a non-empty tensor', 'an empty array');
    if (isTensorLike(input[0])) return readTensorList(input, field);
    return readNested(input, field, options.rowSums ?? false);
  }
  if (isNumericArrayLike(input)) {
    throw new AttentionDataError(
      field,
      'a tensor with a shape ({dims, data} or nested arrays)',
      `${describe(input)} without a shape`,
    );
  }
  throw new AttentionDataError(field, 'a tensor (nested arrays or {dims, data})', describe(input));
}

function readTensorLike(t: TensorLike, field: string): DenseTensor {
  const dimsSource = t.dims ?? t.shape;
  const dims = Array.from(dimsSource as ArrayLike<number>, Number);
  dims.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) {
      throw new AttentionDataError(`${field}.dims[${i}]`, 'a non-negative integer', describe(d));
    }
  });
  const size = dims.reduce((a, b) => a * b, 1);
  checkTensorSize(dims, field);
  const source = t.data;
  if (!source || typeof (source as ArrayLike<unknown>).length !== 'number') {
    throw new AttentionDataError(`${field}.data`, 'an array of numbers', describe(source));
  }
  if (source.length !== size) {
    throw new AttentionDataError(
      `${field}.data`,
      `${size} values for dims [${dims.join(', ')}]`,
      `${source.length} values`,
    );
  }
  if (source instanceof BigInt64Array || source instanceof BigUint64Array || t.type === 'int64') {
    throw new AttentionDataError(`${field}.type`, 'a float tensor', t.type ?? 'bigint data');
  }
  const half = t.type === 'float16' && source instanceof Uint16Array;
  const Float16 = (globalThis as { Float16Array?: new () => unknown }).Float16Array;
  const halfArray = Float16 !== undefined && source instanceof Float16;
  let data: Float32Array;
  if (half) {
    data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = halfToFloat((source as Uint16Array)[i]!);
  } else if (source instanceof Float32Array) {
    data = new Float32Array(source);
  } else if (ArrayBuffer.isView(source)) {
    // Typed sources hold numbers by construction; finiteness is checked by the consumer's
    // validation pass, which reads every value anyway.
    data = Float32Array.from(source as ArrayLike<number>);
  } else {
    data = Float32Array.from(source as ArrayLike<number>);
    checkNumbers(source as ArrayLike<unknown>, data, field, dims);
  }
  return { data, shape: dims, halfPrecision: half || halfArray };
}

/** Per-layer list: each entry a tensor object of the same shape; stacked along a new first axis. */
function readTensorList(list: readonly unknown[], field: string): DenseTensor {
  const parts = list.map((entry, i) => {
    if (!isTensorLike(entry)) {
      throw new AttentionDataError(`${field}[${i}]`, 'a tensor like the others in the list', describe(entry));
    }
    return readTensorLike(entry, `${field}[${i}]`);
  });
  const first = parts[0]!;
  parts.forEach((p, i) => {
    if (p.shape.length !== first.shape.length || p.shape.some((d, j) => d !== first.shape[j])) {
      throw new AttentionDataError(
        `${field}[${i}].dims`,
        `[${first.shape.join(', ')}] like ${field}[0]`,
        `[${p.shape.join(', ')}]`,
      );
    }
  });
  checkTensorSize([parts.length, ...first.shape], field);
  const data = new Float32Array(first.data.length * parts.length);
  parts.forEach((p, i) => data.set(p.data, i * first.data.length));
  return {
    data,
    shape: [parts.length, ...first.shape],
    halfPrecision: parts.some((p) => p.halfPrecision),
  };
}

/** Nested arrays: the shape is read down the first elements, then every level is checked against it. */
function readNested(root: readonly unknown[], field: string, withSums: boolean): DenseTensor {
  const shape: number[] = [];
  let probe: unknown = root;
  while (Array.isArray(probe) || isNumericArrayLike(probe)) {
    const arr = probe as ArrayLike<unknown>;
    shape.push(arr.length);
    if (arr.length === 0 || isNumericArrayLike(probe)) break;
    probe = arr[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) {
    throw new AttentionDataError(field, 'a non-empty tensor', `shape [${shape.join(', ')}]`);
  }
  checkTensorSize(shape, field);
  const data = new Float32Array(size);
  const last = shape.length - 1;
  const rowSums = withSums ? new Float64Array(size / shape[last]!) : undefined;
  // Indices of the node being read; its path is spelled out only for an error message.
  const at: number[] = [];
  const path = (depth: number) => field + indexList(at.slice(0, depth));
  let offset = 0;
  const walk = (node: unknown, depth: number): void => {
    const expected = shape[depth]!;
    if (depth === last) {
      if (!Array.isArray(node) && !isNumericArrayLike(node)) {
        throw new AttentionDataError(path(depth), `an array of ${count(expected, 'number')}`, describe(node));
      }
      const arr = node as ArrayLike<unknown>;
      if (arr.length !== expected) {
        throw new AttentionDataError(
          path(depth),
          `${count(expected, 'value')} (ragged array)`,
          `${arr.length}`,
        );
      }
      const bad = rowSums
        ? copyWeights(arr, data, offset, rowSums, offset / expected)
        : copyNumbers(arr, data, offset);
      if (bad >= 0) {
        throw new AttentionDataError(`${path(depth)}[${bad}]`, 'a finite number', describe(arr[bad]));
      }
      offset += expected;
      return;
    }
    if (!Array.isArray(node)) {
      throw new AttentionDataError(
        path(depth),
        `an array of ${count(expected, 'entry', 'entries')}`,
        describe(node),
      );
    }
    if (node.length !== expected) {
      throw new AttentionDataError(
        path(depth),
        `${count(expected, 'entry', 'entries')} (ragged array)`,
        `${node.length}`,
      );
    }
    for (let i = 0; i < expected; i++) {
      at[depth] = i;
      walk(node[i], depth + 1);
    }
  };
  walk(root, 0);
  return { data, shape, halfPrecision: false, ...(rowSums ? { rowSums } : {}) };
}

/**
 * Copies an innermost array of plain numbers into `data` at `offset`; returns the index of the
 * first value that is not a finite number, or -1. A function of its own, called once per row, so
 * that V8 optimises it whole: it reads every value (590,000 bertviz weights at 64 tokens).
 */
function copyNumbers(source: ArrayLike<unknown>, data: Float32Array, offset: number): number {
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return i;
    data[offset + i] = v;
  }
  return -1;
}

/**
 * `copyNumbers` for a row of attention weights that also adds up the row's float32 values into
 * `sums[row]` (NaN when one is negative or rounds to infinity), so that validating the weights
 * needs no second pass over them: at 256 tokens × 144 heads, reading 38 MB once instead of twice.
 */
function copyWeights(
  source: ArrayLike<unknown>,
  data: Float32Array,
  offset: number,
  sums: Float64Array,
  row: number,
): number {
  let sum = 0;
  let weights = true;
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return i;
    const at = offset + i;
    data[at] = v;
    const w = data[at]!;
    // One comparison rejects negatives; a finite double may still round to infinity in float32.
    if (!(w >= 0) || w === Infinity) weights = false;
    sum += w;
  }
  sums[row] = weights ? sum : NaN;
  return -1;
}

/** After converting a plain-array source, checks every value was a finite number. */
function checkNumbers(
  source: ArrayLike<unknown>,
  data: Float32Array,
  field: string,
  dims: readonly number[],
): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v) || typeof source[i] !== 'number') {
      throw new AttentionDataError(`${field}${indexPath(i, dims)}`, 'a finite number', describe(source[i]));
    }
  }
}

/** Indices as a path: `[a][b][c]`. */
function indexList(indices: readonly number[]): string {
  return indices.map((i) => `[${i}]`).join('');
}

/** The `[a][b][c]` path of a flat row-major index in a tensor of the given shape. */
export function indexPath(flat: number, shape: readonly number[]): string {
  const parts: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    parts.unshift(flat % n);
    flat = Math.floor(flat / n);
  }
  return indexList(parts);
}

const HALF_EXP_BIAS = 15;

/** Decodes IEEE 754 half-precision bits to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** (1 - HALF_EXP_BIAS) * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - HALF_EXP_BIAS) * (1 + fraction / 1024);
}
