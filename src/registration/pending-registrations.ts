import type { RegistrationTerms } from './registration-terms.ts';

export interface PendingRegistration {
  terms: RegistrationTerms;
  initialAccessTokenId: string;
}

/**
 * Hands the terms found by the registration policy to the client store's upsert, which
 * oidc-provider calls a moment later in the same request with only the client metadata.
 * Entries not picked up (the registration failed validation in between) are dropped.
 */
export function createPendingRegistrations(maxAgeMs = 60_000) {
  const entries = new Map<string, PendingRegistration & { at: number }>();
  return {
    put(clientId: string, pending: PendingRegistration) {
      const now = Date.now();
      for (const [id, entry] of entries) if (entry.at + maxAgeMs < now) entries.delete(id);
      entries.set(clientId, { ...pending, at: now });
    },
    take(clientId: string): PendingRegistration | undefined {
      const entry = entries.get(clientId);
      entries.delete(clientId);
      return entry;
    },
  };
}

export type PendingRegistrations = ReturnType<typeof createPendingRegistrations>;
