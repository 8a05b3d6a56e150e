/**
 * Theme tokens: every colour and size a view uses is a `--attn-*` CSS custom property with a
 * default here, for the light and the dark theme. `theme="auto"` (the default) follows
 * `prefers-color-scheme`. Set any token from outside to restyle, e.g.
 * `attn-head-view { --attn-row-height: 28px }`.
 */
import { unsafeCSS } from 'lit';

/** Every theme token with its light and dark default. Tests check that styles use exactly these. */
export const THEME_TOKENS = {
  '--attn-background': ['#ffffff', '#0d1117'],
  '--attn-foreground': ['#1f2328', '#e6edf3'],
  '--attn-muted': ['#59636e', '#9198a1'],
  '--attn-border': ['#d1d9e0', '#3d444d'],
  '--attn-hover': ['#e9ecef', '#262c36'],
  '--attn-pinned': ['#fff1c2', '#4a3b00'],
  '--attn-accent': ['#0757c2', '#6cb6ff'],
  '--attn-special-token': ['#8250df', '#d2a8ff'],
  '--attn-error': ['#b3261e', '#ff9492'],
  '--attn-highlight': ['#bc4c00', '#ffa657'],
  '--attn-positive': ['#0969da', '#4493f8'],
  '--attn-negative': ['#c55b00', '#f0883e'],
  '--attn-font-family': [
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  ],
  '--attn-mono-font-family': [
    "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
    "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
  ],
  '--attn-font-size': ['13px', '13px'],
  '--attn-row-height': ['22px', '22px'],
  '--attn-line-width': ['2', '2'],
  '--attn-max-height': ['36rem', '36rem'],
  '--attn-swatch-size': ['22px', '22px'],
} as const satisfies Record<string, readonly [light: string, dark: string]>;

export type ThemeToken = keyof typeof THEME_TOKENS;

function declarations(index: 0 | 1): string {
  return Object.entries(THEME_TOKENS)
    .map(([name, values]) => `${name}: ${values[index]};`)
    .join('\n');
}

/**
 * Theme defaults on `:host`, switched by the `theme` attribute or the system preference. Built
 * from `THEME_TOKENS` so that the values live in one place.
 */
export const themeStyles = unsafeCSS(`
  :host {
    ${declarations(0)}
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${declarations(1)}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${declarations(1)}
      color-scheme: dark;
    }
  }
`);

/**
 * Makes an embedded view (e.g. the model view's detail head view) take every theme token from
 * its container, so that tokens set on the outer element reach it: without this, the inner
 * element's own `:host` defaults would win.
 */
export function inheritTokens(selector: string) {
  return unsafeCSS(`${selector} {
    ${Object.keys(THEME_TOKENS)
      .map((name) => `${name}: inherit;`)
      .join('\n')}
  }`);
}

/** Theme attribute values. */
export type ThemeName = 'light' | 'dark' | 'auto';

/** Reads a length token (`22px`, `1.5rem`) in CSS pixels from computed style, or the fallback. */
export function readPixels(
  style: CSSStyleDeclaration,
  token: ThemeToken,
  fallback: number,
  fontSize = 16,
): number {
  const raw = style.getPropertyValue(token).trim();
  const m = /^(-?[\d.]+)(px|rem|em)?$/.exec(raw);
  if (!m) return fallback;
  const v = Number(m[1]);
  if (!Number.isFinite(v)) return fallback;
  return m[2] === 'rem' || m[2] === 'em' ? v * fontSize : v;
}
