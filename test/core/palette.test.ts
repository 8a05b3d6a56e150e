import { expect } from '@open-wc/testing';
import {
  contrastRatio,
  extendPalette,
  headPalette,
  MIN_CONTRAST,
  minPairDistances,
  paletteSequence,
  parseColor,
  relativeLuminance,
  toHex,
  visionDistances,
  visionLabs,
  type PaletteTheme,
  type Rgb,
} from '../../src/core/palette.js';

const WHITE: Rgb = [1, 1, 1];
const BLACK: Rgb = [0, 0, 0];
/** The views' default backgrounds (--attn-background). */
const BACKGROUND: Readonly<Record<PaletteTheme, Rgb>> = { light: WHITE, dark: parseColor('#0d1117')! };
const THEMES: readonly PaletteTheme[] = ['light', 'dark'];
/** d3's category10, bertviz's head colours: the bar for the first heads. */
const CATEGORY10 = [
  '1f77b4',
  'ff7f0e',
  '2ca02c',
  'd62728',
  '9467bd',
  '8c564b',
  'e377c2',
  '7f7f7f',
  'bcbd22',
  '17becf',
].map((hex) => parseColor(`#${hex}`)!);

/** Closest pair of `colors` under normal vision and under the worst simulated dichromacy. */
function closest(colors: readonly Rgb[]): { normal: number; cvd: number } {
  const [normal, ...cvd] = minPairDistances(colors) as [number, ...number[]];
  return { normal, cvd: Math.min(...cvd) };
}

