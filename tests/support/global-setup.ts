/** Once per test run: a private redis-server on a free port, and fresh client and server builds. */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startRedis, type RedisProcess } from '../../scripts/redis-process';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: RedisProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  redis = await startRedis();
  project.provide('redisUrl', redis.url);
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  // Fault tests run the production server bundle as a real process (to kill -9 it).
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.server.config.ts', '--logLevel', 'error'], {
    stdio: 'inherit',
  });
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
