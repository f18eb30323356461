/**
 * A whole warroom in this process for the screenshot and soak scripts: a private redis-server,
 * the server on a free port and the simulator, around the demo event with a given T0.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startWarroom, type Warroom } from '../server/app';
import { loadConfig } from '../server/config';
import { parseEventDefinition } from '../server/event';
import { silentLogger } from '../server/log';
import { Simulator } from '../server/simulate/simulator';
import { ensureSystemDeps, REDIS, CHROMIUM } from './system-deps';
import { startRedis } from './redis-process';

export interface LocalNight {
  app: Warroom;
  sim: Simulator;
  /** Viewer token for `${app.url}/wall?token=`. */
  token: string;
  stop(): Promise<void>;
}

export async function startLocalNight(who: string, o: { t0Ms: number; speed: number; scale: number; runId: string }): Promise<LocalNight> {
  ensureSystemDeps([REDIS, CHROMIUM], who);
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
  const redisProc = await startRedis();
  const token = `${who}-viewer-token-0123456789`;
  const config = loadConfig(
    { PORT: '0', REDIS_URL: redisProc.url, WARROOM_VIEWER_TOKEN: token, WARROOM_ADMIN_TOKEN: randomBytes(24).toString('base64url') },
    () => 'unused-generated-token-000',
  );
  const event = parseEventDefinition(
    JSON.parse(readFileSync('events/demo.json', 'utf8')),
    'events/demo.json',
    Date.now(),
    new Date(o.t0Ms).toISOString(),
  );
  const app = await startWarroom(config, event, silentLogger);
  const redis = new Redis(redisProc.url);
  const sim = new Simulator(redis, {
    t0Ms: o.t0Ms,
    speed: o.speed,
    scale: o.scale,
    seed: 11,
    keyPrefix: 'wr:',
    batchAbovePerSec: 2000,
    batchSize: 500,
    stepMs: 100,
    runId: o.runId,
  });
  return {
    app,
    sim,
    token,
    async stop() {
      sim.stop();
      redis.disconnect();
      await app.close();
      await redisProc.stop();
    },
  };
}
