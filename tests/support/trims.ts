/**
 * Every command that deletes stream entries, each run past warroom's cursor: one MULTI that adds
 * entries warroom has not read and then trims (or deletes) some of them, so the reader can never
 * see what was trimmed, as when warroom is paused or stopped. Before it runs, warroom must have
 * read all of the stream; every command but XDEL trims those read entries too.
 */
import type { Redis } from 'ioredis';

export interface TrimCase {
  name: string;
  /** Runs the MULTI on `key`; resolves with how many unread entries it removed. */
  run(r: Redis, key: string): Promise<number>;
}

/** `n` fresh explicit IDs after everything written so far. */
function ids(n: number): string[] {
  const ms = Date.now() + 5;
  return Array.from({ length: n }, (_, i) => `${ms}-${i + 1}`);
}

/** Adds `adds`, then runs `cmd`, in one MULTI; resolves with the unread entries lost. */
async function addThenTrim(r: Redis, key: string, adds: string[], cmd: (string | number)[], isXdel: boolean): Promise<number> {
  const m = r.multi();
  adds.forEach((id, i) => m.call('XADD', key, id, 'id', `u${id}`, 'amount', `${i + 1}.00`));
  m.call(...(cmd as [string, ...(string | number)[]]));
  m.xlen(key);
  const res = (await m.exec())!;
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  const reply = res[res.length - 2]![1];
  const left = res[res.length - 1]![1] as number;
  // XDEL removes only what it names; the others trim every read entry first, so the survivors are all new.
  const added = adds.length + (cmd[0] === 'XADD' ? 1 : 0);
  return isXdel ? (reply as number) : added - left;
}

const xadd = (k: string, trim: (string | number)[], id: string): (string | number)[] => [
  'XADD',
  k,
  ...trim,
  id,
  'id',
  `u${id}`,
  'amount',
  '1.00',
];

/** A case over `n` fresh IDs: the first `n − byXadd` added, then `cmd` (an XADD … MAXLEN/MINID adds the last one itself). */
const withIds =
  (n: number, cmd: (k: string, a: string[]) => (string | number)[], byXadd = 0) =>
  (r: Redis, k: string) => {
    const a = ids(n);
    return addThenTrim(r, k, a.slice(0, n - byXadd), cmd(k, a), cmd(k, a)[0] === 'XDEL');
  };

export const trimCases: TrimCase[] = [
  { name: 'XTRIM MAXLEN', run: withIds(5, (k) => ['XTRIM', k, 'MAXLEN', 2]) },
  { name: 'XTRIM MAXLEN ~', run: withIds(250, (k) => ['XTRIM', k, 'MAXLEN', '~', 10]) },
  { name: 'XTRIM MINID', run: withIds(5, (k, a) => ['XTRIM', k, 'MINID', a[3]!]) },
  { name: 'XTRIM MINID ~', run: withIds(250, (k, a) => ['XTRIM', k, 'MINID', '~', a[240]!]) },
  { name: 'XADD … MAXLEN', run: withIds(5, (k, a) => xadd(k, ['MAXLEN', 2], a[4]!), 1) },
  { name: 'XADD … MAXLEN ~', run: withIds(251, (k, a) => xadd(k, ['MAXLEN', '~', 10], a[250]!), 1) },
  { name: 'XADD … MINID', run: withIds(5, (k, a) => xadd(k, ['MINID', a[3]!], a[4]!), 1) },
  { name: 'XDEL', run: withIds(5, (k, a) => ['XDEL', k, a[1]!, a[3]!]) },
];
