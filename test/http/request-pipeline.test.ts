import test from 'ava';
import type { Context, Next } from 'koa';

import {
  createRequestPipeline,
  createRouteOf,
  requestPipeline,
  type PipelineSteps,
  type RouteName,
  type Step,
  type StepName,
} from '../../src/http/request-pipeline.ts';
import { createProviderRoutes } from '../../src/kernel/provider-internals.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';
import { startTestServer } from '../helpers/start-server.ts';

const shared = serverPerFile(() => startTestServer({ env: { TOLLGATE_METRICS_TOKEN: 'metrics-token-0123456789abcdef' } }));

/**
 * Which steps run on each route, in order, as the running server has them: `after:` runs once
 * the rest of the row has answered, `always:` also when it threw, anything else on the way in.
 * A change to the pipeline shows here as a changed line: check it is the one meant.
 */
const expected: Record<RouteName, string> = {
  healthz: 'requestFrame > healthRoutes > after:notFound',
  readyz: 'requestFrame > healthRoutes > after:notFound',
  metrics: 'requestFrame > metricsRoute > after:notFound',
  admin: 'requestFrame > adminRouter > after:notFound',
  self_service: 'requestFrame > selfServiceRouter > after:notFound',
  interaction: 'requestFrame > pageHeaders > validHost > interactionRoutes > after:notFoundPage',
  upstream: 'requestFrame > pageHeaders > validHost > upstreamCallback > after:notFound',
  tokens: 'requestFrame > pageHeaders > validHost > tokenPages > after:notFoundPage',
  discovery: 'requestFrame > validHost',
  jwks: 'requestFrame > jwksResponse',
  token:
    'requestFrame > validHost > after:devicePollPacing > after:invalidClientWithoutAuthentication > after:unauthorizedClientForDisallowedGrant > after:noCacheTokenResponses > after:protocolOutcomes > always:undoUnansweredRotation',
  device_authorization:
    'requestFrame > validHost > after:invalidClientWithoutAuthentication > after:devicePollInterval > after:unauthorizedClientForDisallowedGrant > after:protocolOutcomes',
  code_verification: 'requestFrame > pageHeaders > validHost > userCodePrefill > userCodeAttempts > deviceSessionGuard',
  device_resume: 'requestFrame > pageHeaders > validHost > deviceSessionGuard',
  introspection: 'requestFrame > validHost > after:invalidClientWithoutAuthentication > refusePublicIntrospection > jwtIntrospection',
  revocation: 'requestFrame > validHost > after:invalidClientWithoutAuthentication > after:revocationEvents',
  registration: 'requestFrame > validHost',
  client: 'requestFrame > validHost > hideStoredSecretHashes',
  client_update: 'requestFrame > validHost > registrationUpdateSecret > hideStoredSecretHashes',
  client_delete: 'requestFrame > validHost',
  authorization: 'requestFrame > validHost',
  resume: 'requestFrame > validHost',
  end_session_confirm: 'requestFrame > validHost',
  'cors.discovery': 'requestFrame > after:notFound',
  'cors.jwks': 'requestFrame > after:notFound',
  'cors.token': 'requestFrame > after:notFound',
  'cors.device_authorization': 'requestFrame > after:notFound',
  'cors.introspection': 'requestFrame > after:notFound',
  'cors.revocation': 'requestFrame > after:notFound',
  unmatched_page: 'requestFrame > pageHeaders > after:notFoundPage',
  unmatched: 'requestFrame > after:notFound',
};

test('the running server runs on each route the steps its row in the request pipeline names', (t) => {
  t.log(
    Object.entries(shared.server.tollgate.pipeline)
      .map(([route, steps]) => `${route.padEnd(26)} ${steps}`)
      .join('\n'),
  );
  t.deepEqual(shared.server.tollgate.pipeline, expected);
});

test('without a metrics token the metrics route is skipped, and /metrics is nobody’s', async (t) => {
  const server = await startTestServer();
  try {
    t.is(server.tollgate.pipeline.metrics, 'requestFrame > skipped:metricsRoute > after:notFound');
    const response = await fetch(`${server.url}/metrics`);
    t.is(response.status, 404);
    t.is(((await response.json()) as { error: string }).error, 'not_found');
  } finally {
    await server.stop();
  }
});

