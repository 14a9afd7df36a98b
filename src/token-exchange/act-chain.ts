/** RFC 8693 §4.1: the actor, with the previous actor nested inside it. */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

// Far above any chain depth tollgate issues (tokenExchange.maxChainDepth is at most 20); a
// deeper claim is not one of ours.
const readableDepth = 32;

/**
 * The actors of an `act` claim, the current one first: `[]` without a claim, undefined when
 * the claim is malformed. Every one of them must still be enabled for the token to stand.
 */
export function actorsOf(act: unknown): string[] | undefined {
  const actors: string[] = [];
  let current = act;
  while (current !== undefined) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const { sub, act: inner } = current as { sub?: unknown; act?: unknown };
    if (typeof sub !== 'string' || actors.length >= readableDepth) return undefined;
    actors.push(sub);
    current = inner;
  }
  return actors;
}

/** `act` of a token the acting client gets: itself, with the subject token's `act` (if any) nested. */
export function actClaim(actingClientId: string, subjectAct: unknown): ActClaim {
  return actorsOf(subjectAct)?.length ? { sub: actingClientId, act: subjectAct as ActClaim } : { sub: actingClientId };
}
