// Searches the first head colours of each theme: `node scripts/palette-search.mjs` (about a minute
// per theme; deterministic, so a rerun prints the same colours). It prints the SEARCHED and
// CONTINUED tables of src/core/palette.ts and the figures test/core/palette.test.ts checks.
//   --iterations <n>   annealing steps per restart (default 800000)
//   --restarts <n>     independent runs per theme, the best kept (default 6)
//
// Why a search and not the greedy pick palette.ts continues with: head i keeps its colour whatever
// the number of heads, so every prefix (2, 3, …, 12 colours) has to be well spread at once, and a
// greedy farthest-point order, optimal for no prefix in particular, fell below d3's category10
// (bertviz's colours) at 4, 8 and 12 heads. So this anneals an ordered list of 12 8-bit colours,
// maximising the worst, over n = 2..12, of
//   min(closest pair of the first n under normal vision / category10's closest pair of its first n,
//       closest pair of the first n under the worst simulated dichromacy / (CVD_SHARE × the same))
// (for n > 10, category10's 10-colour figure: it repeats after that). A score ≥ 1 meets every bar.
// Every colour contrasts ≥ 3:1 with the theme's background; lightness and chroma bounds keep the
// colours off near-black, near-white and neon, which a max-min search otherwise runs to.
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const ITERATIONS = option('--iterations', 800_000);
const RESTARTS = option('--restarts', 6);

// The palette maths from the source itself (one copy of the vision matrices and OKLab).
const source = readFileSync(new URL('../src/core/palette.ts', import.meta.url), 'utf8');
const { code } = await transform(source, { loader: 'ts', format: 'esm' });
const { contrastRatio, extendPalette, minPairDistances, parseColor, toHex, visionLabs } = await import(
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
);

const COUNT = 12;
/** How far palette.ts precomputes the greedy continuation. */
const CONTINUED_TO = 32;
/** d3's category10, the colours bertviz gives its heads. */
const CATEGORY10 = '1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 7f7f7f bcbd22 17becf'
  .split(' ')
  .map((hex) => parseColor(`#${hex}`));
/** Target for the simulated visions, as a share of the normal-vision bar. */
const CVD_SHARE = 0.75;
/** The views' default backgrounds (--attn-background) and the search's bounds per theme. */
const THEMES = {
  light: { background: '#ffffff', minL: 0.42, maxL: 1, maxC: 0.22 },
  dark: { background: '#0d1117', minL: 0.6, maxL: 0.85, maxC: 0.2 },
};
/** Head 0 is a blue, as in bertviz: OKLCH hue range in degrees. */
const FIRST_HUE = [235, 275];

// Bars: category10's closest pair among its first n colours, normal and worst simulated vision.
const bar = [];
const cvdBar = [];
for (let n = 2; n <= COUNT; n++) {
  const [normal, ...cvd] = minPairDistances(CATEGORY10.slice(0, Math.min(n, 10)));
  bar[n] = normal;
  cvdBar[n] = Math.min(...cvd);
}

