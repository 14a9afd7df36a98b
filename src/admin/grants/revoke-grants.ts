import { z } from 'zod';

import { accountKind } from '../accounts/account-routes.ts';
import { adminRoute, type AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { clientKind } from '../clients/client-routes.ts';
import { recordPath, type GrantHolder, type RecordKind } from '../record-routes.ts';

// What revocation can and cannot reach, said in every answer so nobody over-trusts it.
const clientNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire. Client-credentials tokens have no grant: disable the client to stop new ones.';
const accountNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire.';

/** POST /admin/{clients,accounts}/:id/revoke-grants: ends every grant (device login) of the holder. */
function revokeGrantsRoute<R, V>(kind: RecordKind<R, V> & GrantHolder, summary: string, note: string): AdminRoute {
  return adminRoute({
    method: 'POST',
    path: `${recordPath(kind)}/revoke-grants`,
    summary,
    responses: { 200: z.object({ [kind.field]: z.string(), revoked_grants: z.number().int(), note: z.string() }).strict() },
    async handle({ params, caller }, deps) {
      const id = kind.idOf(await kind.find(deps, params[kind.param] as string));
      const revoked = await deps.storage.revokeGrantsOf({ kind: kind.grants, id });
      audit(deps, caller, `${kind.name}.revoke-grants`, { [kind.auditField]: id, revokedGrants: revoked });
      if (revoked > 0)
        deps.securityEvents.emit('grant.revoked', {
          reqId: caller.reqId,
          ip: caller.ip,
          [kind.auditField]: id,
          by: caller.sub,
          grants: revoked,
          reason: 'admin',
        });
      return { body: { [kind.field]: id, revoked_grants: revoked, note } };
    },
  });
}

/** Ends every device login made through this client. */
export const revokeClientGrantsRoute = revokeGrantsRoute(clientKind, 'Revoke every grant made through a client', clientNote);

/** Logs the person out everywhere. */
export const revokeAccountGrantsRoute = revokeGrantsRoute(accountKind, 'Revoke every grant of an account (log the person out everywhere)', accountNote);
