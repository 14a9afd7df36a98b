import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Config } from './config/schema.ts';
import { AppError } from './errors.ts';
import { sendErrorResponse, temporarilyUnavailable } from './http/error-response.ts';
import type { Logger } from './logger.ts';
import { startMetricsServer, type RunningMetricsServer } from './metrics/metrics-server.ts';
import { createTollgate, type Tollgate } from './tollgate.ts';

export interface StartOptions {
  /** Values of the seed's secretEnv / passwordEnv references. */
  env?: NodeJS.ProcessEnv;
  /** A cluster worker leaves metrics.port to the primary, which serves the sum of all workers. */
  metricsListener?: boolean;
  /** A cluster worker is ready only once all of the host's workers are. */
  allStarted?: () => boolean;
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
export async function startServer(validated: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  let config = validated;
  const ready: { handle?: Tollgate['handler']; stopping?: boolean } = {};
  const server = createServer((req, res) => {
    // While stopping, keep-alive clients are told to take their next request elsewhere.
    if (ready.stopping) res.setHeader('connection', 'close');
    if (ready.handle) return ready.handle(req, res);
    sendErrorResponse(res, temporarilyUnavailable('starting'));
  });
  server.keepAliveTimeout = 65_000;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, config)));
      server.listen(config.port, config.host, () => resolve());
    });
  if (config.port === 0) {
    await listen();
    config = withBoundPort(config, (server.address() as AddressInfo).port);
  }

  const tollgate = await createTollgate(config, logger, options.env, { ...(options.allStarted ? { allStarted: options.allStarted } : {}) }).catch(
    (error: unknown) => {
      server.close();
      throw error;
    },
  );
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

/** The configuration with the port actually bound, and the default issuer naming it. */
function withBoundPort(config: Config, port: number): Config {
  const issuer = config.issuer === 'http://localhost:0' ? `http://localhost:${port}` : config.issuer;
  return Object.freeze({ ...config, port, issuer });
}

function listenError(error: NodeJS.ErrnoException, config: Config): Error {
  const address = `${config.host}:${config.port}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `cannot listen on ${address}: the port is already in use (set PORT to another port)`,
    EACCES: `cannot listen on ${address}: permission denied (ports below 1024 need privileges; set PORT)`,
    EADDRNOTAVAIL: `cannot listen on ${address}: no such address on this host (check TOLLGATE_HOST)`,
  };
  const reason = error.code ? reasons[error.code] : undefined;
  return reason ? new AppError('cannot_listen', reason, { cause: error }) : error;
}
