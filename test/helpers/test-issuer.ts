import { createServer } from 'node:http';

import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

import { listenOnLoopback } from './free-port.ts';

export interface TestIssuer {
  /** The issuer URL, http://127.0.0.1:<port>, exactly as its tokens carry it in `iss`. */
  issuer: string;
  jwksUri: string;
  /** The public keys it publishes, for a static-JWKS trust. */
  publicJwks(): { keys: JWK[] };
  /** A signed token; `claims` are added to (or override) the shape's claims. */
  mint(claims: JWTPayload, options?: { kid?: string; lifetimeSeconds?: number; issuedAt?: number }): Promise<string>;
  /** A Kubernetes projected service-account token for namespace/name. */
  kubernetesToken(namespace: string, name: string, audience: string, claims?: JWTPayload): Promise<string>;
  /** A GitHub Actions ID token for a job of `repository` on `ref`. */
  githubActionsToken(repository: string, ref: string, audience: string, claims?: JWTPayload): Promise<string>;
  /** Adds a new signing key (published at once) and signs with it from now on. */
  rotate(): Promise<string>;
  /** Signs with a key that is never published. */
  signWithUnpublishedKey(kid: string): Promise<void>;
  /** Answers every request with 503 while down. */
  setDown(down: boolean): void;
  /** While hanging, accepts requests and never answers them (until stop). */
  setHanging(hanging: boolean): void;
  /** Requests seen for a path. */
  count(path: string): number;
  stop(): Promise<void>;
}

interface Key {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * A platform token issuer on a free loopback port: OIDC discovery and a JWKS over real HTTP,
 * minting Kubernetes- and GitHub-Actions-shaped RS256 tokens, counting what it is asked.
 */
export async function startTestIssuer(): Promise<TestIssuer> {
  const published: Key[] = [await newKey('key-1')];
  let signing: Key = published[0] as Key;
  let down = false;
  let hanging = false;
  const counts = new Map<string, number>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://issuer').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (hanging) return;
    if (down) return send(503, { error: 'down' });
    if (path === '/.well-known/openid-configuration') {
      return send(200, {
        issuer,
        jwks_uri: `${issuer}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/openid/v1/jwks') return send(200, { keys: published.map((key) => key.publicJwk) });
    return send(404, { error: 'not found' });
  });
  const issuer = await listenOnLoopback(server);

  async function mint(claims: JWTPayload, options: { kid?: string; lifetimeSeconds?: number; issuedAt?: number } = {}): Promise<string> {
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, iat, nbf: iat, exp: iat + (options.lifetimeSeconds ?? 600), jti: crypto.randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? signing.kid, typ: 'JWT' })
      .sign(signing.privateKey);
  }

  return {
    issuer,
    jwksUri: `${issuer}/openid/v1/jwks`,
    publicJwks: () => ({ keys: published.map((key) => key.publicJwk) }),
    mint,
    kubernetesToken: (namespace, name, audience, claims = {}) =>
      mint({
        aud: [audience],
        sub: `system:serviceaccount:${namespace}:${name}`,
        'kubernetes.io': { namespace, pod: { name: `${name}-7d9f8-abcde`, uid: crypto.randomUUID() }, serviceaccount: { name, uid: crypto.randomUUID() } },
        ...claims,
      }),
    githubActionsToken: (repository, ref, audience, claims = {}) =>
      mint({
        aud: audience,
        sub: `repo:${repository}:ref:${ref}`,
        repository,
        repository_id: '812345678',
        repository_owner: repository.split('/')[0],
        repository_owner_id: '483444',
        ref,
        ref_type: 'branch',
        event_name: 'push',
        workflow: 'release',
        job_workflow_ref: `${repository}/.github/workflows/release.yml@${ref}`,
        runner_environment: 'github-hosted',
        ...claims,
      }),
    async rotate() {
      const key = await newKey(`key-${published.length + 1}`);
      published.push(key);
      signing = key;
      return key.kid;
    },
    async signWithUnpublishedKey(kid) {
      signing = await newKey(kid);
    },
    setDown(value) {
      down = value;
    },
    setHanging(value) {
      hanging = value;
    },
    count: (path) => counts.get(path) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
