import { decodeJwt } from 'jose';

import type { Command } from '../command.ts';
import { stringOption } from '../option-values.ts';
import { formatFields } from '../output.ts';
import { configDir } from '../user/config-dir.ts';
import { createCredentialStore, pickSession } from '../user/credential-store.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show who you are logged in as, where, and until when',
  options: { issuer: { type: 'string' }, 'client-id': { type: 'string' } },
  help: `usage: tollgate status [--issuer URL] [--client-id ID] [--json]

Shows your last login (or the one named) as stored on this machine: the server, the client,
the account the tokens are for (its username, when the server sent one), and when the access
token expires. Asks the server nothing;
"tollgate token" refreshes. Exit code 3 when there is no login.`,
  async run({ values, env, out }) {
    const store = createCredentialStore(configDir(env));
    const [, session] = pickSession(await store.read(), stringOption(values, 'issuer'), stringOption(values, 'client-id'));
    const claims = session.accessToken ? decodeJwt(session.accessToken) : {};
    const expiresAt = session.accessTokenExpiresAt ? new Date(session.accessTokenExpiresAt * 1000) : undefined;
    const result = {
      issuer: session.issuer,
      client_id: session.clientId,
      subject: claims.sub ?? null,
      username: session.username ?? null,
      audience: claims.aud ?? session.resource ?? null,
      scope: session.scope ?? null,
      access_token_expires_at: expiresAt?.toISOString() ?? null,
      access_token_expired: expiresAt ? expiresAt.getTime() <= Date.now() : true,
      refresh_token: session.refreshToken ? 'stored' : 'none',
      credentials_file: store.file,
    };
    const expiry = !expiresAt
      ? 'no access token'
      : result.access_token_expired
        ? `access token expired ${result.access_token_expires_at}`
        : `access token valid until ${result.access_token_expires_at}`;
    out.result(
      result,
      () => `Logged in to ${session.issuer} as ${String(result.username ?? result.subject ?? 'unknown')} (${expiry}).\n\n${formatFields(result)}`,
    );
  },
};
