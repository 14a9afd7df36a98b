import { IncomingMessage, type ServerResponse } from 'node:http';
import type Koa from 'koa';
import { errors, type Client, type KoaContextWithOIDC, type Provider } from 'oidc-provider';

/**
 * Every dependency tollgate has on oidc-provider beyond its documented API, in one place, each
 * with the file of oidc-provider it was read from (node_modules/oidc-provider/lib/...). An
 * upgrade re-reads exactly these; test/kernel/provider-internals.test.ts pins the version
 * range they were checked against, and a lint rule keeps such code out of every other file.
 */
export const checkedOidcProviderRange = { from: '9.13.3', below: '9.14.0' } as const;

type ErrorBody = { error?: string; error_description?: string } | undefined;

/**
 * models/client.js `compareClientSecret`, called by shared/client_auth.js for
 * client_secret_basic / client_secret_post. It compares the plaintext metadata value; we keep
 * hashes, so the comparison is replaced with ours.
 */
export function replaceClientSecretComparison(provider: Provider, compare: (clientId: string, presented: string) => Promise<boolean>): void {
  provider.Client.prototype.compareClientSecret = function compareHashedSecret(this: { clientId: string }, presented: string) {
    return compare(this.clientId, presented);
  };
}

/**
 * models/base_model.js `save` gives a token without a `jti` the id `generateTokenId()` returns
 * (formats/opaque.js: random). Refresh tokens get theirs from `mint` instead, given the token
 * (its grantId and accountId are set by then); `mint` returns undefined to leave the default.
 */
export function mintRefreshTokenIds(provider: Provider, mint: (token: { grantId?: string; accountId?: string }) => string | undefined): void {
  const model = provider.RefreshToken as unknown as { prototype: { generateTokenId(this: { grantId?: string; accountId?: string }): string } };
  const generate = model.prototype.generateTokenId;
  model.prototype.generateTokenId = function generateRefreshTokenId() {
    return mint(this) ?? generate.call(this);
  };
}

/**
 * models/client.js static `find`: for an adapter-backed client it hashes the whole metadata
 * (JSON.stringify + SHA-256) on every call to look up the `Client` it built from it, in an LRU
 * of 100 (`dynamicClients`). `around` gets the original and returns its replacement.
 */
export type FindClient = (id: unknown) => Promise<Client | undefined>;
export function wrapClientFind(provider: Provider, around: (find: FindClient) => FindClient): void {
  const model = provider.Client as unknown as { find: FindClient };
  model.find = around(model.find.bind(model));
}

/**
 * models/client.js builds every `Client` through `new Client.Schema(...)`, a static getter, which
 * this wraps so that `onBuild` hears of each client model built (its metadata validated). For
 * tests that check an unknown client id costs the same work as a known one; returns the undo.
 */
export function observeClientModelBuilds(provider: Provider, onBuild: () => void): () => void {
  const model = provider.Client as unknown as { Schema: new (...args: unknown[]) => object };
  const Schema = model.Schema;
  const original = Object.getOwnPropertyDescriptor(model, 'Schema') as PropertyDescriptor;
  Object.defineProperty(model, 'Schema', {
    configurable: true,
    get: () =>
      class ObservedSchema extends Schema {
        constructor(...args: unknown[]) {
          super(...args);
          onBuild();
        }
      },
  });
  return () => Object.defineProperty(model, 'Schema', original);
}

/**
 * models/client.js static `find` for metadata it has not built a `Client` from yet
 * (helpers/add_client.js): the metadata validated against the client schema and the `Client`
 * built from it. Nothing is kept; this only spends the same work on metadata of our choosing.
 */
export function buildClientModel(provider: Provider, metadata: Record<string, unknown>): void {
  const ClientModel = provider.Client as unknown as new (metadata: Record<string, unknown>) => Client;
  new ClientModel(metadata);
}

/**
 * The English descriptions oidc-provider gives some errors, where it answers a code RFC 6749
 * does not: actions/token.js ("requested grant type is not allowed for this client") and
 * actions/authorization/client.js `checkClientGrantType` ("<grant> is not allowed for this
 * client", at the device authorization endpoint).
 */
export function isDisallowedGrant(body: ErrorBody): boolean {
  return body?.error === 'invalid_request' && /^(requested grant type|\S+) is not allowed for this client$/.test(body.error_description ?? '');
}

