/**
 * The event card's inputs, checked before anything is sent: a T0 shift in whole seconds, a T0 as a
 * `datetime-local` value in the event's zone, the target and milestones in major units. Each gives
 * the patch for the server or the text saying what is wrong. Pure.
 */
import type { EventPatch } from '../../../shared/api';
import { amountProblem, fromLocalInput, parseMilestones, type AmountProblem } from '../admin-format';
import type { AdminText } from '../strings';

/** A patch to send, or the problem to show instead. */
export type Checked = { patch: EventPatch } | { problem: string };

function amountText(p: AmountProblem, t: AdminText): string {
  return p === 'format' ? t.badAmount : p === 'decimals' ? t.badDecimals : t.badOrder;
}

/** Moves T0 by `by` seconds, earlier (−1) or later (+1). */
export function checkShift(sign: 1 | -1, by: number | null, t: AdminText): Checked {
  const n = Number(by);
  if (!Number.isInteger(n) || n <= 0) return { problem: t.badShift };
  return { patch: { shiftSeconds: sign * n } };
}

/** Sets T0 to a `datetime-local` value read in zone `tz`. */
export function checkT0(input: string, tz: string, t: AdminText): Checked {
  const ms = fromLocalInput(input, tz);
  return ms === null ? { problem: t.badTime } : { patch: { t0Ms: ms } };
}

/** The target and the comma-separated milestones, in major units with at most `digits` decimals. */
export function checkGoals(targetInput: string, milestonesInput: string, digits: number, t: AdminText): Checked {
  const target = targetInput.trim();
  const tp = amountProblem(target, digits);
  if (tp) return { problem: `${t.target}: ${amountText(tp, t)}` };
  const ms = parseMilestones(milestonesInput, digits);
  if ('problem' in ms) return { problem: `${amountText(ms.problem, t)}: ${ms.at}` };
  return { patch: { target, milestones: ms.values } };
}
