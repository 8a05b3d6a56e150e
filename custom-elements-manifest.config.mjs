// The custom elements manifest describes the shipped package: the analyzer reads src/*.ts, and
// this plugin points every module path at the file that ships for it in dist/ (src/x.ts →
// dist/x.js), so that tools following a path find a file in the installed package.
// A module named relative to the one that re-exports it (`../shared/events.js`) is resolved first.
import { posix } from 'node:path';

const shipped = (path, from) =>
  (path.startsWith('.') ? posix.join(posix.dirname(from), path) : path).replace(
    /^\/?src\/(.*)\.[jt]s$/,
    'dist/$1.js',
  );

function walk(value, from) {
  if (Array.isArray(value)) value.forEach((v) => walk(v, from));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'path' || key === 'module') && typeof v === 'string') value[key] = shipped(v, from);
      else walk(v, from);
    }
  }
}

export default {
  plugins: [
    {
      name: 'shipped-paths',
      packageLinkPhase: ({ customElementsManifest }) =>
        customElementsManifest.modules.forEach((m) => walk(m, m.path)),
    },
  ],
};
