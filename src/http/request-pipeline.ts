import type { Context, Middleware, Next } from 'koa';

import type { ProviderRouteName, ProviderRoutes } from '../kernel/provider-internals.ts';

/**
 * THE REQUEST PIPELINE, declared once: for every route, the steps its requests go through, in
 * order. Nothing else decides which middleware runs for a request.
 *
 * Reading a row: the request travels left to right. An `around` step (most) runs on the way in
 * and may answer by itself, and then nothing to its right runs; so may a `before` step, which
 * only runs on the way in (a check, without a frame around the rest). An `after` step runs once
 * everything to its right has answered, in the order listed (consecutive ones share one frame);
 * an `always` step too, and also when that threw. Right of the last step is oidc-provider's
 * router, which runs the provider's own stack for the route (lib/helpers/initialize_app.js) or,
 * for a request it does not serve, leaves a bare 404 for `notFound` / `notFoundPage`. A step a
 * row does not name is skipped for that route: that is the only way to skip one.
 *
 * Which route a request is, is worked out once (`routeOf`): first tollgate's own routes
 * (`ownRoutes`, by path prefix, longest first), then oidc-provider's by method and path as its
 * router matches them (createProviderRoutes, behind the fence in provider-internals.ts), else
 * `unmatched_page` / `unmatched`.
 *
 * To add a route of our own: one line in `ownRoutes` (its path prefix and name) and one row in
 * `requestPipeline` naming its steps (e.g. `self_service: ['requestFrame', 'pageHeaders',
 * 'validHost', 'selfServicePages', 'notFoundPage']`). To add a step: one entry in `PipelineSteps`
 * (its kind and what it runs), built in tollgate.ts, and its name in the rows that need it (e.g.
 * `jwks: ['requestFrame', 'jwksCaching']`). test/http/request-pipeline.test.ts prints every row:
 * update its expected table in the same commit.
 */
export const requestPipeline = {
  // tollgate's own routes; `notFound` answers what they pass on (a method they lack).
  healthz: ['requestFrame', 'healthRoutes', 'notFound'],
  readyz: ['requestFrame', 'healthRoutes', 'notFound'],
  metrics: ['requestFrame', 'metricsRoute', 'notFound'],
  admin: ['requestFrame', 'adminRouter', 'notFound'],
  self_service: ['requestFrame', 'selfServiceRouter', 'notFound'],
  interaction: ['requestFrame', 'pageHeaders', 'validHost', 'interactionRoutes', 'notFoundPage'],
  upstream: ['requestFrame', 'pageHeaders', 'validHost', 'upstreamCallback', 'notFound'],
  tokens: ['requestFrame', 'pageHeaders', 'validHost', 'tokenPages', 'notFoundPage'],

  // oidc-provider's routes, by its names.
  discovery: ['requestFrame', 'validHost'],
  jwks: ['requestFrame', 'jwksResponse'],
  token: [
    'requestFrame',
    'validHost',
    'devicePollPacing',
    'invalidClientWithoutAuthentication',
    'unauthorizedClientForDisallowedGrant',
    'noCacheTokenResponses',
    'protocolOutcomes',
    'undoUnansweredRotation',
  ],
  device_authorization: [
    'requestFrame',
    'validHost',
    'invalidClientWithoutAuthentication',
    'devicePollInterval',
    'unauthorizedClientForDisallowedGrant',
    'protocolOutcomes',
  ],
  code_verification: ['requestFrame', 'pageHeaders', 'validHost', 'userCodePrefill', 'userCodeAttempts', 'deviceSessionGuard'],
  device_resume: ['requestFrame', 'pageHeaders', 'validHost', 'deviceSessionGuard'],
  introspection: ['requestFrame', 'validHost', 'invalidClientWithoutAuthentication', 'refusePublicIntrospection', 'jwtIntrospection'],
  revocation: ['requestFrame', 'validHost', 'invalidClientWithoutAuthentication', 'revocationEvents'],
  registration: ['requestFrame', 'validHost'],
  client: ['requestFrame', 'validHost', 'hideStoredSecretHashes'],
  client_update: ['requestFrame', 'validHost', 'registrationUpdateSecret', 'hideStoredSecretHashes'],
  client_delete: ['requestFrame', 'validHost'],
  authorization: ['requestFrame', 'validHost'],
  resume: ['requestFrame', 'validHost'],
  end_session_confirm: ['requestFrame', 'validHost'],
  // CORS preflights; one without Access-Control-Request-Method is passed on unanswered.
  'cors.discovery': ['requestFrame', 'notFound'],
  'cors.jwks': ['requestFrame', 'notFound'],
  'cors.token': ['requestFrame', 'notFound'],
  'cors.device_authorization': ['requestFrame', 'notFound'],
  'cors.introspection': ['requestFrame', 'notFound'],
  'cors.revocation': ['requestFrame', 'notFound'],

  // Nobody's: a page address (under /device or /interaction) gets our HTML 404 in a browser.
  unmatched_page: ['requestFrame', 'pageHeaders', 'notFoundPage'],
  unmatched: ['requestFrame', 'notFound'],
} as const satisfies Record<RouteName, readonly StepName[]>;