describe('headPalette', () => {
  for (const theme of THEMES) {
    it(`headPalette(n, "${theme}") gives n distinct colours for n up to 32`, () => {
      for (let n = 0; n <= 32; n++) {
        const colors = headPalette(n, theme);
        expect(colors).to.have.length(n);
        expect(new Set(colors.map(toHex)).size, `n = ${n}`).to.equal(n);
      }
    });

    it(`headPalette(n, "${theme}") keeps head i's colour whatever n`, () => {
      const all = headPalette(40, theme).map(toHex);
      for (let n = 1; n <= 32; n++) {
        expect(headPalette(n, theme).map(toHex), `n = ${n}`).to.deep.equal(all.slice(0, n));
      }
    });

    it(`headPalette(48, "${theme}") contrasts at least ${MIN_CONTRAST}:1 with the ${theme} background`, () => {
      for (const c of headPalette(48, theme)) {
        expect(contrastRatio(c, BACKGROUND[theme]), toHex(c)).to.be.at.least(3);
      }
    });

    it(`headPalette(n, "${theme}") gives sRGB channels in [0, 1]`, () => {
      for (const c of headPalette(32, theme)) {
        for (const v of c) expect(v).to.be.within(0, 1);
      }
    });

    it(`headPalette(n, "${theme}") for n = 2..12 keeps the closest pair as far apart as category10's`, () => {
      for (let n = 2; n <= 12; n++) {
        // category10 repeats after ten colours: its ten-colour figure is the bar past ten.
        const bar = closest(CATEGORY10.slice(0, Math.min(n, 10)));
        const ours = closest(headPalette(n, theme));
        expect(ours.normal, `n = ${n}, normal vision`).to.be.at.least(bar.normal);
        expect(ours.cvd, `n = ${n}, worst simulated dichromacy`).to.be.at.least(bar.cvd);
      }
    });
  }

  it("category10's closest pairs are the issue's figures: 0.186 / 0.113 / 0.113 for 4 / 8 / 10 colours", () => {
    expect(closest(CATEGORY10.slice(0, 4)).normal).to.be.closeTo(0.186, 5e-4);
    expect(closest(CATEGORY10.slice(0, 8)).normal).to.be.closeTo(0.113, 5e-4);
    expect(closest(CATEGORY10).normal).to.be.closeTo(0.113, 5e-4);
  });

  it('headPalette(n, theme) for n = 2..12 keeps simulated dichromacies at 3/4 of category10 normal vision', () => {
    // category10's own worst dichromacy bar is tiny past two colours (0.007: its orange and
    // green under protanopia), so this pins what the search aimed for instead.
    for (const theme of THEMES) {
      for (let n = 2; n <= 12; n++) {
        const bar = closest(CATEGORY10.slice(0, Math.min(n, 10))).normal;
        expect(closest(headPalette(n, theme)).cvd, `${theme}, n = ${n}`).to.be.at.least(0.75 * bar);
      }
    }
  });

  it('headPalette(n, theme) past 12 heads stays at least as far apart as the palette before (issue 13)', () => {
    // The greedy-only palette's closest pairs [normal, worst dichromacy], 8-bit colours.
    const before: Readonly<Record<PaletteTheme, Readonly<Record<number, readonly [number, number]>>>> = {
      light: { 16: [0.055, 0.042], 24: [0.055, 0.031], 32: [0.042, 0.022] },
      dark: { 16: [0.05, 0.042], 24: [0.05, 0.03], 32: [0.045, 0.02] },
    };
    for (const theme of THEMES) {
      for (const [n, [normal, cvd]] of Object.entries(before[theme])) {
        const ours = closest(headPalette(Number(n), theme));
        expect(ours.normal, `${theme}, n = ${n}, normal vision`).to.be.at.least(normal);
        expect(ours.cvd, `${theme}, n = ${n}, worst dichromacy`).to.be.at.least(cvd);
      }
    }
  });

  it('headPalette(32, theme) is the start of paletteSequence(theme), in 8-bit colours', () => {
    for (const theme of THEMES) {
      expect(headPalette(32, theme).map(toHex), theme).to.deep.equal(paletteSequence(theme, 32).map(toHex));
    }
  });

  it('paletteSequence(theme, n) extends a shorter sequence', () => {
    for (const theme of THEMES) {
      const long = paletteSequence(theme, 40).map(toHex);
      expect(long).to.have.length(40);
      expect(new Set(long).size).to.equal(40);
      for (const n of [5, 12, 20])
        expect(paletteSequence(theme, n).map(toHex)).to.deep.equal(long.slice(0, n));
    }
  });

  it('extendPalette(start, theme, n) keeps start and continues farthest-first', () => {
    const start = CATEGORY10.slice(0, 3);
    const out = extendPalette(start, 'light', 6);
    expect(out.slice(0, 3)).to.deep.equal(start);
    expect(out).to.have.length(6);
    // Each added colour is apart from everything before it.
    for (let i = 3; i < 6; i++) {
      expect(closest(out.slice(0, i + 1)).normal, `colour ${i}`).to.be.above(0.05);
    }
    expect(extendPalette(start, 'light', 2)).to.deep.equal(start.slice(0, 2));
    expect(new Set(extendPalette([], 'dark', 3).map(toHex)).size).to.equal(3);
    expect(extendPalette(headPalette(12, 'dark'), 'dark', 32).map(toHex)).to.deep.equal(
      headPalette(32, 'dark').map(toHex),
    );
  });

  it('headPalette(n, theme) starts with a blue (OKLCH hue 235–275°), as bertviz does', () => {
    for (const theme of THEMES) {
      const [, a, b] = visionLabs(headPalette(1, theme)[0]!)[0]!;
      const hue = ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360;
      expect(hue, theme).to.be.within(235, 275);
    }
  });
});

describe('minPairDistances', () => {
  it('minPairDistances(white, black, white-ish) is the closest pair under each vision', () => {
    const d = minPairDistances([WHITE, BLACK, [0.9, 0.9, 0.9]]);
    const expected = visionDistances(WHITE, [0.9, 0.9, 0.9]);
    d.forEach((v, i) => expect(v).to.be.closeTo(expected[i]!, 1e-12));
    expect(d[0]).to.be.below(0.1);
  });

  it('minPairDistances(fewer than two colours) is Infinity', () => {
    expect(minPairDistances([])).to.deep.equal([Infinity, Infinity, Infinity, Infinity]);
    expect(minPairDistances([WHITE])).to.deep.equal([Infinity, Infinity, Infinity, Infinity]);
  });
});

