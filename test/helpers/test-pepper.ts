/** The pepper test servers on Redis run with (a server refuses to start on Redis without one). */
export const testPepper = 'test-secret-pepper-0123456789abcdef';

/** `env`, with the test pepper added when it configures Redis and names no pepper of its own. */
export function withTestPepper<T extends Record<string, string | undefined>>(env: T): T {
  const onRedis = Boolean(env.REDIS_URL || env.TOLLGATE_REDIS_NODES);
  return onRedis && env.TOLLGATE_SECRET_PEPPER === undefined ? { TOLLGATE_SECRET_PEPPER: testPepper, ...env } : env;
}
