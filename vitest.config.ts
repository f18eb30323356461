import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { geoPlugin } from './build/geo-plugin';

export default defineConfig({
  plugins: [svelte(), geoPlugin()],
  resolve: { conditions: ['browser'] },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser suites share one redis-server and two cores: keep files in parallel modest.
    maxWorkers: 2,
  },
});
