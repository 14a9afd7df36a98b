import type { MaxPriority } from '../principals/max-priority.ts';

/** RFC 8693 §4.1: the actor, with the previous actor nested inside it. */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

/** `act` of a token the acting client gets: itself, with the subject token's `act` (if any) nested. */
export function actClaim(actingClientId: string, subjectAct: unknown): ActClaim {
  return isActClaim(subjectAct) ? { sub: actingClientId, act: subjectAct } : { sub: actingClientId };
}

function isActClaim(value: unknown): value is ActClaim {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  return typeof sub === 'string' && (act === undefined || isActClaim(act));
}

/**
 * A token acting for a person may do no more than the person, nor more than the acting client:
 * per queue present in both maps, the smaller priority; a queue missing from either is absent.
 */
export function narrowMaxPriority(person: MaxPriority | undefined, actor: MaxPriority | undefined): MaxPriority | undefined {
  if (!person || !actor) return undefined;
  const narrowed: Record<string, number> = {};
  for (const [queue, priority] of Object.entries(person)) {
    const actorPriority = actor[queue];
    if (actorPriority !== undefined) narrowed[queue] = Math.min(priority, actorPriority);
  }
  return Object.keys(narrowed).length > 0 ? narrowed : undefined;
}

/** The claims an exchanged token carries besides RFC 9068's own. */
export function exchangedClaims(actingClientId: string, subjectAct: unknown, person: MaxPriority | undefined, actor: MaxPriority | undefined): Record<string, unknown> {
  const maxPriority = narrowMaxPriority(person, actor);
  return { act: actClaim(actingClientId, subjectAct), ...(maxPriority ? { max_priority: maxPriority } : {}) };
}