/** tollgate's own routes: a path that is `prefix` or starts with `prefix/` (case as written). */
const ownRoutes = [
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
  ['/admin', 'admin'],
  ['/self-service', 'self_service'],
  ['/interaction', 'interaction'],
  ['/upstream', 'upstream'],
  ['/tokens', 'tokens'],
] as const satisfies readonly (readonly [string, string])[];

// Where people browse, whatever the case: a path nobody serves there is answered as a page.
const pagePaths = /^\/(?:device|interaction|tokens)(?:\/|$)/i;

export type OwnRouteName = (typeof ownRoutes)[number][1];
export type RouteName = OwnRouteName | ProviderRouteName | 'unmatched_page' | 'unmatched';

type Rewrite = (ctx: Context) => void;
type AnswerStep = (ctx: Context) => void | Promise<void>;
/** Whether it answered the request itself (then nothing to its right runs). */
type Check = (ctx: Context) => boolean;
/** How a step takes part: around the rest, before it, after it answered, or after it in any case. */
export type Step =
  | { around: (ctx: Context, next: Next) => unknown }
  /** Built once for each route that names it (the request frame labels latency by route). */
  | { aroundFor: (route: RouteName) => (ctx: Context, next: Next) => unknown }
  | { before: Check }
  | { after: AnswerStep }
  | { always: Rewrite };

/**
 * A step of each kind. The pipeline runs on oidc-provider's koa context (app.ts), so a step may
 * take it as `KoaContextWithOIDC`; `ctx.oidc` is there once the provider's router matched.
 */
export const around = <C>(run: (ctx: C, next: Next) => unknown): Step => ({ around: run as unknown as (ctx: Context, next: Next) => unknown });
export const before = <C>(run: (ctx: C) => boolean): Step => ({ before: run as unknown as Check });
export const after = <C>(run: (ctx: C) => void | Promise<void>): Step => ({ after: run as unknown as AnswerStep });
export const always = <C>(run: (ctx: C) => void): Step => ({ always: run as unknown as Rewrite });

/** Every step a row may name; one that is not configured (the metrics route without a token) is left out. */
export interface PipelineSteps {
  requestFrame: Step;
  validHost: Step;
  /** Store mode's keys change while running: /jwks is answered from them, with Cache-Control and an ETag (keys/jwks-response.ts). */
  jwksResponse: Step;
  pageHeaders: Step;
  healthRoutes: Step;
  metricsRoute?: Step;
  adminRouter: Step;
  selfServiceRouter: Step;
  interactionRoutes: Step;
  upstreamCallback: Step;
  /** The maintainers' token pages (token-pages/token-pages.ts). */
  tokenPages: Step;
  userCodePrefill: Step;
  userCodeAttempts: Step;
  deviceSessionGuard: Step;
  registrationUpdateSecret: Step;
  hideStoredSecretHashes: Step;
  refusePublicIntrospection: Step;
  jwtIntrospection: Step;
  devicePollPacing: Step;
  invalidClientWithoutAuthentication: Step;
  devicePollInterval: Step;
  unauthorizedClientForDisallowedGrant: Step;
  noCacheTokenResponses: Step;
  protocolOutcomes: Step;
  undoUnansweredRotation: Step;
  revocationEvents: Step;
  notFound: Step;
  notFoundPage: Step;
}
export type StepName = keyof PipelineSteps;

