import type { StorybookConfig } from '@storybook/web-components-vite';

// Offline by design: no telemetry, no version check, no "what's new" fetch.
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
};

export default config;