/**
 * actions/grants/refresh_token.js refuses a rotated refresh token presented again with
 * InvalidGrant whose detail is "refresh token already used", after revoking its grant; so does
 * our storage (storage/consume-conflict.ts) when two redemptions race. Either way: reuse.
 */
export function isRefreshTokenReuse(ctx: KoaContextWithOIDC, error: unknown): boolean {
  return (
    ctx.oidc?.params?.grant_type === 'refresh_token' &&
    error instanceof errors.InvalidGrant &&
    (error as { error_detail?: string }).error_detail === 'refresh token already used'
  );
}

/** shared/client_auth.js: a request carrying no client authentication at all. */
export function isMissingClientAuthentication(body: ErrorBody): boolean {
  return body?.error === 'invalid_request' && body.error_description === 'no client authentication mechanism provided';
}

/** shared/xsrf.js and actions/code_verification.js: the code form's anti-forgery check failed. */
export function isDeviceFormExpired(body: ErrorBody): boolean {
  return body?.error === 'invalid_request' && /xsrf|device form details/.test(body.error_description ?? '');
}

/** Why oidc-provider re-renders the user-code page. */
export type CodeError = 'no_code' | 'not_found' | 'expired' | 'already_used' | 'aborted';
/**
 * helpers/re_render_errors.js: the classes (not exported by the package) oidc-provider re-renders
 * the user-code page with, known by their names.
 */
const codeErrorsByClass: Record<string, CodeError> = {
  NoCodeError: 'no_code',
  NotFoundError: 'not_found',
  ExpiredError: 'expired',
  AlreadyUsedError: 'already_used',
  AbortedError: 'aborted',
};
export function codeErrorOf(error: Error | undefined): CodeError | undefined {
  return error && Object.hasOwn(codeErrorsByClass, error.name) ? codeErrorsByClass[error.name] : undefined;
}

/** shared/xsrf.js `generateXsrf`: the code form's anti-forgery secret lives in the session state. */
export function deviceFormSecret(ctx: KoaContextWithOIDC): string {
  return (ctx.oidc.session?.state as { secret?: string } | undefined)?.secret ?? '';
}

/** models/interaction.js keeps the device code's id in the interaction (`deviceCode`). */
export function deviceCodeIdOf(details: object): string | undefined {
  const id = (details as { deviceCode?: unknown }).deviceCode;
  return typeof id === 'string' ? id : undefined;
}

/**
 * helpers/initialize_app.js `ensureSessionSave` persists a session that shared/error_handler.js
 * touched (generateXsrf) while re-rendering the code page; a session that was never saved
 * (no cookie, or one whose session expired) fails there with models/session.js's TypeError
 * "persist can only be called on previously persisted Sessions", which oidc-provider answers
 * with a plain-text 500. This recognises that failure so it can be answered as a client error.
 */
export function isUnsavedSessionFailure(ctx: KoaContextWithOIDC, error: unknown): boolean {
  const route = (ctx as { oidc?: KoaContextWithOIDC['oidc'] }).oidc?.route;
  if (route !== 'code_verification' && route !== 'device_resume') return false;
  return error instanceof TypeError && /previously persisted Sessions/.test(error.message);
}

/**
 * Provider is a koa application (lib/provider.js `class Provider extends Koa`); koa reports
 * failures outside the protocol handlers (a cut request, a reset socket) as its 'error' event.
 */
export function onProviderKoaError(
  provider: Provider,
  listener: (error: Error & { status?: number; code?: string }, ctx?: { state?: { requestId?: unknown }; res: ServerResponse }) => void,
): void {
  (provider as unknown as Koa).on('error', listener);
}

/**
 * Provider is a koa application, and lib/provider.js `use` puts middleware just before its
 * router, after whatever was `use`d before. `runFirst` puts middleware in front of all of it
 * (koa's `middleware` array, composed when the handler is made), so tollgate's request log,
 * error rendering and routes share the provider's koa context: one per request, not two.
 */
export function runFirst(provider: Provider, middleware: Koa.Middleware[]): Koa {
  const app = provider as unknown as Koa;
  app.middleware.unshift(...middleware);
  return app;
}

