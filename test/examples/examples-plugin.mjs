// Serves the examples to test/examples/: their React and Vue bundles (examples/<name>/main.js,
// which `npm start` builds into storybook-static/examples/), bundled on request by the same
// function as the build, so that the pages tested are the pages served; and their HTML with the
// test's error recorder first in <head>, so that an error while the page starts is seen.
import { BUNDLED, bundleExample } from '../../scripts/examples.mjs';
import { PAGE_RECORDER } from '../readme/readme-plugin.mjs';

export function examplesPlugin() {
  return {
    name: 'examples',
    async serve(context) {
      const match = /^\/examples\/(\w+)\/main\.js$/.exec(context.path);
      if (!match || !(match[1] in BUNDLED)) return undefined;
      return { body: await bundleExample(match[1]), type: 'js' };
    },
    transform(context) {
      if (!context.path.startsWith('/examples/') || !context.response.is('html')) return undefined;
      return { body: String(context.body).replace('<head>', `<head>${PAGE_RECORDER}`) };
    },
  };
}
