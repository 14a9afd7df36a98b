import type { AdminRoute } from './admin-route.ts';
import { openApiRoute } from './openapi-route.ts';
import { createAccountRoute } from './accounts/create-account.ts';
import { deleteAccountRoute } from './accounts/delete-account.ts';
import { getAccountRoute } from './accounts/get-account.ts';
import { listAccountsRoute } from './accounts/list-accounts.ts';
import { setAccountPasswordRoute } from './accounts/set-account-password.ts';
import { unlinkIdentityRoute } from './accounts/unlink-identity.ts';
import { updateAccountRoute } from './accounts/update-account.ts';
import { createClientRoute } from './clients/create-client.ts';
import { deleteClientRoute } from './clients/delete-client.ts';
import { getClientRoute } from './clients/get-client.ts';
import { listClientsRoute } from './clients/list-clients.ts';
import { rotateClientSecretRoute } from './clients/rotate-client-secret.ts';
import { updateClientRoute } from './clients/update-client.ts';
import { listTrustedIssuersRoute } from './federation/list-trusted-issuers.ts';
import { revokeAccountGrantsRoute, revokeClientGrantsRoute } from './grants/revoke-grants.ts';
import { issueInitialAccessTokenRoute } from './registration/issue-initial-access-token.ts';
import { listInitialAccessTokensRoute } from './registration/list-initial-access-tokens.ts';
import { revokeInitialAccessTokenRoute } from './registration/revoke-initial-access-token.ts';
import { createResourceRoute } from './resources/create-resource.ts';
import { deleteResourceRoute } from './resources/delete-resource.ts';
import { getResourceRoute } from './resources/get-resource.ts';
import { listResourcesRoute } from './resources/list-resources.ts';
import { updateResourceRoute } from './resources/update-resource.ts';
import { listUpstreamsRoute } from './upstreams/list-upstreams.ts';

/**
 * The admin API, as a table (paths relative to /admin). A new endpoint is one module exporting
 * an AdminRoute with its schemas (`body`, `query`, `responses`), added here: /admin/openapi.json
 * and the tests' response validation follow from the table.
 */
export const adminRoutes: AdminRoute[] = [
  openApiRoute(() => adminRoutes),
  listClientsRoute,
  createClientRoute,
  getClientRoute,
  updateClientRoute,
  deleteClientRoute,
  rotateClientSecretRoute,
  revokeClientGrantsRoute,
  listAccountsRoute,
  createAccountRoute,
  getAccountRoute,
  updateAccountRoute,
  deleteAccountRoute,
  setAccountPasswordRoute,
  revokeAccountGrantsRoute,
  unlinkIdentityRoute,
  listResourcesRoute,
  createResourceRoute,
  getResourceRoute,
  updateResourceRoute,
  deleteResourceRoute,
  listInitialAccessTokensRoute,
  issueInitialAccessTokenRoute,
  revokeInitialAccessTokenRoute,
  listUpstreamsRoute,
  listTrustedIssuersRoute,
];
