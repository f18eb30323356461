/**
 * Decides when the wall should sound a cue: a milestone newly reached, a severe alert newly shown.
 * Pure; the caller keeps the returned memory and passes it back next time.
 *
 * The first call (prev = null) only records what is already there and never cues, so a reload or
 * a late joiner does not replay old cues. Make that first call only once real data is in, i.e.
 * after the first snapshot (`store.totals !== null`), not with the empty lists before it:
 *
 *   let memory: CueMemory | null = null;
 *   $effect(() => {
 *     if (store.totals === null) return;
 *     const c = newCues(memory, store.milestones, store.alerts);
 *     memory = c.next;                 // a plain variable, not $state
 *     if (c.milestone) board.milestone();
 *     if (c.severe) board.severeAlert();
 *   });
 */

export interface CueMemory {
  /** Thresholds (minor units) reached at the last call. */
  milestonesReached: Set<string>;
  /** Ids of alerts seen at severity 'severe' (bounded, oldest dropped first). */
  severeIds: Set<string>;
}

export interface CueDecision {
  milestone: boolean;
  severe: boolean;
  next: CueMemory;
}

/** Severe alert ids remembered at most (an all-night wall must not grow without bound). */
export const MAX_SEVERE_IDS = 1000;

export function newCues(
  prev: CueMemory | null,
  milestones: readonly { thresholdMinor: string; reachedAtMs: number | null }[],
  alerts: readonly { id: string; severity: string }[],
): CueDecision {
  // Milestones: the currently reached set. A threshold that is no longer reached (a new epoch
  // starting from zero) drops out, so reaching it again in the new run cues again.
  const reached = new Set<string>();
  for (const m of milestones) if (m.reachedAtMs !== null) reached.add(m.thresholdMinor);

  // Severe alerts: remembered even after they leave the list, so one flickering in and out of a
  // truncated list (or an alert expiring and a stale copy returning) does not cue twice.
  const severeIds = new Set(prev?.severeIds ?? []);
  let newSevere = false;
  for (const a of alerts) {
    if (a.severity !== 'severe' || severeIds.has(a.id)) continue;
    severeIds.add(a.id);
    newSevere = true;
  }
  while (severeIds.size > MAX_SEVERE_IDS) severeIds.delete(severeIds.values().next().value!);

  const next: CueMemory = { milestonesReached: reached, severeIds };
  if (prev === null) return { milestone: false, severe: false, next };
  let newMilestone = false;
  for (const t of reached) if (!prev.milestonesReached.has(t)) newMilestone = true;
  return { milestone: newMilestone, severe: newSevere, next };
}
