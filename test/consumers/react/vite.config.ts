import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The README's Vite setup, nothing more.
export default defineConfig({
  plugins: [react()],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
