/**
 * The runtime: which ONNX file, fetched and tapped; onnxruntime-web and its session for it; and a
 * run that fetches the tapped tensors.
 */
import { AttentionComputeError, checkAborted } from './errors.js';
import { fetchModelFile, forgetFile, isNode, onnxError, type ModelLocation } from './files.js';
import { tapOffThread } from './off-thread.js';
import { ProtoError } from './proto.js';
import { UnsupportedModelError, type AttentionTap, type TappedModel } from './tap.js';
import type {
  TransformersModule,
  ModelDtype,
  ComputeOptions,
  OrtModule,
  OrtTensor,
  OrtSession,
} from './types.js';

export function defaultDtype(t: TransformersModule): ModelDtype {
  const major = Number((t.env.version ?? '2').split('.')[0]);
  // transformers.js 2 loads quantized weights by default; 3+ loads fp32 in Node and q8 on wasm.
  if (major <= 2) return 'q8';
  return isNode ? 'fp32' : 'q8';
}

/** Each dtype's file name suffix, as transformers.js 3/4 names the files. */
export const SUFFIX: Record<ModelDtype, string> = {
  fp32: '',
  q8: '_quantized',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Files whose inputs and outputs are float16 (past_key_values, logits, the tapped tensors). */
export const isHalf = (dtype: ModelDtype): boolean => dtype === 'fp16' || dtype === 'q4f16';

/**
 * onnxruntime-web's build for the wasm backend (the one used here): its .wasm is half the size of
 * the default build's, which adds WebGPU. Node takes the package's own Node build, named through a
 * variable so that bundlers do not pull it into a page.
 */
export const ORT_NODE = 'onnxruntime-web';

/**
 * The onnxruntime-web module, set to run sessions in its proxy worker only when asked
 * (`proxy: true`): that worker starts from the module's own URL, and in a production bundle the
 * module's chunk may import the page's code, which then runs in the worker and fails there. The
 * setting only takes effect before onnxruntime's first session.
 */
export async function onnxRuntime(o: ComputeOptions): Promise<OrtModule> {
  const ort =
    o.ort ??
    ((isNode
      ? await import(/* @vite-ignore */ ORT_NODE)
      : await import('onnxruntime-web/wasm')) as unknown as OrtModule);
  if (o.proxy === true && !isNode && typeof Worker !== 'undefined') ort.env.wasm.proxy = true;
  return ort;
}

/** The first of `candidates` that the model's folder holds, downloaded and tapped. */
export async function fetchTapped(
  o: ComputeOptions,
  loc: ModelLocation,
  candidates: readonly string[],
  layers?: readonly number[],
): Promise<{ file: string; tapped: TappedModel }> {
  for (const file of candidates) {
    const onProgress = (loaded: number, total: number | undefined) =>
      o.onProgress?.({ stage: 'download', file, loaded, ...(total ? { total } : {}) });
    const bytes = await fetchModelFile(loc, file, { signal: o.signal, onProgress });
    if (!bytes) continue;
    checkAborted(o.signal);
    o.onProgress?.({ stage: 'preparing', file });
    try {
      return { file, tapped: await tapOffThread(bytes, `${o.model} (${file})`, o.signal, layers) };
    } catch (e) {
      checkAborted(o.signal);
      if (e instanceof ProtoError) {
        // Whole, but damaged inside: the cached copy goes, so that Retry fetches it again.
        await forgetFile(loc, file);
        throw onnxError(e, `${loc.base}${file}`, file);
      }
      throw new AttentionComputeError(
        e instanceof UnsupportedModelError ? 'unsupported' : 'runtime',
        (e as Error).message,
      );
    }
  }
  const dtypes = `or choose the weights file it has with the dtype option (${Object.entries(SUFFIX)
    .map(([dtype, suffix]) => `${dtype} model${suffix}.onnx`)
    .join(', ')})`;
  throw new AttentionComputeError(
    'not-found',
    `missing file: "${o.model}" has no ${candidates.join(' or ')} at ${loc.base}: check that the folder has ${candidates[0]}, ${dtypes}`,
    `${loc.base}${candidates[0]}`,
  );
}

export async function openSession(
  ort: OrtModule,
  tapped: TappedModel,
  o: ComputeOptions,
  file: string,
): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw new AttentionComputeError(
      'runtime',
      `onnxruntime could not load ${o.model} (${file}): ${(e as Error).message}`,
    );
  }
}

/** The tapped tensors' names, each once. */
export function tapFetches(taps: readonly AttentionTap[]): string[] {
  return [...new Set(taps.flatMap((tap) => [tap.probs, tap.query, tap.keyT, tap.value]))];
}

export async function runSession(
  session: OrtSession,
  feeds: Record<string, OrtTensor>,
  fetches: readonly string[],
  o: ComputeOptions,
  file: string,
): Promise<Record<string, OrtTensor>> {
  try {
    return await session.run(feeds, fetches);
  } catch (e) {
    throw new AttentionComputeError(
      'runtime',
      `running ${o.model} (${file}) failed: ${(e as Error).message}`,
    );
  }
}
