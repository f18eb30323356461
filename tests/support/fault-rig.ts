/** One private redis-server and one server process per fault-test file, started and stopped with it. */
import { afterAll, beforeAll } from 'vitest';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from './server-process';
import { serverEnv, whenOwner } from './fault-env';

export interface FaultRig {
  redis: RedisProcess;
  server: ServerProcess;
  /** kill -9 the server. */
  crash(): Promise<void>;
  /** Starts the server again on the same port with the same environment, resolving once it counts (the killed one's lease has expired). */
  restart(): Promise<void>;
  crashAndRestart(): Promise<void>;
}

/** Registers beforeAll/afterAll hooks; the returned rig is filled in once they have run. */
export function useFaultRig(): FaultRig {
  const rig = {} as FaultRig;
  beforeAll(async () => {
    rig.redis = await startRedis();
    const port = await freePort();
    // A short lease: after kill -9 the restarted server waits for the dead one's lease to expire.
    const env = serverEnv(rig.redis.url, new Date(Date.now() - 60_000).toISOString(), { WARROOM_LEASE_MS: '1000' });
    rig.server = await spawnServer(env, port);
    await whenOwner(rig.server.url);
    rig.crash = () => rig.server.kill9();
    rig.restart = async () => {
      rig.server = await spawnServer(env, port);
      await whenOwner(rig.server.url);
    };
    rig.crashAndRestart = async () => {
      await rig.crash();
      await rig.restart();
    };
  });
  afterAll(async () => {
    await rig.server?.stop();
    await rig.redis?.stop();
  });
  return rig;
}
