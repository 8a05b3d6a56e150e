import type { Preview } from '@storybook/web-components-vite';

const preview: Preview = {
  // A docs page per component, with each story's description (what to look at, and for the demo
  // models which head and why).
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
