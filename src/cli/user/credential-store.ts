import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { AppError } from '../../errors.ts';
import { withFileLock } from './file-lock.ts';
import { reconnect } from './oauth-client.ts';

/** One login: where it was made, and the tokens it holds. */
export interface Session {
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  refreshToken?: string;
  accessToken?: string;
  /** Epoch seconds. */
  accessTokenExpiresAt?: number;
  scope?: string;
  resource?: string;
  /** The account's username, from the last ID token (`preferred_username`). */
  username?: string;
  /** The server's ID token algorithms, to check the ID tokens that refreshes return. */
  idTokenSigningAlgs?: string[];
  updatedAt: string;
}

export interface Credentials {
  version: 1;
  /** Key of the session `tollgate token` uses when not told otherwise: the last login. */
  current?: string;
  sessions: Record<string, Session>;
}

export const sessionKey = (issuer: string, clientId: string) => `${issuer.replace(/\/$/, '')} ${clientId}`;

/**
 * The person's logins in `<config dir>/credentials.json`: mode 0600 in a 0700 directory, since
 * a refresh token is a long-lived credential. Every read-modify-write holds the lock file.
 */
export function createCredentialStore(directory: string) {
  const file = join(directory, 'credentials.json');
  const lock = join(directory, 'credentials.lock');

  async function read(): Promise<Credentials> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Credentials;
      return parsed.version === 1 && parsed.sessions ? parsed : { version: 1, sessions: {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, sessions: {} };
      throw new AppError('internal', `cannot read ${file}: ${(error as Error).message}; delete it and log in again`, { expose: true });
    }
  }

  async function write(credentials: Credentials): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  }

  return {
    file,
    /** The stored logins as they are now; writes replace the file whole, so no lock is needed to read. */
    read,
    /** Runs `change` on the stored credentials under the lock and saves what it leaves. */
    async update<T>(change: (credentials: Credentials) => Promise<T>): Promise<T> {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      return withFileLock(lock, async () => {
        const credentials = await read();
        const result = await change(credentials);
        await write(credentials);
        return result;
      });
    },
  };
}

/** The session named by issuer/client, or the current one; a usage error when there is none. */
export function pickSession(credentials: Credentials, issuer: string | undefined, clientId: string | undefined): [string, Session] {
  let key = credentials.current;
  if (issuer || clientId) {
    key = Object.keys(credentials.sessions).find((candidate) => {
      const session = credentials.sessions[candidate] as Session;
      return (!issuer || session.issuer === issuer.replace(/\/$/, '')) && (!clientId || session.clientId === clientId);
    });
  }
  const session = key ? credentials.sessions[key] : undefined;
  if (!key || !session) throw new AppError('unauthorized', 'not logged in; run: tollgate login --issuer URL --client-id ID');
  return [key, session];
}

/** The OAuth client of a stored login, from the endpoints it kept (no discovery round trip). */
export function sessionClient(session: Session) {
  return reconnect(
    {
      issuer: session.issuer,
      token_endpoint: session.tokenEndpoint,
      ...(session.revocationEndpoint ? { revocation_endpoint: session.revocationEndpoint } : {}),
      ...(session.idTokenSigningAlgs ? { id_token_signing_alg_values_supported: session.idTokenSigningAlgs } : {}),
    },
    session.clientId,
  );
}