/** Works out a request's route, once: the same answer for every step (and the latency label). */
export function createRouteOf(providerRoutes: ProviderRoutes): (method: string, path: string) => RouteName {
  // Longest prefix first, so a later `/admin/keys` wins over `/admin`.
  const own = [...ownRoutes].sort(([a], [b]) => b.length - a.length);
  return (method, path) => {
    for (const [prefix, name] of own) {
      if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === slash)) return name;
    }
    return providerRoutes.nameOf(method, path) ?? (pagePaths.test(path) ? 'unmatched_page' : 'unmatched');
  };
}
const slash = 0x2f;

/**
 * The pipeline as one koa middleware: each row composed once, at start, into a chain; each
 * request looks up its route and runs that chain, ending in `next` (oidc-provider's router).
 */
export function createRequestPipeline(routeOf: (method: string, path: string) => RouteName, steps: PipelineSteps): Middleware {
  const rows = new Map<RouteName, Chain>();
  for (const [route, names] of Object.entries(requestPipeline) as [RouteName, readonly StepName[]][]) rows.set(route, composeRow(route, names, steps));
  return (ctx, next) => (rows.get(routeOf(ctx.method, ctx.path)) as Chain)(ctx, next);
}

type Chain = (ctx: Context, next: Next) => Promise<unknown>;

/**
 * One row as a chain, composed from its last step to its first: an around step gets the rest
 * as its `next`, consecutive before steps run in one loop, each run of consecutive after/always
 * steps shares one frame. A request allocates a `next` per around step only (issue 23: a closure
 * and a promise per step per request made the table cost 2.7 % more than koa's fixed chain).
 */
function composeRow(route: RouteName, names: readonly StepName[], steps: PipelineSteps): Chain {
  const configured = names.map((name) => steps[name]).filter((step): step is Step => step !== undefined);
  // The rest of the row; undefined while it is only `next`.
  let rest: Chain | undefined;
  for (let index = configured.length - 1; index >= 0;) {
    const step = configured[index] as Step;
    if ('around' in step || 'aroundFor' in step) {
      rest = aroundRest('around' in step ? step.around : step.aroundFor(route), rest);
      index--;
      continue;
    }
    let first = index;
    const sameKind = (other: Step | undefined) => other !== undefined && ('before' in step ? 'before' in other : 'after' in other || 'always' in other);
    while (sameKind(configured[first - 1])) first--;
    const run = configured.slice(first, index + 1);
    rest =
      'before' in step
        ? checksBefore(
            run.flatMap((each) => ('before' in each ? [each.before] : [])),
            rest,
          )
        : afterAnswer(
            run.flatMap((each) => ('after' in each ? [each.after] : [])),
            run.flatMap((each) => ('always' in each ? [each.always] : [])),
            rest,
          );
    index = first - 1;
  }
  return rest ?? ((_ctx, next) => next());
}

function aroundRest(step: (ctx: Context, next: Next) => unknown, rest: Chain | undefined): Chain {
  if (!rest) return (ctx, next) => Promise.resolve(step(ctx, next));
  return (ctx, next) => Promise.resolve(step(ctx, () => rest(ctx, next)));
}

const answered = Promise.resolve();

function checksBefore(checks: readonly Check[], rest: Chain | undefined): Chain {
  return (ctx, next) => {
    for (const check of checks) if (check(ctx)) return answered;
    return rest ? rest(ctx, next) : next();
  };
}

/**
 * Steps run once the rest of the row has answered, as one middleware: `after` in order once it
 * answered, `always` also when it threw. One async frame per request instead of one per step
 * (issue 14: each was a middleware of its own on every token request).
 */
function afterAnswer(after: readonly AnswerStep[], always: readonly Rewrite[], rest: Chain | undefined): Chain {
  return async function afterItAnswered(ctx: Context, next: Next) {
    try {
      await (rest ? rest(ctx, next) : next());
      for (const step of after) {
        const pending = step(ctx);
        if (pending) await pending;
      }
    } finally {
      for (const step of always) step(ctx);
    }
  };
}

/** The steps of every route, as the test prints them: `after(...)` for what runs once the rest has answered. */
export function describePipeline(steps: PipelineSteps): Record<RouteName, string> {
  const kindOf = (name: StepName) => {
    const step = steps[name];
    return !step ? 'skipped' : 'after' in step ? 'after' : 'always' in step ? 'always' : 'around';
  };
  return Object.fromEntries(
    Object.entries(requestPipeline).map(([route, names]) => [
      route,
      (names as readonly StepName[]).map((name) => (kindOf(name) === 'around' ? name : `${kindOf(name)}:${name}`)).join(' > '),
    ]),
  ) as Record<RouteName, string>;
}
