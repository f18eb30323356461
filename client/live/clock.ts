/** Clock-offset estimation against the server (NTP-style midpoint, best round trip wins). */

export interface ClockSample {
  /** Local time when the probe was sent (ms). */
  sentMs: number;
  /** Local time when the answer arrived (ms). */
  receivedMs: number;
  /** Server time in the answer (ms). */
  serverMs: number;
}

export interface OffsetEstimate {
  /** Add to the local clock to get server time. */
  offsetMs: number;
  /** Round trip of the sample used; the estimate is within half of it. */
  rttMs: number;
}

/**
 * Picks the sample with the smallest round trip (least queueing) and assumes the server read its
 * clock at the midpoint. Returns null for no usable sample.
 */
export function estimateOffset(samples: readonly ClockSample[]): OffsetEstimate | null {
  let best: OffsetEstimate | null = null;
  for (const s of samples) {
    const rtt = s.receivedMs - s.sentMs;
    if (!(rtt >= 0) || !Number.isFinite(s.serverMs)) continue;
    if (best === null || rtt < best.rttMs) best = { offsetMs: s.serverMs - (s.sentMs + s.receivedMs) / 2, rttMs: rtt };
  }
  return best;
}