test('a request is assigned its route once, by method and path: our prefixes first, then oidc-provider’s router, else nobody’s', (t) => {
  const routeOf = createRouteOf(createProviderRoutes(shared.server.tollgate.provider));
  const cases: [string, string, RouteName][] = [
    ['GET', '/healthz', 'healthz'],
    ['POST', '/healthz', 'healthz'],
    ['GET', '/readyz', 'readyz'],
    ['GET', '/metrics', 'metrics'],
    ['GET', '/admin', 'admin'],
    ['PATCH', '/admin/clients/x', 'admin'],
    ['GET', '/administrator', 'unmatched'],
    ['POST', '/self-service/leaked-tokens', 'self_service'],
    ['GET', '/ADMIN/clients', 'unmatched'],
    ['GET', '/interaction/abc', 'interaction'],
    ['POST', '/interaction/abc/login', 'interaction'],
    ['GET', '/INTERACTION/abc', 'unmatched_page'],
    ['GET', '/upstream/github/callback', 'upstream'],
    ['GET', '/tokens', 'tokens'],
    ['POST', '/tokens/resources/https%3A%2F%2Fapi.example/tokens', 'tokens'],
    ['GET', '/TOKENS', 'unmatched_page'],
    ['GET', '/tokensmith', 'unmatched'],
    ['GET', '/.well-known/openid-configuration', 'discovery'],
    ['GET', '/jwks', 'jwks'],
    ['POST', '/token', 'token'],
    ['POST', '/TOKEN/', 'token'],
    ['GET', '/token', 'unmatched'],
    ['OPTIONS', '/token', 'cors.token'],
    ['POST', '/device/auth', 'device_authorization'],
    ['GET', '/device/auth', 'device_resume'],
    ['HEAD', '/DEVICE/AUTH/', 'device_resume'],
    ['GET', '/device', 'code_verification'],
    ['POST', '/Device/', 'code_verification'],
    ['GET', '/device/some-uid', 'device_resume'],
    ['POST', '/device/some-uid', 'unmatched_page'],
    ['GET', '/device/a/b', 'unmatched_page'],
    ['POST', '/token/introspection', 'introspection'],
    ['POST', '/token/revocation', 'revocation'],
    ['POST', '/reg', 'registration'],
    ['GET', '/reg/abc', 'client'],
    ['PUT', '/reg/abc', 'client_update'],
    ['DELETE', '/reg/abc', 'client_delete'],
    ['GET', '/nowhere', 'unmatched'],
  ];
  for (const [method, path, route] of cases) t.is(routeOf(method, path), route, `${method} ${path}`);
});

test('each row runs its steps in the order listed: around steps on the way in, after and always steps once the rest answered', async (t) => {
  const ran: string[] = [];
  const recording = (name: StepName, kind: 'around' | 'after' | 'always'): Step => {
    if (kind === 'after') return { after: () => void ran.push(`after:${name}`) };
    if (kind === 'always') return { always: () => void ran.push(`always:${name}`) };
    return { around: (_ctx: Context, next: Next) => (ran.push(name), next()) };
  };
  const kinds = shared.server.tollgate.pipeline;
  const steps = Object.fromEntries(
    (Object.entries(requestPipeline) as [RouteName, readonly StepName[]][]).flatMap(([route, names]) =>
      names.map((name) => {
        const shown = kinds[route].split(' > ').find((entry) => entry.endsWith(`:${name}`) || entry === name) ?? name;
        const kind = shown.startsWith('after:') ? 'after' : shown.startsWith('always:') ? 'always' : 'around';
        return [name, recording(name, kind)] as const;
      }),
    ),
  ) as unknown as PipelineSteps;
  for (const route of Object.keys(requestPipeline) as RouteName[]) {
    ran.length = 0;
    const pipeline = createRequestPipeline(() => route, steps);
    await pipeline({ method: 'GET', path: '/' } as Context, async () => void ran.push('router'));
    const listed = expected[route].split(' > ');
    const inward = listed.filter((entry) => !entry.includes(':'));
    const outward = listed.filter((entry) => entry.includes(':'));
    t.deepEqual(ran, [...inward, 'router', ...outward], route);
  }
});

test('a step answering by itself ends the row: nothing to its right runs, after steps included', async (t) => {
  const ran: string[] = [];
  const steps = {
    requestFrame: { around: (_ctx: Context, next: Next) => (ran.push('requestFrame'), next()) },
    healthRoutes: { around: () => void ran.push('healthRoutes answers') },
    notFound: { after: () => void ran.push('after:notFound') },
  } as unknown as PipelineSteps;
  await createRequestPipeline(() => 'healthz', steps)({ method: 'GET', path: '/healthz' } as Context, async () => void ran.push('router'));
  t.deepEqual(ran, ['requestFrame', 'healthRoutes answers']);
});

test('a before step runs on the way in without wrapping the rest: passing on runs the rest, answering ends the row', async (t) => {
  const ran: string[] = [];
  const steps = (answers: boolean) =>
    ({
      requestFrame: { around: async (_ctx: Context, next: Next) => (ran.push('requestFrame in'), await next(), ran.push('requestFrame out')) },
      pageHeaders: { before: () => (ran.push('pageHeaders'), false) },
      validHost: { before: () => (ran.push(answers ? 'validHost answers' : 'validHost'), answers) },
      interactionRoutes: { around: (_ctx: Context, next: Next) => (ran.push('interactionRoutes'), next()) },
      notFoundPage: { after: () => void ran.push('after:notFoundPage') },
    }) as unknown as PipelineSteps;
  await createRequestPipeline(() => 'interaction', steps(false))({ method: 'GET', path: '/interaction/x' } as Context, async () => void ran.push('router'));
  t.deepEqual(ran, ['requestFrame in', 'pageHeaders', 'validHost', 'interactionRoutes', 'router', 'after:notFoundPage', 'requestFrame out']);
  ran.length = 0;
  await createRequestPipeline(() => 'interaction', steps(true))({ method: 'GET', path: '/interaction/x' } as Context, async () => void ran.push('router'));
  t.deepEqual(ran, ['requestFrame in', 'pageHeaders', 'validHost answers', 'requestFrame out']);
});
