import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { geoPlugin } from './build/geo-plugin';

// The client is built into dist/client; the server is bundled separately with `vite build --ssr`.
export default defineConfig({
  root: 'client',
  publicDir: '../public',
  plugins: [svelte(), geoPlugin()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
});
