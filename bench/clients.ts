/**
 * Viewer swarm for the freshness phase: `node --import tsx bench/clients.ts <url> <token> <n>`
 * (forked with IPC by bench/run.ts). Opens n Socket.IO connections in batches of 50, so the
 * server is not stormed, then, between the parent's `start` and `stop`, records for every tick
 * that carries new orders how old the newest order in it is (Date.now() − newestOrderEntryMs).
 *
 * All n sockets live in this one Node process on the same box as the server: its event loop
 * adds to the measured ages, which is reported (delivery = receipt − the tick's serverNowMs).
 * Protocol: child → {type:'connected'}; parent → start, stop; child → {type:'report'}; exit.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/wire';
import { summarize, type Summary } from './stats';

export interface ClientsReport {
  type: 'report';
  requested: number;
  connected: number;
  connectFailed: number;
  /** Disconnections while recording (reconnection is off, so each one is a lost viewer). */
  disconnects: number;
  ticks: number;
  /** Ticks missed, seen as gaps in `seq` (ticks are volatile). */
  seqGaps: number;
  /** Date.now() − newestOrderEntryMs, ticks with new orders only. */
  age: Summary;
  /** serverNowMs − newestOrderEntryMs: how old the order already was when the tick was built. */
  ageAtServer: Summary;
  /** Date.now() − serverNowMs: tick transit incl. this process's event-loop wait. */
  delivery: Summary;
  /** This process's CPU while recording, % of one core. */
  cpuPercent: number;
}

type Msg = { type: 'start' | 'stop' };
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const [url = '', token = '', nText = '1000'] = process.argv.slice(2);
const n = Math.max(1, Math.min(10_000, Number(nText) || 1000));
const BATCH = 50;

let recording = false;
const ages: number[] = [];
const atServer: number[] = [];
const delivery: number[] = [];
let ticks = 0;
let seqGaps = 0;
let disconnects = 0;
const sockets: Client[] = [];

function open(): Promise<boolean> {
  const s: Client = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false, timeout: 10_000 });
  sockets.push(s);
  let lastOrders = -1;
  let lastSeq = -1;
  s.on('snapshot', (snap) => {
    lastOrders = snap.totals.orders;
    lastSeq = snap.seq;
  });
  s.on('tick', (t) => {
    const now = Date.now();
    if (recording) {
      ticks++;
      if (lastSeq >= 0 && t.seq > lastSeq + 1) seqGaps += t.seq - lastSeq - 1;
      const newest = t.source.newestOrderEntryMs;
      // Only updates that carry new orders: the age of the newest order they bring.
      if (newest !== null && t.totals.orders !== lastOrders) {
        ages.push(now - newest);
        atServer.push(t.serverNowMs - newest);
        delivery.push(now - t.serverNowMs);
      }
    }
    lastOrders = t.totals.orders;
    lastSeq = t.seq;
  });
  s.on('disconnect', () => {
    if (recording) disconnects++;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 12_000);
    s.once('connect', () => (clearTimeout(timer), resolve(true)));
    s.once('connect_error', () => (clearTimeout(timer), resolve(false)));
  });
}

async function main(): Promise<void> {
  let connected = 0;
  for (let i = 0; i < n; i += BATCH) {
    const ok = await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, open));
    connected += ok.filter(Boolean).length;
  }
  process.send!({ type: 'connected', connected, requested: n });

  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  process.on('message', (m: Msg) => {
    if (m.type === 'start') {
      recording = true;
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    } else if (m.type === 'stop') {
      recording = false;
      const cpu = process.cpuUsage(cpu0);
      const report: ClientsReport = {
        type: 'report',
        requested: n,
        connected,
        connectFailed: n - connected,
        disconnects,
        ticks,
        seqGaps,
        age: summarize(ages),
        ageAtServer: summarize(atServer),
        delivery: summarize(delivery),
        cpuPercent: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
      };
      for (const s of sockets) s.close();
      process.send!(report, () => process.exit(0));
    }
  });
}

process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  process.stderr.write(`clients: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
