/** Entry point: reads the environment and the event file, starts warroom, stops it on a signal. */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from './config';
import { parseEventDefinition, EventFileError } from './event';
import { startWarroom } from './app';
import { StartRefused } from './resume';
import { createLogger } from './log';

const log = createLogger();

function fail(msg: string): never {
  process.stderr.write(`warroom: ${msg}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config;
  let event;
  try {
    config = loadConfig(process.env, () => randomBytes(24).toString('base64url'));
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(config.eventPath, 'utf8'));
    } catch (e) {
      throw new EventFileError(`${config.eventPath}: cannot be read as JSON: ${(e as Error).message}`);
    }
    event = parseEventDefinition(raw, config.eventPath, Date.now(), config.t0Override);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof EventFileError) fail(e.message);
    throw e;
  }

  let app;
  try {
    app = await startWarroom(config, event, log);
  } catch (e) {
    if (e instanceof StartRefused) fail(e.message);
    throw e;
  }
  log.info(`warroom serving "${event.name}" at ${app.url}, T0 ${new Date(event.t0Ms).toISOString()}`);
  if (config.viewerTokenGenerated) {
    // Printed once, like Jupyter: the server never serves anonymously.
    process.stdout.write(`\n  Open the wall:  ${app.url}/wall?token=${config.viewerToken}\n\n`);
  }
  if (config.adminTokenGenerated) {
    process.stdout.write(`  Admin page (keep private):  ${app.url}/admin?token=${config.adminToken}\n\n`);
  }
  const stop = (): void => {
    log.info('stopping');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Another process took over while this one was stalled: its count is stale. Exit (status 3);
  // started again, it joins as a standby.
  // A standby whose takeover failed released the lease; started again, it stands by anew.
  void app.takeOverFailed.then((e) => {
    log.error(`exiting: taking over failed: ${e.message}`);
    app.close().finally(() => process.exit(e instanceof StartRefused ? 2 : 1));
    setTimeout(() => process.exit(1), 5000).unref();
  });
  void app.leaseLost.then(() => {
    log.error('exiting: this process no longer holds the ingest lease');
    app.close().finally(() => process.exit(3));
    setTimeout(() => process.exit(3), 5000).unref();
  });
}

process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
main().catch((e) => fail((e as Error).stack ?? String(e)));
