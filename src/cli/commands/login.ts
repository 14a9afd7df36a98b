import { decodeJwt } from 'jose';

import { AppError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { stringOption, urlOption } from '../option-values.ts';
import { formatFields } from '../output.ts';
import { configDir } from '../user/config-dir.ts';
import { createCredentialStore, sessionClient, sessionKey } from '../user/credential-store.ts';
import { discover, pollForTokens, revokeToken, startDeviceAuthorization, usernameOf, withIdentityScopes } from '../user/oauth-client.ts';
import { openBrowser } from '../user/open-browser.ts';

export const loginCommand: Command = {
  name: 'login',
  summary: 'log in from this terminal (device flow)',
  options: { issuer: { type: 'string' }, 'client-id': { type: 'string' }, scope: { type: 'string' }, resource: { type: 'string' }, open: { type: 'boolean' } },
  help: `usage: tollgate login --issuer URL --client-id ID [--scope SCOPES] [--resource URI] [--open]

Starts a device login (RFC 8628): prints a page address and a code; open the page on any
device, enter the code, sign in and approve. Nothing is opened unless you pass --open.
The refresh token is stored in $XDG_CONFIG_HOME/tollgate/credentials.json (or
~/.config/tollgate/), readable by you only; "tollgate token" then prints access tokens.
  --issuer URL              the tollgate server (TOLLGATE_URL)
  --client-id ID            the device-login client to log in through (TOLLGATE_CLIENT_ID)
  --scope SCOPES            space-separated; default: every scope the client may have
                            ("openid profile" is added when the server offers it, so the
                            login knows your username)
  --resource URI            the API to get tokens for; default: the client's default
  --open                    also open the page in a browser`,
  async run({ values, env, out }) {
    const issuer = urlOption(values, 'issuer', env.TOLLGATE_URL);
    const clientId = stringOption(values, 'client-id') ?? env.TOLLGATE_CLIENT_ID;
    if (!issuer || !clientId) throw new AppError('usage', '--issuer and --client-id are required');

    const config = await discover(issuer, clientId);
    const metadata = config.serverMetadata();
    const authorization = await startDeviceAuthorization(config, withIdentityScopes(config, stringOption(values, 'scope')), stringOption(values, 'resource'));
    out.note(`To log in, open this page in a browser:\n\n    ${authorization.verification_uri}\n\nand enter the code:  ${authorization.user_code}\n`);
    if (authorization.verification_uri_complete) out.note(`(or open ${authorization.verification_uri_complete}, which has the code filled in)\n`);
    if (values.open && !(await openBrowser(authorization.verification_uri_complete ?? authorization.verification_uri))) {
      out.note('(could not open a browser here; open the page yourself)');
    }
    out.note(`Waiting for approval (the code expires in ${Math.round(authorization.expires_in / 60)} minutes)...`);

    const tokens = await pollForTokens(config, authorization);
    const claims = decodeJwt(tokens.access_token);
    const username = usernameOf(tokens);
    const idTokenSigningAlgs = metadata.id_token_signing_alg_values_supported;
    const expiresAt = Math.floor(Date.now() / 1000) + (tokens.expires_in ?? 0);
    const store = createCredentialStore(configDir(env));
    const replaced = await store.update(async (credentials) => {
      const key = sessionKey(issuer, clientId);
      const previous = credentials.sessions[key];
      credentials.sessions[key] = {
        issuer,
        clientId,
        tokenEndpoint: metadata.token_endpoint as string,
        ...(metadata.revocation_endpoint ? { revocationEndpoint: metadata.revocation_endpoint } : {}),
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
        accessToken: tokens.access_token,
        accessTokenExpiresAt: expiresAt,
        ...(tokens.scope ? { scope: tokens.scope } : {}),
        ...(typeof claims.aud === 'string' ? { resource: claims.aud } : {}),
        ...(username ? { username } : {}),
        ...(idTokenSigningAlgs ? { idTokenSigningAlgs } : {}),
        updatedAt: new Date().toISOString(),
      };
      credentials.current = key;
      return previous;
    });
    // The login this one replaces is ended on the server too, best effort.
    if (replaced?.refreshToken && replaced.revocationEndpoint) {
      await revokeToken(sessionClient(replaced), replaced.refreshToken, 'refresh_token').catch(() => {});
    }

    const result = {
      issuer,
      client_id: clientId,
      subject: claims.sub ?? null,
      username: username ?? null,
      scope: tokens.scope ?? null,
      audience: claims.aud ?? null,
      access_token_expires_at: new Date(expiresAt * 1000).toISOString(),
      refresh_token: tokens.refresh_token ? 'stored' : 'none (this client gets no refresh token)',
      credentials_file: store.file,
    };
    out.result(result, () => `Logged in to ${issuer} as ${username ?? claims.sub}.\n\n${formatFields(result)}\n\nRun "tollgate token" for an access token.`);
  },
};
