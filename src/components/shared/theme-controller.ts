import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { headPalette, relativeLuminance, toHex, type Rgb } from '../../core/palette.js';
import { resolveColor } from './colors.js';
import { readPixels, type ThemeToken } from './theme.js';

/**
 * The theme as numbers a canvas can use: the `--attn-*` tokens read from the element's computed
 * style (after its `theme` attribute and any outside overrides apply), and the head palette for
 * its background. Re-read only when asked (`invalidate`) or when the system colour scheme
 * changes; `version` grows at each read, so that a view can key what it painted on it.
 */
export class ThemeController implements ReactiveController {
  /** Grows each time the tokens are read again. */
  version = 0;
  background: Rgb = [1, 1, 1];
  foreground: Rgb = [0, 0, 0];
  /** True when the background is dark: the palette and derived colours follow it. */
  dark = false;
  fontSize = 13;
  fontFamily = 'sans-serif';
  monoFontFamily = 'monospace';
  private dirty = true;
  private media: MediaQueryList | undefined;
  private style: CSSStyleDeclaration | undefined;
  private palettes = new Map<number, { rgb: Rgb[]; css: string[] }>();
  private lengths = new Map<string, number>();

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.media = window.matchMedia('(prefers-color-scheme: dark)');
    this.media.addEventListener('change', this.handleMediaChange);
    this.dirty = true;
  }

  hostDisconnected(): void {
    this.media?.removeEventListener('change', this.handleMediaChange);
    this.media = undefined;
  }

  /** Marks the tokens as changed: the next `read` reads them again. */
  invalidate(): void {
    this.dirty = true;
  }

  /**
   * Reads the tokens if they may have changed since the last read; returns true when it did.
   * Call from `willUpdate`, after the `theme` attribute is set.
   */
  read(): boolean {
    if (!this.dirty) return false;
    const style = getComputedStyle(this.host);
    this.style = style;
    this.background = this.color('--attn-background', [1, 1, 1]);
    this.foreground = this.color('--attn-foreground', [0, 0, 0]);
    this.dark = relativeLuminance(this.background) < 0.4;
    this.fontSize = readPixels(style, '--attn-font-size', 13);
    this.fontFamily = style.getPropertyValue('--attn-font-family').trim() || 'sans-serif';
    this.monoFontFamily = style.getPropertyValue('--attn-mono-font-family').trim() || 'monospace';
    this.palettes.clear();
    this.lengths.clear();
    this.dirty = false;
    this.version++;
    return true;
  }

  /** A colour token resolved to sRGB (any CSS colour syntax), as of the last `read`. */
  color(token: ThemeToken, fallback: Rgb): Rgb {
    const style = this.style ?? getComputedStyle(this.host);
    const root = this.host.shadowRoot ?? this.host;
    return resolveColor(root, style.getPropertyValue(token), fallback);
  }

  /**
   * A length token in CSS pixels (`22px`, `1.5rem`; `em` and `rem` relative to `base`), as of
   * the last `read`, or the fallback when it is not a length.
   */
  pixels(token: ThemeToken, fallback: number, base = this.fontSize): number {
    const key = `${token}|${fallback}|${base}`;
    let v = this.lengths.get(key);
    if (v === undefined) {
      v = readPixels(this.style ?? getComputedStyle(this.host), token, fallback, base);
      this.lengths.set(key, v);
    }
    return v;
  }

  /** A colour between the background (0) and another colour (1), e.g. for hidden cells. */
  mix(other: Rgb, amount: number): Rgb {
    const b = this.background;
    return [0, 1, 2].map((i) => (1 - amount) * b[i]! + amount * other[i]!) as unknown as Rgb;
  }

  /** The font shorthand of the theme's text at `size` pixels (default: the theme's size). */
  font(size = this.fontSize, mono = false): string {
    return `${size}px ${mono ? this.monoFontFamily : this.fontFamily}`;
  }

  /** Colours of heads 0 … count − 1 for this background (head i keeps its colour at any count). */
  palette(count: number): Rgb[] {
    return this.entry(count).rgb;
  }

  /** The same colours as CSS hex strings. */
  paletteCss(count: number): string[] {
    return this.entry(count).css;
  }

  private entry(count: number): { rgb: Rgb[]; css: string[] } {
    let e = this.palettes.get(count);
    if (!e) {
      const rgb = headPalette(count, this.dark ? 'dark' : 'light');
      e = { rgb, css: rgb.map(toHex) };
      this.palettes.set(count, e);
    }
    return e;
  }

  private readonly handleMediaChange = (): void => {
    this.dirty = true;
    this.host.requestUpdate();
  };
}