/**
 * helpers/errors.js `OIDCProviderError` keeps an `error_detail`, which shared/error_handler.js
 * writes to its debug output; for errors whose detail would name hosts or errnos it is removed.
 */
function dropErrorDetail(error: Error): void {
  delete (error as { error_detail?: string }).error_detail;
}

/**
 * oidc-provider marks its cookies `Secure` when koa says the request is (helpers/oidc_context.js
 * and models/session.js read `ctx.secure`). Behind a proxy that sends no X-Forwarded-Proto, or
 * with trust-proxy off, koa says it is not; the issuer's scheme is what the browser sees, so an
 * https issuer makes every request secure as far as the provider's cookies go. Set once on the
 * app's request prototype (koa builds each request's from it), not per request.
 */
export function secureByIssuer(provider: Provider, issuer: string): void {
  if (new URL(issuer).protocol !== 'https:') return;
  Object.defineProperty((provider as unknown as Koa).request, 'secure', { value: true });
}

/**
 * actions/grants/refresh_token.js: the refresh_token grant finds the token, refuses it itself
 * when `consumed` is set, then calls `consume()` and only after it `save()`s the successor.
 * refresh-token-rotation.ts relies on that order (consume notes the token; the successor's
 * upsert is the atomic rotation) and hides `consumed` from the grant's find.
 */
export function isRefreshTokenGrant(ctx: KoaContextWithOIDC | undefined): boolean {
  return ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
}

/**
 * models/formats/index.js `generateTokenId` resolves an access token's format (opaque or jwt,
 * from its resource server) when `save()` gives it an id; models/base_model.js `save` keeps an
 * id set beforehand, and the format then stays unresolved. A JWT access token whose id is
 * chosen before it is saved gets both (our resource servers issue JWTs only,
 * resource-server-policy.ts).
 */
export function presetJwtAccessTokenId(token: object, jti: string): void {
  Object.assign(token, { jti, format: 'jwt' });
}

/**
 * shared/selective_body.js reads a request's body from `ctx.req` and its length from
 * `ctx.request`. A middleware that has read the body itself (to change it) hands the provider a
 * request that reads as the original with `body` as its body.
 */
