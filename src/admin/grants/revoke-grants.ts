import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findAccount } from '../accounts/find-account.ts';
import { findClient } from '../clients/find-client.ts';

// What revocation can and cannot reach, said in every answer so nobody over-trusts it.
const clientNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire. Client-credentials tokens have no grant: disable the client to stop new ones.';
const accountNote =
  'refresh tokens of these grants stop working at once; JWT access tokens already issued stay valid at resource servers that verify offline until they expire.';

/** POST /admin/clients/:id/revoke-grants: ends every device login made through this client. */
export const revokeClientGrantsRoute: AdminRoute = {
  method: 'POST',
  path: '/clients/:id/revoke-grants',
  async handle({ params, caller }, deps) {
    const record = await findClient(deps, params.id as string);
    const revoked = await deps.storage.revokeGrantsOf({ kind: 'client', id: record.clientId });
    audit(deps, caller, 'client.revoke-grants', { clientId: record.clientId, revokedGrants: revoked });
    if (revoked > 0) deps.securityEvents.emit('grant.revoked', { reqId: caller.reqId, ip: caller.ip, clientId: record.clientId, by: caller.sub, grants: revoked, reason: 'admin' });
    return { body: { client_id: record.clientId, revoked_grants: revoked, note: clientNote } };
  },
};

/** POST /admin/accounts/:id/revoke-grants: logs the person out everywhere. */
export const revokeAccountGrantsRoute: AdminRoute = {
  method: 'POST',
  path: '/accounts/:id/revoke-grants',
  async handle({ params, caller }, deps) {
    const record = await findAccount(deps, params.id as string);
    const revoked = await deps.storage.revokeGrantsOf({ kind: 'account', id: record.id });
    audit(deps, caller, 'account.revoke-grants', { accountId: record.id, revokedGrants: revoked });
    if (revoked > 0) deps.securityEvents.emit('grant.revoked', { reqId: caller.reqId, ip: caller.ip, accountId: record.id, by: caller.sub, grants: revoked, reason: 'admin' });
    return { body: { id: record.id, revoked_grants: revoked, note: accountNote } };
  },
};
