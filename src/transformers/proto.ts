/**
 * Just enough of the protobuf wire format to read an ONNX model's graph structure and to add
 * outputs to it, without decoding (or copying into objects) the weights: a 600 MB model is
 * rewritten by copying byte ranges. Field numbers are those of onnx.proto3.
 *
 * A message is a sequence of fields `(tag, value)`; `tag = field number << 3 | wire type`.
 * Repeated fields may appear anywhere, so adding a graph output is appending one more field 12
 * to the GraphProto, and re-writing the lengths of the messages that contain it.
 */

/** Wire types. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

/** One field of a message: its number, wire type, and where its value lies in the buffer. */
export interface Field {
  readonly number: number;
  readonly wireType: number;
  /** Start of the whole field (its tag), end of its value. */
  readonly start: number;
  readonly end: number;
  /** Start of the value (after the tag and, for LENGTH fields, the length). */
  readonly valueStart: number;
  /** The value of a VARINT field (as a number: exact below 2⁵³). */
  readonly varint: number;
}

export class ProtoError extends Error {
  override readonly name = 'ProtoError';
  constructor(
    message: string,
    /** True when the bytes end before the field does: a cut-short file rather than a damaged one. */
    readonly truncated = false,
  ) {
    super(message);
  }
}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtoError(`truncated varint at byte ${pos}`, true);
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
  throw new ProtoError(`varint longer than 10 bytes at byte ${pos}`);
}

/** The fields of the message in `buf[start, end)`, in order. */
export function readFields(buf: Uint8Array, start = 0, end = buf.length): Field[] {
  const fields: Field[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const number = Math.floor(tag / 8);
    const wireType = tag & 7;
    pos = afterTag;
    let valueStart = pos;
    let varint = 0;
    if (wireType === VARINT) {
      [varint, pos] = readVarint(buf, pos);
    } else if (wireType === FIXED64) {
      pos += 8;
    } else if (wireType === FIXED32) {
      pos += 4;
    } else if (wireType === LENGTH) {
      const [length, afterLength] = readVarint(buf, pos);
      valueStart = afterLength;
      pos = afterLength + length;
    } else {
      throw new ProtoError(`unsupported wire type ${wireType} at byte ${fieldStart}`);
    }
    if (pos > end) {
      throw new ProtoError(
        pos > buf.length
          ? `field ${number} at byte ${fieldStart} runs to byte ${pos}, past the end of the data (${buf.length} bytes)`
          : `field ${number} at byte ${fieldStart} runs past its message`,
        pos > buf.length,
      );
    }
    fields.push({ number, wireType, start: fieldStart, end: pos, valueStart, varint });
  }
  return fields;
}

const decoder = new TextDecoder();

/** The UTF-8 string value of a LENGTH field. */
export function fieldString(buf: Uint8Array, f: Field): string {
  return decoder.decode(buf.subarray(f.valueStart, f.end));
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** Builds messages from encoded pieces. */
export class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  /** Another writer's pieces, as they are (not as a field). */
  append(w: Writer): this {
    for (const p of w.parts) this.bytes(p);
    return this;
  }

  private raw(values: number[]): this {
    return this.bytes(Uint8Array.from(values));
  }

  /** A LENGTH field holding `value` (bytes, a string, or a nested message). */
  lengthField(number: number, value: Uint8Array | string | Writer): this {
    const payload = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    this.raw([...varintBytes(number * 8 + LENGTH), ...varintBytes(payload.length)]);
    if (payload instanceof Writer) {
      for (const p of payload.parts) this.bytes(p);
    } else {
      this.bytes(payload);
    }
    return this;
  }

  varintField(number: number, value: number): this {
    return this.raw([...varintBytes(number * 8 + VARINT), ...varintBytes(value)]);
  }

  /** A varint field holding a signed 64-bit value (negatives as ten bytes, as protobuf writes int64). */
  int64Field(number: number, value: number): this {
    if (value >= 0) return this.varintField(number, value);
    const out: number[] = [];
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return this.raw([...varintBytes(number * 8 + VARINT), ...out]);
  }

  /** A FIXED32 field holding a float32. */
  floatField(number: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.raw(varintBytes(number * 8 + FIXED32)).bytes(bytes);
  }

  /** The pieces joined into one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}
