// The README's fenced code blocks, as the snippet tests run them. A block of a language the tests
// run (html, js, ts, tsx, vue) runs as written unless the line just before its fence says
// otherwise:
//   <!-- snippet: skip (why) -->      not run: shell commands, console output, a fragment
//   <!-- snippet: compile (why) -->   bundled and type-checked, not run (it needs the network)
// Any other block needs a skip marker too, so that a new block is either run or says why not.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Languages the tests bundle and run. */
export const RUN_LANGUAGES = ['html', 'js', 'ts', 'tsx', 'vue'];

const MARKER = /^<!--\s*snippet:\s*(skip|compile)\s*\((.+)\)\s*-->\s*$/;
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([\w-]*)/;

/**
 * @typedef {{ id: number, line: number, lang: string, code: string,
 *   mode: 'run' | 'compile' | 'skip' | 'unmarked', reason: string }} Snippet
 */

/**
 * Every fenced block of `markdown`, numbered from 0 in order, with the 1-based line of its fence,
 * its language, its text and what the tests do with it (`unmarked`: a block of another language
 * with no marker, which the tests report).
 * @param {string} markdown
 * @returns {Snippet[]}
 */
export function extractSnippets(markdown) {
  const lines = markdown.split('\n');
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end]))
      end++;
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    const marker = MARKER.exec(lines[i - 1]?.trim() ?? '');
    const mode = marker ? marker[1] : RUN_LANGUAGES.includes(lang) ? 'run' : 'unmarked';
    if (mode === 'compile' && lang === 'html' && !/<script type="module">/.test(code))
      throw new Error(`README.md:${i + 1}: a compile-only html block needs a module script to bundle`);
    snippets.push({ id: snippets.length, line: i + 1, lang, code, mode, reason: marker?.[2] ?? '' });
    i = end;
  }
  return snippets;
}

/** The snippets of the repository's README.md. */
export function readmeSnippets(root = process.cwd()) {
  return extractSnippets(readFileSync(path.join(root, 'README.md'), 'utf8'));
}

/** The module scripts inside an HTML snippet, as Vite bundles those of an index.html. */
export function inlineModules(html) {
  return [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}
