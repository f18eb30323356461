/** The payments part: attempts that succeeded and failed per payment channel. */
import { dictFrom } from '../../../shared/dict';
import type { PaymentEvent, PaymentsByChannel } from '../../../shared/domain';
import { count, record } from '../check';
import type { StreamPart } from '../part';

/** Payment channels tracked one by one at most; later ones are counted under "other" (bounded memory). */
export const MAX_PAYMENT_CHANNELS = 32;

export interface PaymentsState {
  channels: PaymentsByChannel;
}

export class PaymentsPart implements StreamPart<PaymentEvent, PaymentsState> {
  // A Map: channel names come from producers, and a plain object's `__proto__` is not a key (shared/dict.ts).
  readonly #byChannel = new Map<string, { ok: number; failed: number }>();
  #named = 0;

  apply(p: PaymentEvent): void {
    let c = this.#byChannel.get(p.channel);
    if (c === undefined) {
      const key = this.#named < MAX_PAYMENT_CHANNELS ? p.channel : 'other';
      c = this.#byChannel.get(key);
      if (c === undefined) this.#byChannel.set(key, (c = { ok: 0, failed: 0 }));
      if (key !== 'other') this.#named++;
    }
    if (p.ok) c.ok++;
    else c.failed++;
  }

  /** Per channel, as a prototype-free object (a channel may be named `__proto__`). */
  read(): PaymentsByChannel {
    return dictFrom([...this.#byChannel].map(([k, v]) => [k, { ok: v.ok, failed: v.failed }] as const));
  }

  state(): PaymentsState {
    return { channels: this.read() };
  }

  restore(s: PaymentsState): void {
    for (const [k, v] of Object.entries(s.channels)) {
      this.#byChannel.set(k, { ok: v.ok, failed: v.failed });
      if (k !== 'other') this.#named++;
    }
  }
}

export function checkPayments(s: Record<string, unknown>, at: string): void {
  for (const [k, v] of Object.entries(record(s.channels, `${at}.channels`))) {
    const c = record(v, `${at}.channels.${k}`);
    count(c.ok, `${at}.channels.${k}.ok`);
    count(c.failed, `${at}.channels.${k}.failed`);
  }
}
