import { expect } from '@open-wc/testing';
import {
  contrastRatio,
  headPalette,
  MIN_CONTRAST,
  paletteSequence,
  parseColor,
  relativeLuminance,
  toHex,
  VISIONS,
  visionDistances,
  type PaletteTheme,
  type Rgb,
} from '../../src/core/palette.js';

const WHITE: Rgb = [1, 1, 1];
const BLACK: Rgb = [0, 0, 0];
const BACKGROUND: Readonly<Record<PaletteTheme, Rgb>> = { light: WHITE, dark: BLACK };
const THEMES: readonly PaletteTheme[] = ['light', 'dark'];

/** Smallest OKLab distance between any two colours, under each vision. */
function minPairDistances(colors: readonly Rgb[]): number[] {
  const min = [Infinity, Infinity, Infinity, Infinity];
  for (let i = 0; i < colors.length; i++) {
    for (let j = i + 1; j < colors.length; j++) {
      visionDistances(colors[i]!, colors[j]!).forEach((d, v) => (min[v] = Math.min(min[v]!, d)));
    }
  }
  return min;
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

    it(`headPalette(32, "${theme}") contrasts at least ${MIN_CONTRAST}:1 with the background`, () => {
      for (const c of headPalette(32, theme)) {
        expect(contrastRatio(c, BACKGROUND[theme]), toHex(c)).to.be.at.least(MIN_CONTRAST);
      }
    });

    it(`headPalette(n, "${theme}") gives sRGB channels in [0, 1]`, () => {
      for (const c of headPalette(32, theme)) {
        for (const v of c) expect(v).to.be.within(0, 1);
      }
    });
  }

  it('headPalette(12, theme) keeps every pair apart under each vision', () => {
    // Measured minimum pairwise OKLab distances [normal, protan, deutan, tritan] for 12 heads
    // (8-bit colours as headPalette returns them):
    //   light: 0.0807, 0.0610, 0.0555, 0.0561
    //   dark:  0.0844, 0.0764, 0.0575, 0.0631
    // Pinned a little below, so that a palette change that crowds colours fails here.
    const floors: Readonly<Record<PaletteTheme, readonly number[]>> = {
      light: [0.078, 0.058, 0.053, 0.054],
      dark: [0.081, 0.074, 0.055, 0.061],
    };
    for (const theme of THEMES) {
      const min = minPairDistances(headPalette(12, theme));
      VISIONS.forEach((vision, v) => {
        expect(min[v], `${theme}, ${vision}`).to.be.above(floors[theme][v]!);
      });
    }
  });

  it('headPalette(32, theme) is the start of paletteSequence(theme), in 8-bit colours', () => {
    for (const theme of THEMES) {
      expect(headPalette(32, theme).map(toHex), theme).to.deep.equal(paletteSequence(theme, 32).map(toHex));
    }
  });

  it('paletteSequence(theme, n) extends a shorter sequence', () => {
    const long = paletteSequence('light', 40).map(toHex);
    expect(long).to.have.length(40);
    expect(new Set(long).size).to.equal(40);
    expect(paletteSequence('light', 12).map(toHex)).to.deep.equal(long.slice(0, 12));
  });

  it('headPalette(n, theme) starts with a blue', () => {
    expect(toHex(headPalette(1, 'light')[0]!)).to.equal('#358fe9');
    expect(toHex(headPalette(1, 'dark')[0]!)).to.equal('#358fe9');
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
