/**
 * Producer child process (forked with IPC by bench/run.ts): writes `wr:orders` entries, either
 * as fast as it can ("flat") or at a fixed rate ("paced"), single-order or batched form, and
 * keeps an exact ledger (entries, orders, BigInt sum of minor units) of what Redis acknowledged.
 * Optionally (single form) every n-th entry is poison: a valid id with an invalid amount, counted
 * apart (by the rejection code it should get), never in the orders or the sum.
 *
 * A separate process so its CPU is not the server's nor the parent's polling loop's; raw RESP
 * (bench/resp.ts) rather than ioredis so it leaves the shared cores to the server under test.
 * Protocol: child → {type:'ready'}; parent → {type:'go'}; child → {type:'done', result}; exit.
 */
import { Amounts } from './amounts';
import { command, RespConnection } from './resp';

export interface ProducerArgs {
  redisUrl: string;
  key: string;
  mode: 'flat' | 'paced';
  /** Orders per entry; 0 = the single-order form (fields id, amount). */
  batch: number;
  seconds: number;
  /** Hard bound on orders written, whatever the time. */
  maxOrders: number;
  /** Orders per second in paced mode. */
  rate: number;
  seed: number;
  idPrefix: string;
  /**
   * Single form only: every `poisonEvery`-th entry (the last of each group) carries an invalid
   * amount, cycling through {@link POISON_AMOUNTS}; 0 or absent = none. `maxOrders` then bounds
   * entries written (valid and poison alike).
   */
  poisonEvery?: number;
}

/** Invalid amounts written by poison entries, with the rejection code the contract gives each. */
export const POISON_AMOUNTS: readonly { text: string; code: string }[] = [
  { text: '-5', code: 'bad_amount' },
  { text: '1e309', code: 'bad_amount' },
  { text: '12.345', code: 'too_many_decimals' },
  { text: 'NaN', code: 'bad_amount' },
];

export interface ProducerResult {
  /** Entries acknowledged, poison included. */
  entries: number;
  /** Valid orders acknowledged (poison entries are not orders). */
  orders: number;
  /** Poison entries acknowledged, and per rejection code they should get. */
  poison: number;
  poisonByCode: Record<string, number>;
  /** id field of the last poison entry acknowledged (its dead letter is the last one written); null without poison. */
  lastPoisonId: string | null;
  /** Exact sum of acknowledged orders, minor units, decimal string (BigInt). */
  sumMinor: string;
  firstWriteMs: number;
  lastAckMs: number;
  /** XADD replies that were errors (their orders are not in the ledger). */
  errors: number;
  /** Producer process CPU over the run, ms. */
  cpuMs: number;
  /** Paced mode: steps that could not send their share at once (Redis or producer behind). */
  lateSteps: number;
}

type Msg = { type: 'go' };

/** One pipeline's worth of XADDs (RESP text), with each entry's order count and sum for the ledger. */
interface Chunk {
  text: string;
  orders: number[];
  sums: number[];
  /** Index into POISON_AMOUNTS of each poison entry, -1 for a valid one; empty when there is none. */
  poison: number[];
  /** Number in the id of the chunk's first entry (single form: entry i has id prefix + (first + i)). */
  first: number;
}

class Ledger {
  entries = 0;
  orders = 0;
  poison = 0;
  readonly poisonByCode: Record<string, number> = {};
  lastPoison: number | null = null;
  sum = 0n;
  errors = 0;
  lastAckMs = 0;
  #inflight: Promise<void>[] = [];

