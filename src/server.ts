import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadConfig } from './config/load-config.ts';
import type { Config } from './config/schema.ts';
import type { Logger } from './logger.ts';
import { createTollgate, type Tollgate } from './tollgate.ts';

export interface RunningServer {
  tollgate: Tollgate;
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes storage. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Listens first and builds tollgate second, so that with port 0 the issuer can name the port
 * actually bound (tests, and anyone who runs with PORT=0).
 */
export async function startServer(env: NodeJS.ProcessEnv, logger: Logger, overrides: object = {}): Promise<RunningServer> {
  let config: Config = loadConfig(env, overrides);
  const ready: { handle?: Tollgate['handler'] } = {};
  const server = createServer((req, res) => {
    if (ready.handle) return ready.handle(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"temporarily_unavailable","error_description":"starting"}');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (config.port === 0) config = loadConfig(env, { ...overrides, port, ...(config.issuer === 'http://localhost:0' ? { issuer: `http://localhost:${port}` } : {}) });

  const tollgate = await createTollgate(config, logger, env).catch((error: unknown) => {
    server.close();
    throw error;
  });
  ready.handle = tollgate.handler;

  return {
    tollgate,
    server,
    url: config.issuer,
    async stop(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await tollgate.close();
    },
  };
}
