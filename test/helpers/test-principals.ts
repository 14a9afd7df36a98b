import { randomBytes } from 'node:crypto';

import { hashPassword } from '../../src/accounts/password-hash.ts';
import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { ClientRecord } from '../../src/clients/client-record.ts';
import { generateClientSecret, hashClientSecret } from '../../src/clients/client-secret.ts';
import type { MaxPriority } from '../../src/principals/max-priority.ts';
import type { RunningServer } from '../../src/server.ts';

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;

/** A fresh account of its own, so tests that change one do not disturb each other; `fields` replace the generated ones. */
export async function createTestAccount(
  server: RunningServer,
  maxPriority: MaxPriority = { default: 3 },
  fields: Partial<Pick<AccountRecord, 'username' | 'name' | 'email'>> = {},
): Promise<AccountRecord & { password: string }> {
  const password = randomBytes(12).toString('base64url');
  const now = new Date().toISOString();
  const id = unique('acct');
  const record: AccountRecord = {
    id,
    username: id,
    passwordHash: await hashPassword(password),
    name: `Test ${id}`,
    maxPriority,
    disabled: false,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  if (!(await server.tollgate.accounts.create(record))) throw new Error('account exists');
  return { ...record, password };
}

const deviceGrants: ClientRecord['grantTypes'] = ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'];

/** A client of its own; confidential (with the given or a new secret, hashed with the server's pepper) unless `authMethod: 'none'`. */
export async function createTestClient(
  server: RunningServer,
  fields: Partial<ClientRecord> = {},
  givenSecret?: string,
): Promise<ClientRecord & { secret: string | undefined }> {
  const now = new Date().toISOString();
  const authMethod = fields.authMethod ?? 'client_secret_basic';
  const secret = authMethod === 'none' ? undefined : (givenSecret ?? generateClientSecret());
  const record: ClientRecord = {
    clientId: unique('client'),
    name: 'Test client',
    description: 'created by a test',
    grantTypes: deviceGrants,
    authMethod,
    secrets: secret ? [{ hash: hashClientSecret(secret, server.tollgate.config.secretPepper) }] : [],
    scopes: ['demo:read', 'demo:write'],
    resources: ['urn:tollgate:demo'],
    defaultResource: 'urn:tollgate:demo',
    disabled: false,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  if (!(await server.tollgate.clients.create(record))) throw new Error('client exists');
  return { ...record, secret };
}