  /** Sends a chunk; keeps at most `depth` chunks in flight so the socket stays busy without unbounded buffering. */
  async send(conn: RespConnection, c: Chunk, depth: number): Promise<void> {
    const p = conn.send(c.text, c.orders.length).then((failed) => {
      // ≤ 10,000 orders × 999,999 per chunk: exact as a number, folded into the BigInt once.
      let sum = 0;
      let orders = 0;
      for (let i = 0; i < c.orders.length; i++) {
        orders += c.orders[i]!;
        sum += c.sums[i]!;
      }
      for (const i of failed) {
        orders -= c.orders[i]!;
        sum -= c.sums[i]!;
      }
      if (c.poison.length > 0) {
        const lost = new Set(failed);
        for (let i = 0; i < c.poison.length; i++) {
          const k = c.poison[i]!;
          if (k < 0 || lost.has(i)) continue;
          const code = POISON_AMOUNTS[k]!.code;
          this.poison++;
          this.poisonByCode[code] = (this.poisonByCode[code] ?? 0) + 1;
          this.lastPoison = Math.max(this.lastPoison ?? -1, c.first + i);
        }
      }
      this.errors += failed.length;
      this.entries += c.orders.length - failed.length;
      this.orders += orders;
      this.sum += BigInt(sum);
      this.lastAckMs = Date.now();
    });
    this.#inflight.push(p);
    while (this.#inflight.length >= depth) await this.#inflight.shift();
  }

  async drain(): Promise<void> {
    await Promise.all(this.#inflight);
    this.#inflight = [];
  }
}

/** Builds a chunk of `entries` entries of `batch` orders (0 = single form), numbering ids from `next`. */
function chunk(a: ProducerArgs, amounts: Amounts, entries: number, next: number): Chunk {
  let text = '';
  const orders: number[] = [];
  const sums: number[] = [];
  const poison: number[] = [];
  const every = a.batch === 0 ? (a.poisonEvery ?? 0) : 0;
  let n = next;
  for (let e = 0; e < entries; e++) {
    if (every > 0 && n % every === every - 1) {
      // Valid id, invalid amount: rejected at decode, dead-lettered, never counted.
      const k = Math.floor(n / every) % POISON_AMOUNTS.length;
      text += command(['XADD', a.key, '*', 'id', `${a.idPrefix}${n++}`, 'amount', POISON_AMOUNTS[k]!.text]);
      orders.push(0);
      sums.push(0);
      poison.push(k);
    } else if (a.batch === 0) {
      if (every > 0) poison.push(-1);
      const m = amounts.minor();
      text += command(['XADD', a.key, '*', 'id', `${a.idPrefix}${n++}`, 'amount', Amounts.text(m)]);
      orders.push(1);
      sums.push(m);
    } else {
      // Hand-built JSON: the contract's batched form, without JSON.stringify's cost in the producer.
      let s = '[';
      let sum = 0;
      for (let k = 0; k < a.batch; k++) {
        const m = amounts.minor();
        sum += m;
        s += `${k ? ',' : ''}{"id":"${a.idPrefix}${n++}","amount":"${Amounts.text(m)}"}`;
      }
      text += command(['XADD', a.key, '*', 'batch', s + ']']);
      orders.push(a.batch);
      sums.push(sum);
    }
  }
  return { text, orders, sums, poison, first: next };
}

async function flat(conn: RespConnection, a: ProducerArgs, l: Ledger): Promise<number> {
  const amounts = new Amounts(a.seed);
  const perOrder = Math.max(1, a.batch);
  // ~1000 single XADDs or ~10,000 batched orders per pipeline.
  const perPipe = a.batch === 0 ? 1000 : Math.max(1, Math.floor(10_000 / a.batch));
  const first = Date.now();
  const deadline = first + a.seconds * 1000;
  let written = 0;
  while (written + perOrder <= a.maxOrders && Date.now() < deadline) {
    const n = Math.min(perPipe, Math.floor((a.maxOrders - written) / perOrder));
    await l.send(conn, chunk(a, amounts, n, written), 3);
    written += n * perOrder;
  }
  await l.drain();
  return first;
}

async function paced(conn: RespConnection, a: ProducerArgs, l: Ledger): Promise<{ first: number; lateSteps: number }> {
  const amounts = new Amounts(a.seed);
  const stepMs = 10;
  const perStep = (a.rate * stepMs) / 1000;
  const maxSteps = Math.ceil((a.seconds * 1000) / stepMs) + 10;
  const first = Date.now();
  let sent = 0;
  let lateSteps = 0;
  for (let step = 0; step < maxSteps; step++) {
    const elapsed = Date.now() - first;
    if (elapsed >= a.seconds * 1000) break;
    // Whatever is due by the end of this step, so the rate holds even when a timer fires late.
    const due = Math.min(a.maxOrders, Math.floor(((elapsed + stepMs) * a.rate) / 1000));
    const n = Math.min(due - sent, Math.ceil(perStep * 5));
    if (due - sent > Math.ceil(perStep * 2)) lateSteps++;
    if (n > 0) {
      await l.send(conn, chunk(a, amounts, n, sent), 8);
      sent += n;
    }
    const wait = first + (step + 1) * stepMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await l.drain();
  return { first, lateSteps };
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as ProducerArgs;
  const conn = await RespConnection.open(a.redisUrl);
  await new Promise<void>((resolve) => {
    process.once('message', (m: Msg) => {
      if (m.type === 'go') resolve();
    });
    process.send!({ type: 'ready' });
  });
  const cpu0 = process.cpuUsage();
  const l = new Ledger();
  let first: number;
  let lateSteps = 0;
  if (a.mode === 'flat') first = await flat(conn, a, l);
  else ({ first, lateSteps } = await paced(conn, a, l));
  const cpu = process.cpuUsage(cpu0);
  const result: ProducerResult = {
    entries: l.entries,
    orders: l.orders,
    poison: l.poison,
    poisonByCode: l.poisonByCode,
    lastPoisonId: l.lastPoison === null ? null : `${a.idPrefix}${l.lastPoison}`,
    sumMinor: l.sum.toString(),
    firstWriteMs: first,
    lastAckMs: l.lastAckMs || first,
    errors: l.errors,
    cpuMs: (cpu.user + cpu.system) / 1000,
    lateSteps,
  };
  conn.close();
  process.send!({ type: 'done', result }, () => process.exit(0));
}

// The parent going away (crash, Ctrl-C) must not leave a producer writing.
process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  process.stderr.write(`producer: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
