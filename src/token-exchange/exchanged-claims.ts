import type { MaxPriority } from '../principals/max-priority.ts';
import { actClaim } from './act-chain.ts';

export { actClaim } from './act-chain.ts';

/**
 * A token acting for a person may do no more than any map it derives from: the person's
 * current one, the acting client's, and the subject token's own (so that a second hop cannot
 * undo what the first one narrowed). Per queue present in every map, the smallest priority; a
 * queue missing from any is absent, and so is the whole map when one of them is. Queue names are
 * compared as own keys only: `toString` or `constructor` are queues like any other.
 */
export function narrowMaxPriority(...maps: (MaxPriority | undefined)[]): MaxPriority | undefined {
  if (maps.length === 0 || maps.some((map) => map === undefined)) return undefined;
  const [first, ...rest] = maps as MaxPriority[];
  const narrowed = new Map<string, number>(Object.entries(first as MaxPriority));
  for (const map of rest) {
    for (const [queue, priority] of narrowed) {
      if (Object.hasOwn(map, queue)) narrowed.set(queue, Math.min(priority, map[queue] as number));
      else narrowed.delete(queue);
    }
  }
  return narrowed.size > 0 ? Object.fromEntries(narrowed) : undefined;
}

/** The claims an exchanged token carries besides RFC 9068's own. */
export function exchangedClaims(actingClientId: string, subjectAct: unknown, maxPriority: MaxPriority | undefined): Record<string, unknown> {
  return { act: actClaim(actingClientId, subjectAct), ...(maxPriority ? { max_priority: maxPriority } : {}) };
}
