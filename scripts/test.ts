/** `npm test`: installs redis-server, redis-cli and chromium when missing, then runs every Vitest suite. */
import { spawnSync } from 'node:child_process';
import { ensureSystemDeps, REDIS, REDIS_CLI, CHROMIUM } from './system-deps';

// redis-cli starts the Redis Cluster of the cluster tests.
ensureSystemDeps(process.env.CHROMIUM_PATH ? [REDIS, REDIS_CLI] : [REDIS, REDIS_CLI, CHROMIUM], 'npm test');
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