export function replaceRequestBody(ctx: Koa.Context, body: Buffer): void {
  const original = ctx.req;
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method as string;
  copy.url = original.url as string;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  const headers = { ...original.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  // A message that is not `complete` when it ends counts as aborted and takes the socket with it.
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  ctx.req = ctx.request.req = copy;
}

/**
 * helpers/errors.js `OIDCProviderError(status, error)`: shared/error_handler.js renders an
 * exposed one itself as `status` with `{ error, error_description }` (RFC 6749 §5.2), which is
 * how an error of ours thrown inside a provider callback (storage unreachable) reaches a client.
 * Its `error_detail`, which the provider writes to its debug output, is not kept: such errors'
 * causes name hosts and errnos.
 */
export class ProviderRenderedError extends errors.OIDCProviderError {
  constructor(status: number, error: string, description: string, cause?: unknown) {
    super(status, error, { cause });
    this.error_description = description;
    this.expose = true;
    dropErrorDetail(this);
  }
}

/** The routes of oidc-provider that tollgate's request pipeline tells apart, by oidc-provider's names (helpers/initialize_app.js). */

export type ProviderRouteName =
  | 'discovery'
  | 'jwks'
  | 'token'
  | 'device_authorization'
  | 'code_verification'
  | 'device_resume'
  | 'introspection'
  | 'revocation'
  | 'registration'
  | 'client'
  | 'client_update'
  | 'client_delete'
  | 'authorization'
  | 'resume'
  | 'end_session_confirm'
  | CorsRouteName;

/** The CORS preflight (OPTIONS) of a route, named as oidc-provider names it. */
export type CorsRouteName = 'cors.discovery' | 'cors.jwks' | 'cors.token' | 'cors.device_authorization' | 'cors.introspection' | 'cors.revocation';

export interface ProviderRoutes {
  /** The provider route a request reaches, or undefined for one its router does not serve. */
  nameOf(method: string, path: string): ProviderRouteName | undefined;
}

interface Pattern {
  method: string;
  name: ProviderRouteName;
  /** Folded segments; null where the route has a parameter. */
  segments: (string | null)[];
}

/**
 * helpers/router.js and helpers/initialize_app.js: the one answer to "which of oidc-provider's
 * routes does this request reach". Its router goes by method and path: GET also serves HEAD, case is folded, a path
 * with a trailing slash is retried once without it, and a static route wins over a
 * parameterised one of the same method. So `GET /device/auth` is the device resume with uid
 * `auth` (the device authorization endpoint is POST only), and `POST /DEVICE` is the code page:
 * middleware comparing exact strings, or ignoring the method, would pick the wrong steps.
 * Paths come from `provider.pathFor`; disabled routes are left out.
 */
export function createProviderRoutes(provider: Provider): ProviderRoutes {
  const patterns: Pattern[] = [];
  const add = (methods: readonly string[], name: ProviderRouteName, path: string | undefined) => {
    if (!path) return;
    const segments = path.split('/').map((segment) => (segment.startsWith(':') ? null : fold(segment)));
    for (const method of methods) {
      patterns.push({ method, name, segments });
      if (method === 'GET') patterns.push({ method: 'HEAD', name, segments });
    }
  };
  const pathOf = (name: string): string | undefined => {
    try {
      return provider.pathFor(name);
    } catch {
      return undefined;
    }
  };
  for (const discovery of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    add(['GET'], 'discovery', discovery);
    add(['OPTIONS'], 'cors.discovery', discovery);
  }
  add(['GET'], 'jwks', pathOf('jwks'));
  add(['OPTIONS'], 'cors.jwks', pathOf('jwks'));
  for (const name of ['token', 'device_authorization', 'introspection', 'revocation'] as const) {
    add(['POST'], name, pathOf(name));
    add(['OPTIONS'], `cors.${name}`, pathOf(name));
  }
  const codeVerification = pathOf('code_verification');
  add(['GET', 'POST'], 'code_verification', codeVerification);
  if (codeVerification) add(['GET'], 'device_resume', `${codeVerification}/:uid`);
  const registration = pathOf('registration');
  add(['POST'], 'registration', registration);
  if (registration) {
    add(['GET'], 'client', `${registration}/:clientId`);
    add(['PUT'], 'client_update', `${registration}/:clientId`);
    add(['DELETE'], 'client_delete', `${registration}/:clientId`);
  }
  const authorization = pathOf('authorization');
  add(['GET'], 'authorization', authorization);
  if (authorization) add(['GET'], 'resume', `${authorization}/:uid`);
  add(['POST'], 'end_session_confirm', pathOf('end_session_confirm'));

  const lookup = (method: string, path: string): ProviderRouteName | undefined => {
    const parts = fold(path).split('/');
    const matches = patterns.filter(
      (pattern) =>
        pattern.method === method &&
        pattern.segments.length === parts.length &&
        pattern.segments.every((segment, index) => (segment === null ? parts[index] !== '' : segment === parts[index])),
    );
    return (matches.find(({ segments }) => !segments.includes(null)) ?? matches[0])?.name;
  };
  // The pipeline asks about every request; the answer is kept per method and path. Paths come
  // from clients, so the memory is bounded: it starts over when full.
  const known = new Map<string, Map<string, ProviderRouteName | null>>();
  const nameOf = (method: string, path: string) => {
    let byPath = known.get(method);
    if (!byPath) known.set(method, (byPath = new Map()));
    let name = byPath.get(path);
    if (name === undefined) {
      name = lookup(method, path) ?? (path.length > 1 && path.endsWith('/') ? lookup(method, path.slice(0, -1)) : undefined) ?? null;
      if (byPath.size >= maxRememberedPaths) byPath.clear();
      byPath.set(path, name);
    }
    return name ?? undefined;
  };
  return { nameOf };
}

const maxRememberedPaths = 1_000;

/**
 * Upper case, as the router compares: ASCII always; other characters only where their upper
 * case is one character and does not turn them into ASCII (so `ſ` does not pass for `S`).
 */
function fold(value: string): string {
  if (printableAscii.test(value)) return value.toUpperCase();
  let out = '';
  for (const char of value) {
    const upper = char.toUpperCase();
    const code = char.codePointAt(0) as number;
    out += upper.length === 1 && !(code > 127 && (upper.codePointAt(0) as number) < 128) ? upper : char;
  }
  return out;
}

// Printable ASCII folds with toUpperCase alone; anything else takes the careful way.
const printableAscii = /^[ -~]*$/;
