import { randomBytes } from 'node:crypto';
import type { Configuration } from 'oidc-provider';

import { generateClientSecret } from '../clients/client-secret.ts';
import type { PendingRegistrations } from './pending-registrations.ts';
import { createRegistrationPolicy, registrationPolicyName } from './registration-policy.ts';
import type { RegistrationTermsStore } from './registration-terms.ts';

type Features = NonNullable<Configuration['features']>;

/**
 * Dynamic client registration (RFC 7591) only with an initial access token an admin issued
 * (POST /admin/initial-access-tokens), and management of the registration (RFC 7592) with
 * the registration access token handed out on success, rotated at every update.
 */
export function registrationFeatures(terms: RegistrationTermsStore, pending: PendingRegistrations): Pick<Features, 'registration' | 'registrationManagement'> {
  return {
    registration: {
      enabled: true,
      initialAccessToken: true,
      issueRegistrationAccessToken: true,
      policies: { [registrationPolicyName]: createRegistrationPolicy(terms, pending) },
      idFactory: () => randomBytes(10).toString('hex'),
      // 256 bits, like every secret we generate; stored as a hash by registered-clients.ts.
      secretFactory: async () => generateClientSecret(),
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
  };
}
