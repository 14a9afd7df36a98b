import { z } from 'zod';

import type { AdminDeps, AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findAccount } from '../accounts/find-account.ts';
import { findClient } from '../clients/find-client.ts';

// What revocation can and cannot reach, said in every answer so nobody over-trusts it.
const clientNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire. Client-credentials tokens have no grant: disable the client to stop new ones.';
const accountNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire.';

interface GrantHolder {
  kind: 'client' | 'account';
  /** The holder's id, once it is known to exist (404 otherwise). */
  find(deps: AdminDeps, id: string): Promise<string>;
  /** How the id is named in the response and in the audit line. */
  field: string;
  auditField: string;
  note: string;
  /** For /admin/openapi.json. */
  summary: string;
}

/** POST /admin/{clients,accounts}/:id/revoke-grants: ends every grant (device login) of the holder. */
function revokeGrantsRoute(holder: GrantHolder): AdminRoute {
  return {
    method: 'POST',
    path: `/${holder.kind}s/:id/revoke-grants`,
    summary: holder.summary,
    responses: { 200: z.object({ [holder.field]: z.string(), revoked_grants: z.number().int(), note: z.string() }).strict() },
    async handle({ params, caller }, deps) {
      const id = await holder.find(deps, params.id as string);
      const revoked = await deps.storage.revokeGrantsOf({ kind: holder.kind, id });
      audit(deps, caller, `${holder.kind}.revoke-grants`, { [holder.auditField]: id, revokedGrants: revoked });
      if (revoked > 0) deps.securityEvents.emit('grant.revoked', { reqId: caller.reqId, ip: caller.ip, [holder.auditField]: id, by: caller.sub, grants: revoked, reason: 'admin' });
      return { body: { [holder.field]: id, revoked_grants: revoked, note: holder.note } };
    },
  };
}

/** Ends every device login made through this client. */
export const revokeClientGrantsRoute = revokeGrantsRoute({
  kind: 'client',
  find: async (deps, id) => (await findClient(deps, id)).clientId,
  field: 'client_id',
  auditField: 'clientId',
  note: clientNote,
  summary: 'Revoke every grant made through a client',
});

/** Logs the person out everywhere. */
export const revokeAccountGrantsRoute = revokeGrantsRoute({
  kind: 'account',
  find: async (deps, id) => (await findAccount(deps, id)).id,
  field: 'id',
  auditField: 'accountId',
  note: accountNote,
  summary: 'Revoke every grant of an account (log the person out everywhere)',
});
