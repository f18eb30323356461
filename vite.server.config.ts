import { defineConfig } from 'vite';

// The server bundle: one ESM file for `npm start`; dependencies stay in node_modules.
export default defineConfig({
  build: {
    ssr: 'server/main.ts',
    outDir: 'dist/server',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'main.js' } },
  },
});
