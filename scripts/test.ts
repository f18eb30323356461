/** `npm test`: installs redis-server and chromium when missing, then runs every Vitest suite. */
import { spawnSync } from 'node:child_process';
import { ensureSystemDeps, REDIS, CHROMIUM } from './system-deps';

ensureSystemDeps(process.env.CHROMIUM_PATH ? [REDIS] : [REDIS, CHROMIUM], 'npm test');
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
