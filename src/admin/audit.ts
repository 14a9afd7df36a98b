import type { AdminCaller, AdminDeps } from './admin-route.ts';

/** One log line per change an admin makes: who, what, to which principal; never a secret. */
export function audit(deps: AdminDeps, caller: AdminCaller, action: string, target: Record<string, unknown>): void {
  deps.logger.info({ audit: action, by: caller.sub, via: caller.clientId, ...target }, `admin: ${action}`);
}
