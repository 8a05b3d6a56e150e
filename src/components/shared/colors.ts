import type { Rgb } from '../../core/palette.js';
import { parseColor } from '../../core/palette.js';

/**
 * Resolves any CSS colour (a name, `oklch()`, a custom property's value) to sRGB through the
 * browser's own parser, via a probe element inside the view's shadow root.
 */
export function resolveColor(root: ShadowRoot | HTMLElement, value: string, fallback: Rgb): Rgb {
  const direct = parseColor(value);
  if (direct) return direct;
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = value;
  root.append(probe);
  const resolved = parseColor(getComputedStyle(probe).color);
  probe.remove();
  return resolved ?? fallback;
}

/** Black or white, whichever reads better on the given colour (for swatch numbers). */
export function inkOn([r, g, b]: Rgb): string {
  const lum = 0.2126 * r ** 2.2 + 0.7152 * g ** 2.2 + 0.0722 * b ** 2.2;
  return lum > 0.18 ? '#000000' : '#ffffff';
}
