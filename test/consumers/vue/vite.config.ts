import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The README's Vite setup for single-file components, nothing more.
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('attn-') } } })],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
