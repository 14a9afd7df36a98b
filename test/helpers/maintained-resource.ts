import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';
import type { SelfServicePolicy } from '../../src/resources/self-service-policy.ts';

/** A resource server alice maintains, self-service on (365 days at most) with `policy` on top, as the services' unit tests use it. */
export function maintainedResource(policy: Partial<SelfServicePolicy> = {}): ResourceServerRecord {
  return {
    identifier: 'https://plugins.example.org',
    name: 'plugins',
    scopes: ['publish'],
    signingAlg: 'ES256',
    maintainers: { accounts: ['alice'], groups: [] },
    selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [], ...policy },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Its maintainer, as the services are handed the account. */
export const alice: AccountRecord = { id: 'alice', username: 'alice', name: 'Alice A.', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };
