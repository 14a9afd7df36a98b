import { AppError } from '../../errors.ts';
import { configDir } from './config-dir.ts';
import { createCredentialStore, pickSession, sessionClient, type Session } from './credential-store.ts';
import { refreshTokens, usernameOf } from './oauth-client.ts';

/**
 * The stored login (the last one, or the one `issuer`/`clientId` name) with an access token
 * valid for at least `minValid` more seconds, refreshed (and saved) when needed. Concurrent
 * callers take turns on the store's lock file, so they never spend one refresh token twice.
 */
export async function freshSession(env: NodeJS.ProcessEnv, issuer: string | undefined, clientId: string | undefined, minValid: number): Promise<Session> {
  const store = createCredentialStore(configDir(env));

  const outcome = await store.update(async (credentials) => {
    const [key, session] = pickSession(credentials, issuer, clientId);
    const now = Math.floor(Date.now() / 1000);
    if (session.accessToken && (session.accessTokenExpiresAt ?? 0) - now >= minValid) return { session };
    if (!session.refreshToken) throw new AppError('unauthorized', 'the access token has expired and this login has no refresh token; run tollgate login again');
    try {
      const tokens = await refreshTokens(sessionClient(session), session.refreshToken);
      const username = usernameOf(tokens);
      const refreshed: Session = {
        ...session,
        accessToken: tokens.access_token,
        accessTokenExpiresAt: now + (tokens.expires_in ?? 0),
        refreshToken: tokens.refresh_token ?? session.refreshToken,
        ...(tokens.scope ? { scope: tokens.scope } : {}),
        // A username changed since the login shows from the next refresh on.
        ...(username ? { username } : {}),
        updatedAt: new Date().toISOString(),
      };
      credentials.sessions[key] = refreshed;
      return { session: refreshed };
    } catch (error) {
      // A login the server has ended is forgotten here too (and the change saved).
      if (error instanceof AppError && error.code === 'unauthorized') {
        delete credentials.sessions[key];
        if (credentials.current === key) delete credentials.current;
      }
      return { error };
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.session;
}
