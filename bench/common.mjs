// What the benchmarks share: Debian's headless Chromium with one set of flags, medians, tables.
import os from 'node:os';
import puppeteer from 'puppeteer-core';

/** Flags for Debian's Chromium as root with no GPU and no network chatter (see DESIGN.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
];

export function launchChromium(options = {}) {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The machine, for table captions: CPU count and model. */
export function machine() {
  const cpu = os.cpus();
  return `${cpu.length} × ${cpu[0]?.model}`;
}

/** Right-aligned columns; `cols` are [heading, key, decimals or null for text]. */
export function printTable(cols, rows) {
  const cell = (r, k, d) => (d === null || typeof r[k] !== 'number' ? String(r[k] ?? '–') : r[k].toFixed(d));
  const table = [cols.map((c) => c[0]), ...rows.map((r) => cols.map(([, k, d]) => cell(r, k, d)))];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((v, i) => v.padStart(widths[i])).join('  '));
}
