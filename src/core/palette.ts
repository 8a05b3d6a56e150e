/**
 * Head colours that stay distinguishable past ten heads and for colour-blind readers.
 *
 * bertviz colours heads with d3's category10, so head 10 looks like head 0. Here the colours are
 * picked greedily from a grid of OKLCH colours that contrast with the background (≥ 3:1, the
 * WCAG non-text minimum): each next colour is the candidate farthest (in OKLab) from every colour
 * already chosen, under normal vision and under simulated protanopia, deuteranopia and
 * tritanopia, taking the worst of the four. The sequence is fixed, so head i keeps its colour
 * whatever the number of heads. Colour is never the only cue: the views label heads by number.
 */

/** An sRGB colour with channels in [0, 1]. */
export type Rgb = readonly [r: number, g: number, b: number];

/** Which background a palette is for. */
export type PaletteTheme = 'light' | 'dark';

/** Machado, Oliveira & Fernandes (2009) simulation matrices at severity 1, on linear RGB. */
const CVD_MATRICES: readonly (readonly number[])[] = [
  [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
];

/** The names of the simulated visions, in the order `visionLabs` returns them. */
export const VISIONS = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'] as const;

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** OKLab of a linear-RGB colour (Björn Ottosson's matrices). */
export function linearToOklab(r: number, g: number, b: number): [number, number, number] {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Linear RGB of an OKLab colour (may fall outside [0, 1]: out of gamut). */
export function oklabToLinear(L: number, a: number, b: number): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

/** WCAG relative luminance of an sRGB colour. */
export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * srgbToLinear(r) + 0.7152 * srgbToLinear(g) + 0.0722 * srgbToLinear(b);
}

/** WCAG contrast ratio of two sRGB colours. */
export function contrastRatio(x: Rgb, y: Rgb): number {
  const [a, b] = [relativeLuminance(x), relativeLuminance(y)].sort((p, q) => q - p) as [number, number];
  return (a + 0.05) / (b + 0.05);
}

/** The colour's OKLab coordinates as seen with normal vision and the three simulated dichromacies. */
export function visionLabs(rgb: Rgb): [number, number, number][] {
  const lin = rgb.map(srgbToLinear) as [number, number, number];
  const labs = [linearToOklab(...lin)];
  for (const m of CVD_MATRICES) {
    const sim = [0, 1, 2].map((row) =>
      Math.min(1, Math.max(0, m[row * 3]! * lin[0] + m[row * 3 + 1]! * lin[1] + m[row * 3 + 2]! * lin[2])),
    ) as [number, number, number];
    labs.push(linearToOklab(...sim));
  }
  return labs;
}

/** OKLab distance between two colours under each vision: `[normal, protan, deutan, tritan]`. */
export function visionDistances(x: Rgb, y: Rgb): number[] {
  const a = visionLabs(x);
  const b = visionLabs(y);
  return a.map((p, i) => Math.hypot(p[0] - b[i]![0], p[1] - b[i]![1], p[2] - b[i]![2]));
}

const BACKGROUNDS: Readonly<Record<PaletteTheme, Rgb>> = { light: [1, 1, 1], dark: [0, 0, 0] };
const LIGHTNESS: Readonly<Record<PaletteTheme, readonly number[]>> = {
  light: [0.48, 0.56, 0.64],
  dark: [0.64, 0.72, 0.8],
};
const CHROMAS = [0.08, 0.12, 0.16, 0.2];
const HUE_STEP = 6;
/** Hue of the first colour: a blue, the most robust hue across the dichromacies. */
const ANCHOR_HUE = 250;
/** Non-text contrast minimum of WCAG 2.1 (1.4.11). */
export const MIN_CONTRAST = 3;

function candidates(theme: PaletteTheme): Rgb[] {
  const out: Rgb[] = [];
  for (const L of LIGHTNESS[theme]) {
    for (const C of CHROMAS) {
      for (let h = 0; h < 360; h += HUE_STEP) {
        const rad = (h * Math.PI) / 180;
        const lin = oklabToLinear(L, C * Math.cos(rad), C * Math.sin(rad));
        if (lin.some((v) => v < -1e-6 || v > 1 + 1e-6)) continue;
        const rgb = lin.map((v) => linearToSrgb(Math.min(1, Math.max(0, v)))) as unknown as Rgb;
        if (contrastRatio(rgb, BACKGROUNDS[theme]) < MIN_CONTRAST) continue;
        out.push(rgb);
      }
    }
  }
  return out;
}

/**
 * The palette search itself: greedy farthest-point order over the candidates, under the worst of
 * the four visions. Deterministic; a longer sequence extends a shorter one.
 */
export function paletteSequence(theme: PaletteTheme, count: number): Rgb[] {
  const pool = candidates(theme);
  // OKLab coordinates of every candidate under the four visions, flat: [candidate][vision][L, a, b].
  const labs = new Float64Array(pool.length * 12);
  pool.forEach((rgb, i) => visionLabs(rgb).forEach((lab, v) => labs.set(lab, i * 12 + v * 3)));
  const nearest = new Float64Array(pool.length).fill(Infinity);
  const chosen: Rgb[] = [];
  const used = new Uint8Array(pool.length);
  // Start at the most saturated blue-ish candidate of the middle lightness.
  let pick = 0;
  let best = Infinity;
  for (let i = 0; i < pool.length; i++) {
    const L = labs[i * 12]!;
    const a = labs[i * 12 + 1]!;
    const b = labs[i * 12 + 2]!;
    const hue = (Math.atan2(b, a) * 180) / Math.PI;
    const score =
      Math.abs(((hue - ANCHOR_HUE + 540) % 360) - 180) -
      Math.sqrt(a * a + b * b) * 100 +
      Math.abs(L - 0.62) * 50;
    if (score < best) {
      best = score;
      pick = i;
    }
  }
  while (chosen.length < count && chosen.length < pool.length) {
    used[pick] = 1;
    chosen.push(pool[pick]!);
    const p = pick * 12;
    let next = -1;
    let far = -1;
    for (let i = 0; i < pool.length; i++) {
      if (used[i]) continue;
      const q = i * 12;
      let d = Infinity;
      for (let v = 0; v < 12; v += 3) {
        const dL = labs[p + v]! - labs[q + v]!;
        const da = labs[p + v + 1]! - labs[q + v + 1]!;
        const db = labs[p + v + 2]! - labs[q + v + 2]!;
        const dist = dL * dL + da * da + db * db;
        if (dist < d) d = dist;
      }
      d = Math.sqrt(d);
      if (d < nearest[i]!) nearest[i] = d;
      if (nearest[i]! > far) {
        far = nearest[i]!;
        next = i;
      }
    }
    if (next < 0) break;
    pick = next;
  }
  return chosen;
}

/**
 * The first colours of each theme's sequence, precomputed: the search takes ~20 ms of cold
 * JavaScript, too long to put before a first paint. A test checks the table against
 * `paletteSequence`.
 */
const PRECOMPUTED: Readonly<Record<PaletteTheme, readonly string[]>> = {
  light: [
    '#358fe9',
    '#904701',
    '#3a6089',
    '#b57d61',
    '#7233bb',
    '#328092',
    '#9e615d',
    '#7c5dc8',
    '#d46b01',
    '#8486bc',
    '#7f4a66',
    '#a32745',
    '#be4b13',
    '#685be4',
    '#5d9c7d',
    '#aa3db5',
    '#bd5bd9',
    '#cb5fa7',
    '#7e763c',
    '#54529f',
    '#83963a',
    '#8a70fc',
    '#956182',
    '#a10d7c',
    '#1f4fcc',
    '#ac5371',
    '#822aac',
    '#e24994',
    '#894ed6',
    '#987aca',
    '#8c5ea7',
    '#e94779',
  ],
  dark: [
    '#358fe9',
    '#e78d02',
    '#44d4e1',
    '#ae799a',
    '#b1c88f',
    '#ec485c',
    '#91a3d8',
    '#eeb318',
    '#cf90a2',
    '#cc54c5',
    '#a9a96d',
    '#d46b01',
    '#19affe',
    '#85cfba',
    '#629b78',
    '#c5c463',
    '#e678c0',
    '#a46fd8',
    '#7eb944',
    '#8a70fc',
    '#5ebb85',
    '#f39ed3',
    '#d1a9fb',
    '#8b9433',
    '#4c98ab',
    '#a995e8',
    '#b77b6a',
    '#6ed6a6',
    '#3ce074',
    '#8bd737',
    '#b198cd',
    '#0ca387',
  ],
};

const computed = new Map<PaletteTheme, Rgb[]>();

/**
 * The first `count` head colours for a background, as sRGB triples. Head i always gets colour i.
 * Beyond the candidate pool (several hundred colours), colours would repeat; no model has that
 * many heads per layer.
 */
export function headPalette(count: number, theme: PaletteTheme): Rgb[] {
  const table = PRECOMPUTED[theme];
  if (count <= table.length) return table.slice(0, count).map((hex) => parseColor(hex)!);
  let seq = computed.get(theme);
  if (!seq || seq.length < count) {
    seq = paletteSequence(theme, count);
    computed.set(theme, seq);
  }
  const out = seq.slice(0, count);
  while (out.length < count) out.push(seq[out.length % seq.length]!);
  return out;
}

/** `#rrggbb` for an sRGB triple. */
export function toHex([r, g, b]: Rgb): string {
  const h = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** Parses `#rgb`, `#rrggbb` or `rgb(r, g, b)` / `rgba(...)` into an sRGB triple, or undefined. */
export function parseColor(text: string): Rgb | undefined {
  const s = text.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]!].map((c) => parseInt(c + c, 16) / 255) as unknown as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16) / 255) as unknown as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [m[1], m[2], m[3]].map((v) => Number(v) / 255) as unknown as Rgb;
  return undefined;
}
