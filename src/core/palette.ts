/**
 * Head colours that stay distinguishable past ten heads and for colour-blind readers.
 *
 * bertviz colours heads with d3's category10, so head 10 looks like head 0. Here the first twelve
 * colours of each theme come from an offline search (scripts/palette-search.mjs) that makes every
 * prefix, 2 to 12 heads, at least as far apart in OKLab as category10's, under normal vision and
 * under simulated protanopia, deuteranopia and tritanopia. Past twelve, colours are picked
 * greedily from a grid of OKLCH colours: each next colour is the candidate farthest from every
 * colour already chosen, under the worst of the four visions. Every colour contrasts ≥ 3:1 with
 * the theme's background (the WCAG non-text minimum). The sequence is fixed, so head i keeps its
 * colour whatever the number of heads. Colour is never the only cue: the views label heads by
 * number.
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

/**
 * The closest pair's OKLab distance under each vision, `[normal, protan, deutan, tritan]`: how far
 * apart the two most alike of `colors` are (Infinity for fewer than two colours).
 */
export function minPairDistances(colors: readonly Rgb[]): number[] {
  const min = [Infinity, Infinity, Infinity, Infinity];
  const labs = colors.map(visionLabs);
  for (let i = 0; i < labs.length; i++) {
    for (let j = i + 1; j < labs.length; j++) {
      labs[i]!.forEach((p, v) => {
        const q = labs[j]![v]!;
        min[v] = Math.min(min[v]!, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
      });
    }
  }
  return min;
}

/** The views' default backgrounds (`--attn-background` in components/shared/theme.ts). */
const BACKGROUNDS: Readonly<Record<PaletteTheme, Rgb>> = {
  light: [1, 1, 1],
  dark: [0x0d / 255, 0x11 / 255, 0x17 / 255],
};
const LIGHTNESS: Readonly<Record<PaletteTheme, readonly number[]>> = {
  light: [0.48, 0.56, 0.64],
  dark: [0.6, 0.66, 0.72, 0.78, 0.84],
};
const CHROMAS = [0.08, 0.12, 0.16, 0.2];
const HUE_STEP = 6;
/**
 * The greedy pick counts a simulated vision's distance as if 1 / 0.6 times longer: dichromacies
 * crowd every palette, and weighing them fully kept 24–32 heads less apart under normal vision.
 */
const CVD_WEIGHT = 0.6;
/** Non-text contrast minimum of WCAG 2.1 (1.4.11). */
export const MIN_CONTRAST = 3;

/**
 * The first 12 colours of each theme, as printed by `node scripts/palette-search.mjs` (a seeded,
 * so re-derivable, simulated annealing over ordered lists of 8-bit colours). Head counts of 2 to
 * 12 are the common case and a greedy order is optimal for none of them in particular: this list
 * keeps every prefix's closest pair at least as far apart as category10's (bertviz's colours) for
 * the same number of heads, the simulated dichromacies at least 3/4 of that, and head 0 blue.
 */
const SEARCHED: Readonly<Record<PaletteTheme, readonly string[]>> = {
  light: [
    '#2c97ff',
    '#9d0001',
    '#be8d00',
    '#4428c2',
    '#8d5e68',
    '#f955b4',
    '#781b7e',
    '#d0370f',
    '#2b65f1',
    '#6e5bae',
    '#534b4a',
    '#789172',
  ],
  dark: [
    '#4376f6',
    '#f6c610',
    '#dd420b',
    '#01f0be',
    '#51b4ff',
    '#b9917f',
    '#b95a93',
    '#b7cdff',
    '#9282d0',
    '#f27b19',
    '#b3bd7d',
    '#eb8fbf',
  ],
};

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
 * The whole sequence: the searched colours, then `extendPalette`'s. Deterministic; a longer
 * sequence extends a shorter one.
 */
export function paletteSequence(theme: PaletteTheme, count: number): Rgb[] {
  return extendPalette(
    SEARCHED[theme].map((hex) => parseColor(hex)!),
    theme,
    count,
  );
}

/**
 * `start` followed by a greedy farthest-point order over a grid of OKLCH colours that contrast
 * with the theme's background, under the worst of the four visions (the simulated ones weighted
 * by CVD_WEIGHT), `count` colours in all. scripts/palette-search.mjs uses it to print the
 * precomputed table for the colours it finds.
 */
export function extendPalette(start: readonly Rgb[], theme: PaletteTheme, count: number): Rgb[] {
  const chosen = start.slice(0, count);
  if (chosen.length === count) return chosen;
  const pool = candidates(theme);
  // OKLab coordinates of every candidate under the four visions, flat: [candidate][vision][L, a, b].
  const labs = new Float64Array(pool.length * 12);
  pool.forEach((rgb, i) => visionLabs(rgb).forEach((lab, v) => labs.set(lab, i * 12 + v * 3)));
  /** Each candidate's distance to the nearest chosen colour, under its worst (weighted) vision. */
  const nearest = new Float64Array(pool.length).fill(Infinity);
  const used = new Uint8Array(pool.length);
  /** Takes a newly chosen colour's four OKLab triples into `nearest`; returns the farthest candidate. */
  const recordChoice = (chosenLabs: Float64Array | readonly number[]) => {
    let next = -1;
    let far = -1;
    for (let i = 0; i < pool.length; i++) {
      if (used[i]) continue;
      const q = i * 12;
      let d = Infinity;
      for (let v = 0; v < 12; v += 3) {
        const dL = chosenLabs[v]! - labs[q + v]!;
        const da = chosenLabs[v + 1]! - labs[q + v + 1]!;
        const db = chosenLabs[v + 2]! - labs[q + v + 2]!;
        const dist = (dL * dL + da * da + db * db) / (v === 0 ? 1 : CVD_WEIGHT * CVD_WEIGHT);
        if (dist < d) d = dist;
      }
      d = Math.sqrt(d);
      if (d < nearest[i]!) nearest[i] = d;
      if (nearest[i]! > far) {
        far = nearest[i]!;
        next = i;
      }
    }
    return next;
  };
  // With nothing to start from, the grid's first colour starts.
  let pick = chosen.length === 0 ? 0 : -1;
  for (const rgb of chosen) pick = recordChoice(visionLabs(rgb).flat());
  while (chosen.length < count && pick >= 0) {
    used[pick] = 1;
    chosen.push(pool[pick]!);
    pick = recordChoice(labs.subarray(pick * 12, pick * 12 + 12));
  }
  return chosen;
}

/**
 * The greedy colours after the searched ones, up to 32 heads, precomputed: the greedy search
 * takes ~20 ms of cold JavaScript, too long to put before a first paint. A test checks the table
 * against `paletteSequence`.
 */
const CONTINUED: Readonly<Record<PaletteTheme, readonly string[]>> = {
  light: [
    '#c458cf',
    '#2e6386',
    '#438644',
    '#992b6d',
    '#4c98ab',
    '#9249cf',
    '#ed4a4c',
    '#824f34',
    '#b17895',
    '#8925a4',
    '#9375e2',
    '#bc3294',
    '#6272a4',
    '#534bb3',
    '#5b9f5b',
    '#c92970',
    '#d76821',
    '#a42e07',
    '#ac5c2e',
    '#3a6a45',
  ],
  dark: [
    '#a752d4',
    '#688c5d',
    '#4aaa4d',
    '#df55b4',
    '#1f98ed',
    '#83e85c',
    '#6cb5a1',
    '#e1ad57',
    '#8dbde8',
    '#cd718f',
    '#dacb8f',
    '#c48cd5',
    '#5c83af',
    '#5dd0a9',
    '#f3572a',
    '#aea76b',
    '#a96c79',
    '#ccba14',
    '#f0b6d9',
    '#e678c0',
  ],
};

const computed = new Map<PaletteTheme, Rgb[]>();

/**
 * The first `count` head colours for a background, as sRGB triples. Head i always gets colour i.
 * Beyond the candidate pool (several hundred colours), colours would repeat; no model has that
 * many heads per layer.
 */
export function headPalette(count: number, theme: PaletteTheme): Rgb[] {
  const table = [...SEARCHED[theme], ...CONTINUED[theme]];
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
