import type { StorybookConfig } from '@storybook/web-components-vite';

// Offline by design: no telemetry, no version check, no "what's new" fetch.
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  // The demo models (Hub layout) and the tiny test models, served with the stories so that the
  // live stories compute attention in the browser with no network.
  staticDirs: [
    { from: '../demo/models', to: '/models' },
    { from: '../test/fixtures/models', to: '/test-models' },
  ],
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
  viteFinal: (vite) => ({
    ...vite,
    // onnxruntime-web finds its .wasm and its proxy worker beside its own module: pre-bundling
    // would move the module away from them.
    optimizeDeps: {
      ...vite.optimizeDeps,
      exclude: [...(vite.optimizeDeps?.exclude ?? []), 'onnxruntime-web'],
    },
    worker: { ...vite.worker, format: 'es' },
  }),
};

export default config;
