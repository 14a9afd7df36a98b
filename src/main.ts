import cluster from 'node:cluster';

import { prepareSharedSecrets } from './cluster/shared-secrets.ts';
import { listenForAllWorkersReady, reportWorkerReady, superviseWorkers } from './cluster/worker-supervisor.ts';
import { loadConfig } from './config/load-config.ts';
import type { Config } from './config/schema.ts';
import { demoBanner } from './demo/demo-banner.ts';
import { AppError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { createClusterMetrics, shareMetricsWithPrimary } from './metrics/cluster-metrics.ts';
import { watchParent } from './parent-watch.ts';
import { unsupportedNode } from './supported-node.ts';
import { loadTracing } from './tracing/load-tracing.ts';

// The only module that reads signals, writes the banner, forks and exits.
// The logger exists once configuration is valid, so that even a bad log level is a one-line error.
let startupLogger: Logger | undefined;

const unsupported = unsupportedNode();
if (unsupported) {
  process.stderr.write(`tollgate: ${unsupported}\n`);
  process.exit(1);
}

try {
  const config = loadConfig(process.env);
  const format = config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat;
  const logger = createLogger(config.logLevel, undefined, format);
  startupLogger = logger;
  if (config.workers > 1 && cluster.isPrimary) await runPrimary(config, logger);
  else await runServer(config, logger);
} catch (error) {
  // A bad setting, seed or key file, a port taken: one line the operator can act on.
  if (error instanceof AppError) {
    process.stderr.write(`tollgate: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (startupLogger) startupLogger.fatal({ err: error }, 'tollgate failed to start');
  else process.stderr.write(`tollgate: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}

/** One process serving requests: the whole server, or one worker of several. */
async function runServer(config: Config, logger: Logger): Promise<void> {
  const worker = cluster.isWorker;
  // Loaded only when configured: without an endpoint no OpenTelemetry code runs at all.
  const tracing = await loadTracing(config.tracing);
  // Imported here, after the Node version check: oidc-provider only warns on an older Node.
  const { startServer } = await import('./server.ts');
  const running = await startServer(config, logger, {
    env: process.env,
    metricsListener: !worker,
    ...(worker ? { allStarted: listenForAllWorkersReady() } : {}),
  });
  const { demo } = running.tollgate;
  if (worker) {
    shareMetricsWithPrimary(running.tollgate.metrics.registry);
    reportWorkerReady();
  } else {
    logger.info({ issuer: running.url, storage: running.tollgate.storage.kind, metrics: running.metricsUrl, tracing: Boolean(tracing) }, 'tollgate listening');
    if (demo) process.stdout.write(demoBanner(running.url, demo));
  }

  onShutdownSignal(logger, async () => {
    await running.stop();
    await tracing?.stop();
    return 0;
  });
}

/** The multi-process primary: forks and supervises the workers, serves the summed metrics. */
async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const shared = await prepareSharedSecrets(config);
  if (shared.generated.signingKeys) {
    logger.warn('no signing keys configured (TOLLGATE_JWKS_FILE): the primary generated ephemeral keys for all workers; tokens stop verifying at restart');
  }
  if (shared.generated.cookieKeys) {
    logger.warn(
      'no cookie keys configured (TOLLGATE_COOKIE_KEYS): the primary generated one for all workers; device-login pages break across restarts and other hosts',
    );
  }

  const { startMetricsServer } = await import('./metrics/metrics-server.ts');
  const clusterMetrics = createClusterMetrics();
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : await startMetricsServer({ host: config.metrics.host ?? config.host, port: config.metrics.port, token: config.metrics.token, ...clusterMetrics });
  if (!metricsServer) logger.warn('no metrics port (TOLLGATE_METRICS_PORT): metrics are not exposed in multi-process mode');

  const workers = superviseWorkers({ count: config.workers, env: shared.env, logger });
  onShutdownSignal(logger, async () => {
    const code = await workers.stop();
    await metricsServer?.close();
    return code;
  });
  try {
    await workers.ready;
  } catch (code) {
    await metricsServer?.close();
    process.exit(typeof code === 'number' ? code : 1);
  }

  logger.info({ issuer: config.issuer, workers: config.workers, metrics: metricsServer?.url }, 'tollgate listening');
  if (shared.demo) {
    process.stdout.write(
      demoBanner(config.issuer, {
        clientId: 'demo',
        clientSecret: shared.demo.clientSecret,
        deviceClientId: 'demo-cli',
        username: 'demo',
        password: shared.demo.password,
      }),
    );
  }
}

/** SIGTERM or SIGINT: stop gracefully once, then exit with the code `stop` resolves to. */
function onShutdownSignal(logger: Logger, stop: () => Promise<number>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    stop().then(
      (code) => {
        logger.info({ code }, 'stopped');
        process.exit(code);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // npx and npm run start a bin through `sh -c`, and npm forwards SIGTERM to that shell, which
  // dies of it without passing it on (dash does not exec the last command): the server would
  // be left running, orphaned. Started by npm, the shell's exit stands for the signal.
  if (process.env.npm_command) watchParent(() => shutdown('SIGTERM (to npm)'));
}