describe('contrastRatio', () => {
  it('contrastRatio(white, black) is 21, in either order', () => {
    expect(contrastRatio(WHITE, BLACK)).to.equal(21);
    expect(contrastRatio(BLACK, WHITE)).to.equal(21);
  });

  it('contrastRatio(x, x) is 1', () => {
    expect(contrastRatio([0.2, 0.4, 0.6], [0.2, 0.4, 0.6])).to.equal(1);
  });

  it('contrastRatio(red, white) is 1.05 / 0.2626', () => {
    expect(contrastRatio([1, 0, 0], WHITE)).to.be.closeTo(1.05 / 0.2626, 1e-12);
  });

  it('relativeLuminance(rgb) follows WCAG', () => {
    expect(relativeLuminance(WHITE)).to.equal(1);
    expect(relativeLuminance(BLACK)).to.equal(0);
    expect(relativeLuminance([0, 1, 0])).to.equal(0.7152);
    // 0.5 is above the linear segment: ((0.5 + 0.055) / 1.055) ** 2.4.
    expect(relativeLuminance([0.5, 0.5, 0.5])).to.be.closeTo(0.21404114048223255, 1e-15);
    // 0.04 is on the linear segment: 0.04 / 12.92.
    expect(relativeLuminance([0.04, 0.04, 0.04])).to.be.closeTo(0.04 / 12.92, 1e-15);
  });
});

describe('visionDistances', () => {
  it('visionDistances(x, x) is 0 under every vision', () => {
    expect(visionDistances([0.3, 0.6, 0.1], [0.3, 0.6, 0.1])).to.deep.equal([0, 0, 0, 0]);
  });

  it('visionDistances(white, black) is 1 (the OKLab lightness range) under every vision', () => {
    for (const d of visionDistances(WHITE, BLACK)) expect(d).to.be.closeTo(1, 1e-6);
  });

  it('visionDistances(red, green) shrinks under red-green dichromacies', () => {
    const [normal, protan, deutan, tritan] = visionDistances([1, 0, 0], [0, 1, 0]) as [
      number,
      number,
      number,
      number,
    ];
    expect(normal).to.be.closeTo(0.5198, 1e-4);
    expect(protan).to.be.closeTo(0.4409, 1e-4);
    expect(deutan).to.be.closeTo(0.2222, 1e-4);
    expect(tritan).to.be.closeTo(0.473, 1e-4);
  });
});

describe('toHex / parseColor', () => {
  it('toHex(rgb) rounds each channel to 8 bits and clamps', () => {
    expect(toHex([1, 0.5, 0])).to.equal('#ff8000');
    expect(toHex(BLACK)).to.equal('#000000');
    expect(toHex([1.2, -0.1, 0.2])).to.equal('#ff0033');
  });

  it('parseColor(#rgb | #rrggbb | #rrggbbaa) reads hex colours', () => {
    expect(parseColor('#FF8000')).to.deep.equal([1, 128 / 255, 0]);
    expect(parseColor('#abc')).to.deep.equal([0xaa / 255, 0xbb / 255, 0xcc / 255]);
    expect(parseColor('  #11223344 ')).to.deep.equal([0x11 / 255, 0x22 / 255, 0x33 / 255]);
  });

  it('parseColor(rgb() | rgba()) reads functional colours', () => {
    expect(parseColor('rgb(255, 128, 0)')).to.deep.equal([1, 128 / 255, 0]);
    expect(parseColor('rgba(0, 0, 255, 0.5)')).to.deep.equal([0, 0, 1]);
    expect(parseColor('rgb(0 51 255)')).to.deep.equal([0, 0.2, 1]);
  });

  it('parseColor(anything else) is undefined', () => {
    for (const text of ['red', '#12345', '#ggg', '', 'hsl(0, 0%, 0%)']) {
      expect(parseColor(text), text).to.equal(undefined);
    }
  });

  it('toHex(parseColor(hex)) round-trips every palette colour', () => {
    for (const theme of THEMES) {
      for (const c of headPalette(32, theme)) {
        const hex = toHex(c);
        const parsed = parseColor(hex)!;
        expect(toHex(parsed)).to.equal(hex);
        parsed.forEach((v, i) => expect(Math.abs(v - c[i]!)).to.be.at.most(0.5 / 255));
      }
    }
    for (const hex of ['#000000', '#ffffff', '#010203', '#7f8081']) {
      expect(toHex(parseColor(hex)!)).to.equal(hex);
    }
  });
});
