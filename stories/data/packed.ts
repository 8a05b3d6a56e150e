/** Tensors as export.py writes them into demo/data: dims and base64 of little-endian float32. */
export interface Packed {
  readonly dims: number[];
  readonly float32: string;
}

/** The values of a packed tensor (every platform a browser runs on is little-endian). */
export function unpack(t: Packed): Float32Array {
  const text = atob(t.float32);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
