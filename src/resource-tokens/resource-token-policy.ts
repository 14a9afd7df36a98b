import { invalidField } from '../errors.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { noSelfService } from '../resources/self-service-policy.ts';
import type { NewResourceToken } from './resource-token-input.ts';

/** What a maintainer hands a CI job: scopes and a `max_priority`. */
export interface Rights {
  scopes: string[];
  maxPriority: MaxPriority | undefined;
}

export interface CheckedToken extends Rights {
  expiresAt: string;
}

/**
 * SPEC §15: a resource token or trusted publisher carries only scopes the policy allows, and a
 * `max_priority` within both the resource's ceiling and its creator's own effective map (a
 * maintainer cannot hand a CI job more than they hold). Without scopes: every scope allowed.
 */
export function checkRights(
  resource: ResourceServerRecord,
  creatorMap: MaxPriority | undefined,
  input: { scopes?: string[] | undefined; max_priority?: MaxPriority | undefined },
): Rights {
  const policy = resource.selfService ?? noSelfService;
  const allowed = policy.scopes ?? resource.scopes;
  const scopes = input.scopes ?? allowed;
  const refused = scopes.find((scope) => !allowed.includes(scope));
  if (refused !== undefined)
    throw invalidField('scopes', `"${refused}" is not a scope the CI tokens of ${resource.identifier} may carry (${allowed.join(' ') || 'none'})`);

  for (const [queue, priority] of Object.entries(input.max_priority ?? {})) {
    const ceiling = policy.maxPriority?.[queue];
    if (ceiling === undefined || priority > ceiling) {
      throw invalidField(
        `max_priority.${queue}`,
        ceiling === undefined ? `the CI tokens of ${resource.identifier} may not carry a priority on ${queue}` : `above the resource's ceiling of ${ceiling}`,
      );
    }
    const own = creatorMap?.[queue];
    if (own === undefined || priority > own)
      throw invalidField(`max_priority.${queue}`, own === undefined ? `you hold no priority on ${queue} yourself` : `above your own max_priority of ${own}`);
  }
  const maxPriority = input.max_priority && Object.keys(input.max_priority).length > 0 ? input.max_priority : undefined;
  return { scopes: [...new Set(scopes)], maxPriority };
}

/** A new resource token: its rights (checkRights), and an expiry no later than the policy's maximum lifetime. */
export function checkNewToken(resource: ResourceServerRecord, creatorMap: MaxPriority | undefined, input: NewResourceToken, now = Date.now()): CheckedToken {
  const rights = checkRights(resource, creatorMap, input);
  const { maxLifetimeDays } = resource.selfService ?? noSelfService;
  const expiresAt = Date.parse(input.expires_at);
  const latest = now + maxLifetimeDays * 86400_000;
  if (expiresAt <= now) throw invalidField('expires_at', 'is in the past');
  if (expiresAt > latest) throw invalidField('expires_at', `is later than the maximum lifetime of ${maxLifetimeDays} days (${new Date(latest).toISOString()})`);
  return { ...rights, expiresAt: new Date(expiresAt).toISOString() };
}
