import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../server/lifecycle';

describe('Lifecycle', () => {
  it('aborts its signal first, then stops the parts last started first, waiting for each', async () => {
    const life = new Lifecycle();
    const order: string[] = [];
    life.started('connections', () => order.push(`connections (aborted: ${life.signal.aborted})`));
    life.started('lease', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('lease');
    });
    life.started('counting', () => order.push('counting'));
    await life.stop();
    expect(order).toEqual(['counting', 'lease', 'connections (aborted: true)']);
  });

  it('runs every stop when one fails and rejects with the first failure, naming the part', async () => {
    const life = new Lifecycle();
    const ran: string[] = [];
    life.started('a', () => ran.push('a'));
    life.started('b', () => Promise.reject(new Error('b broke')));
    life.started('c', () => {
      throw new Error('c broke');
    });
    await expect(life.stop()).rejects.toThrow('stopping c: c broke');
    expect(ran).toEqual(['a']);
  });

  it('stops once: a second stop() shares the first', async () => {
    const life = new Lifecycle();
    let stops = 0;
    life.started('x', () => stops++);
    const first = life.stop();
    expect(life.stop()).toBe(first);
    await first;
    await life.stop();
    expect(stops).toBe(1);
  });
});
