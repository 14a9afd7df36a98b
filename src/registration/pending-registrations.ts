import Provider from 'oidc-provider';

import type { RegistrationTerms } from './registration-terms.ts';

export interface PendingRegistration {
  terms: RegistrationTerms;
  initialAccessTokenId: string;
}

const stateKey = Symbol('tollgate.pendingRegistration');
type State = Record<symbol, { clientId: string; pending: PendingRegistration } | undefined>;

/**
 * Hands the terms found by the registration policy to the client store's upsert, which
 * oidc-provider calls a moment later in the same request with only the client metadata. They
 * travel in that request's koa state, reached through `Provider.ctx` (oidc-provider's documented
 * AsyncLocalStorage access to the request), so nothing outlives the request.
 */
export function createPendingRegistrations() {
  const state = (): State => {
    const ctx = Provider.ctx;
    if (!ctx) throw new Error('a registration is handled outside of an oidc-provider request');
    return ctx.state as State;
  };
  return {
    put(clientId: string, pending: PendingRegistration) {
      state()[stateKey] = { clientId, pending };
    },
    take(clientId: string): PendingRegistration | undefined {
      const entry = state()[stateKey];
      if (entry?.clientId !== clientId) return undefined;
      state()[stateKey] = undefined;
      return entry.pending;
    },
  };
}

export type PendingRegistrations = ReturnType<typeof createPendingRegistrations>;
