import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io';
import { ResyncQueue } from '../../server/publish/outbound';

/** The few engine.io fields outbound() reads, on a socket that reads (writable) or not. */
function fakeSocket(writable: boolean): Socket & { setWritable(w: boolean): void } {
  const conn = {
    readyState: 'open',
    writeBuffer: [] as unknown[],
    transport: { name: 'websocket', writable, socket: { bufferedAmount: 0 } },
    close: () => undefined,
  };
  return {
    conn,
    disconnected: false,
    once: () => undefined,
    setWritable: (w: boolean) => (conn.transport.writable = w),
  } as unknown as Socket & { setWritable(w: boolean): void };
}

describe('ResyncQueue', () => {
  it('builds one snapshot for every resync between two ticks, and a fresh one after the next tick', () => {
    let built = 0;
    const q = new ResyncQueue(() => ({ n: ++built }));
    const got: { n: number }[] = [];
    for (let i = 0; i < 50; i++) q.ask(fakeSocket(true), (s) => got.push(s));
    expect(built).toBe(1);
    expect(new Set(got).size).toBe(1);
    q.serve(); // before the next tick
    q.ask(fakeSocket(true), (s) => got.push(s));
    expect(built).toBe(2);
    expect(got.at(-1)).toEqual({ n: 2 });
  });

  it('holds one request per socket that does not read, answers it once writable, and drops the rest', () => {
    let built = 0;
    const q = new ResyncQueue(() => ({ n: ++built }));
    const s = fakeSocket(false);
    const got: { n: number }[] = [];
    for (let i = 0; i < 10; i++) q.ask(s, (snap) => got.push(snap));
    expect(q.waiting).toBe(1);
    expect(built).toBe(0);
    s.setWritable(true);
    q.serve();
    expect(got).toEqual([{ n: 1 }]);
    expect(q.waiting).toBe(0);
  });
});
