import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadConfig } from './config/load-config.ts';
import type { Config } from './config/schema.ts';
import type { Logger } from './logger.ts';
import { startMetricsServer, type RunningMetricsServer } from './metrics/metrics-server.ts';
import { createTollgate, type Tollgate } from './tollgate.ts';

/** The server could not bind its address; the message is one line an operator can act on. */
export class ListenError extends Error {
  readonly code: string;
  override name = 'ListenError';

  constructor(code: string, message: string, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

export interface RunningServer {
  tollgate: Tollgate;
  server: Server;
  url: string;
  /** The separate metrics listener's URL, when metrics.port is set and this process serves it. */
  metricsUrl: string | undefined;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes storage. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * With port 0 it listens first and builds tollgate second, so the issuer can name the port
 * actually bound (tests, and anyone who runs with PORT=0). With a fixed port it listens only once
 * tollgate is built, so no connection meets a half-started process (a restarted cluster worker
 * joins the shared port only when it can answer).
 */
export async function startServer(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  overrides: object = {},
  // A cluster worker leaves metrics.port to the primary, which serves the sum of all workers.
  // A cluster worker is ready only once all of the host's workers are (allStarted).
  options: { metricsListener?: boolean; allStarted?: () => boolean } = {},
): Promise<RunningServer> {
  let config: Config = loadConfig(env, overrides);
  const ready: { handle?: Tollgate['handler']; stopping?: boolean } = {};
  const server = createServer((req, res) => {
    // While stopping, keep-alive clients are told to take their next request elsewhere.
    if (ready.stopping) res.setHeader('connection', 'close');
    if (ready.handle) return ready.handle(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"temporarily_unavailable","error_description":"starting"}');
  });
  server.keepAliveTimeout = 65_000;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, config)));
      server.listen(config.port, config.host, () => resolve());
    });
  if (config.port === 0) {
    await listen();
    const { port } = server.address() as AddressInfo;
    config = loadConfig(env, { ...overrides, port, ...(config.issuer === 'http://localhost:0' ? { issuer: `http://localhost:${port}` } : {}) });
  }

  const tollgate = await createTollgate(config, logger, env, { ...(options.allStarted ? { allStarted: options.allStarted } : {}) }).catch((error: unknown) => {
    server.close();
    throw error;
  });
  ready.handle = tollgate.handler;
  if (!server.listening) {
    await listen().catch(async (error: unknown) => {
      await tollgate.close();
      throw error;
    });
  }

  let metricsServer: RunningMetricsServer | undefined;
  if (config.metrics.port !== undefined && options.metricsListener !== false) {
    const { registry } = tollgate.metrics;
    metricsServer = await startMetricsServer({
      host: config.metrics.host ?? config.host,
      port: config.metrics.port,
      token: config.metrics.token,
      contentType: registry.contentType,
      render: () => registry.metrics(),
    }).catch(async (error: unknown) => {
      server.close();
      await tollgate.close();
      throw error;
    });
  }

  return {
    tollgate,
    server,
    url: config.issuer,
    metricsUrl: metricsServer?.url,
    async stop(graceMs = 10_000) {
      ready.stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections become idle as their in-flight requests finish; close each soon after.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
      await metricsServer?.close();
      await tollgate.close();
    },
  };
}

function listenError(error: NodeJS.ErrnoException, config: Config): Error {
  const address = `${config.host}:${config.port}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `cannot listen on ${address}: the port is already in use (set PORT to another port)`,
    EACCES: `cannot listen on ${address}: permission denied (ports below 1024 need privileges; set PORT)`,
    EADDRNOTAVAIL: `cannot listen on ${address}: no such address on this host (check TOLLGATE_HOST)`,
  };
  const reason = error.code ? reasons[error.code] : undefined;
  return reason ? new ListenError(error.code as string, reason, error) : error;
}
