import { AppError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { stringOption } from '../option-values.ts';
import { configDir } from '../user/config-dir.ts';
import { createCredentialStore, pickSession, sessionClient, type Session } from '../user/credential-store.ts';
import { revokeToken } from '../user/oauth-client.ts';

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'revoke and forget a login',
  options: { issuer: { type: 'string' }, 'client-id': { type: 'string' }, all: { type: 'boolean' } },
  help: `usage: tollgate logout [--issuer URL] [--client-id ID] [--all] [--json]

Revokes the refresh token of your last login (or the one named, or --all of them) at the
server (RFC 7009) and deletes it from this machine. If the server cannot be reached the login
is still forgotten here, and the exit code says the revocation did not happen.`,
  async run({ values, env, out }) {
    const store = createCredentialStore(configDir(env));
    const { ended, failures } = await store.update(async (credentials) => {
      const keys = values.all
        ? Object.keys(credentials.sessions)
        : [pickSession(credentials, stringOption(values, 'issuer'), stringOption(values, 'client-id'))[0]];
      const ended: Session[] = [];
      const failures: string[] = [];
      for (const key of keys) {
        const session = credentials.sessions[key] as Session;
        if (session.refreshToken && session.revocationEndpoint) {
          await revokeToken(sessionClient(session), session.refreshToken, 'refresh_token').catch((error: Error) =>
            failures.push(`${session.issuer}: ${error.message}`),
          );
        }
        delete credentials.sessions[key];
        if (credentials.current === key) delete credentials.current;
        ended.push(session);
      }
      return { ended, failures };
    });

    const result = { logged_out: ended.map((session) => ({ issuer: session.issuer, client_id: session.clientId })), revocation_failures: failures };
    out.result(result, () =>
      ended.length === 0 ? 'no logins to end' : ended.map((session) => `Logged out of ${session.issuer} (${session.clientId}).`).join('\n'),
    );
    if (failures.length > 0) throw new AppError('unreachable', `forgotten here, but not revoked at the server: ${failures.join('; ')}`);
  },
};