/** mulberry32: a seeded generator, so that the search is reproducible. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function search(theme) {
  const { background, minL, maxL, maxC } = THEMES[theme];
  const bg = parseColor(background);
  const rnd = random(theme === 'light' ? 1 : 2);
  /** The colour with its four visions' OKLab, or null where it breaks a bound. */
  const colour = (bytes, first) => {
    const rgb = bytes.map((v) => v / 255);
    if (contrastRatio(rgb, bg) < 3) return null;
    const labs = visionLabs(rgb);
    const [L, a, b] = labs[0];
    if (L < minL || L > maxL || Math.hypot(a, b) > maxC) return null;
    if (first) {
      const hue = ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360;
      if (hue < FIRST_HUE[0] || hue > FIRST_HUE[1]) return null;
    }
    return { bytes, labs };
  };
  const randomColour = (first) => {
    for (;;) {
      const c = colour(
        [0, 1, 2].map(() => Math.floor(rnd() * 256)),
        first,
      );
      if (c) return c;
    }
  };
  const dist = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  // Worst prefix ratio, plus a small share of the mean so that the search still climbs while the
  // worst prefix is stuck.
  const score = (seq) => {
    let normal = Infinity;
    let cvd = Infinity;
    let worst = Infinity;
    let sum = 0;
    for (let n = 2; n <= COUNT; n++) {
      const q = seq[n - 1].labs;
      for (let i = 0; i < n - 1; i++) {
        const p = seq[i].labs;
        normal = Math.min(normal, dist(p[0], q[0]));
        for (let v = 1; v < 4; v++) cvd = Math.min(cvd, dist(p[v], q[v]));
      }
      const ratio = Math.min(normal / bar[n], cvd / (CVD_SHARE * bar[n]));
      worst = Math.min(worst, ratio);
      sum += ratio;
    }
    return worst + (0.002 * sum) / (COUNT - 1);
  };

  let best;
  let bestScore = -Infinity;
  for (let restart = 0; restart < RESTARTS; restart++) {
    let seq = Array.from({ length: COUNT }, (_, i) => randomColour(i === 0));
    let current = score(seq);
    for (let it = 0; it < ITERATIONS; it++) {
      const cooling = 1 - it / ITERATIONS;
      const temperature = 0.05 * cooling + 1e-4;
      const next = seq.slice();
      const move = rnd();
      if (move < 0.1) {
        // Reorder: swap two heads (head 0 must stay blue).
        const i = Math.floor(rnd() * COUNT);
        const j = Math.floor(rnd() * COUNT);
        [next[i], next[j]] = [next[j], next[i]];
        if (!colour(next[0].bytes, true)) continue;
      } else if (move < 0.2) {
        const i = Math.floor(rnd() * COUNT);
        next[i] = randomColour(i === 0);
      } else {
        // Nudge one colour by up to `step` per 8-bit channel, the step shrinking as it cools.
        const i = Math.floor(rnd() * COUNT);
        const step = Math.max(1, Math.round(32 * cooling));
        const bytes = next[i].bytes.map((v) =>
          Math.min(255, Math.max(0, v + Math.round((rnd() * 2 - 1) * step))),
        );
        const c = colour(bytes, i === 0);
        if (!c) continue;
        next[i] = c;
      }
      const s = score(next);
      if (s >= current || rnd() < Math.exp((s - current) / temperature)) {
        seq = next;
        current = s;
        if (s > bestScore) {
          bestScore = s;
          best = seq;
        }
      }
    }
  }
  return best.map((c) => c.bytes.map((v) => v / 255));
}

const found = {};
for (const theme of Object.keys(THEMES)) found[theme] = search(theme);

const table = (name, colours) => {
  console.log(`const ${name}: Readonly<Record<PaletteTheme, readonly string[]>> = {`);
  for (const theme of Object.keys(THEMES)) {
    console.log(`  ${theme}: [${colours[theme].map((c) => `'${toHex(c)}'`).join(', ')}],`);
  }
  console.log('};\n');
};
table('SEARCHED', found);
const continued = {};
for (const theme of Object.keys(THEMES)) {
  continued[theme] = extendPalette(found[theme], theme, CONTINUED_TO).slice(COUNT);
}
table('CONTINUED', continued);
// The figures the test recomputes: closest pair among the first n colours, in OKLab.
const cells = (values) => values.map((v) => (typeof v === 'number' ? v.toFixed(3) : v).padStart(10)).join('');
console.log(cells(['n', 'light', 'light CVD', 'dark', 'dark CVD', 'cat10', 'cat10 CVD']));
for (let n = 2; n <= COUNT; n++) {
  const [light, ...lightCvd] = minPairDistances(found.light.slice(0, n));
  const [dark, ...darkCvd] = minPairDistances(found.dark.slice(0, n));
  console.log(
    cells([String(n), light, Math.min(...lightCvd), dark, Math.min(...darkCvd), bar[n], cvdBar[n]]),
  );
}
