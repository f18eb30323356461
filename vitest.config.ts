import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { geoPlugin } from './build/geo-plugin';

export default defineConfig({
  plugins: [svelte(), geoPlugin()],
  resolve: { conditions: ['browser'] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser suites share one redis-server and two cores: keep files in parallel modest.
    maxWorkers: 2,
    projects: [
      // Pure tests: no Redis, no build, no browser. `npm run test:unit` runs only these, in seconds.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      // Everything that needs the real parts: the global setup starts a private redis-server and
      // builds the client and the server bundle first (integration, faults, browser).
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**'],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
