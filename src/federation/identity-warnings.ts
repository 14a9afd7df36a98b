import type { ClientRecord } from '../clients/client-record.ts';
import { federatedIdentityKey } from '../clients/federated-identity-rules.ts';
import type { FederatedIdentity } from './federated-identity.ts';

export interface IdentityWarning {
  clientId: string;
  /** Index in the client's federated identities. */
  index: number;
  message: string;
}

// GitHub Actions' issuer (enterprises with a unique issuer add a path to it), and the shape of its subjects.
const githubIssuer = 'https://token.actions.githubusercontent.com';
const githubIdConditions = ['repository_id', 'repository_owner_id'] as const;

/** A GitHub Actions identity: by its issuer, or by a subject in GitHub's `repo:owner/name:...` shape. */
export function isGithubActionsIdentity(identity: FederatedIdentity): boolean {
  return identity.issuer === githubIssuer || identity.issuer.startsWith(`${githubIssuer}/`) || identity.subject?.startsWith('repo:') === true;
}

/**
 * What start-up warns about in stored federated identities. A GitHub Actions identity matched
 * by names alone passes to whoever recreates a deleted repository or organisation under the same
 * name ("Sub:jugation", "Sleeper Squats"): GitHub's immutable `repository_id` and
 * `repository_owner_id` claims pin it. Two clients holding one identity (stored before that was
 * refused) let one workload get either client's token.
 */
export function federatedIdentityWarnings(records: readonly ClientRecord[], defaultAudience: string): IdentityWarning[] {
  const warnings: IdentityWarning[] = [];
  const holders = new Map<string, string>();
  for (const record of records) {
    for (const [index, identity] of (record.federatedIdentities ?? []).entries()) {
      const missing = githubIdConditions.filter((claim) => identity.conditions?.[claim] === undefined);
      if (isGithubActionsIdentity(identity) && missing.length > 0) {
        warnings.push({
          clientId: record.clientId,
          index,
          message: `GitHub Actions identity without ${missing.join(' and ')} conditions: a recreated repository or organisation of the same name would pass as this client`,
        });
      }
      const key = federatedIdentityKey(identity, defaultAudience);
      const holder = holders.get(key);
      if (holder !== undefined && holder !== record.clientId) {
        warnings.push({
          clientId: record.clientId,
          index,
          message: `client "${holder}" holds the same federated identity (issuer, subject, audience); remove it from one of them`,
        });
      }
      holders.set(key, record.clientId);
    }
  }
  return warnings;
}
