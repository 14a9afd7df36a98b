import { builtInResourceIdentifiers } from './resource-server-record.ts';

/**
 * The audiences of tollgate's own APIs (the admin API, the maintainers' self-service API). A
 * token for one of them acts on tollgate itself, so it is only ever issued to the client that
 * holds it directly: never by token exchange, and no exchanging client may list one among its
 * resources or what it serves (SPEC §14).
 */
const ownAudiences: readonly string[] = builtInResourceIdentifiers;

export function isOwnAudience(identifier: string): boolean {
  return ownAudiences.includes(identifier);
}
