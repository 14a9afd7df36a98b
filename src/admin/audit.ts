import type { AdminCaller, AdminDeps } from './admin-route.ts';

/**
 * One security event per change an admin makes (`admin.change`): who (the token's subject and
 * client), what, to which principal; never a secret.
 */
export function audit(deps: Pick<AdminDeps, 'securityEvents'>, caller: AdminCaller, action: string, target: Record<string, unknown>): void {
  deps.securityEvents.emit('admin.change', { reqId: caller.reqId, ip: caller.ip, by: caller.sub, via: caller.clientId, action, ...target });
}
