import { ConfigError } from './config/load-config.ts';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';

// The only module that reads signals, writes the banner and exits.
const logger = createLogger(process.env.TOLLGATE_LOG_LEVEL || 'info');

try {
  const running = await startServer(process.env, logger);
  const { config, demo } = running.tollgate;
  logger.info({ issuer: config.issuer, storage: running.tollgate.storage.kind }, 'tollgate listening');
  if (demo) {
    // Demo credentials go to the terminal once, outside the log stream.
    process.stdout.write(
      [
        '',
        `  tollgate is running at ${config.issuer}  (demo mode: TOLLGATE_DEMO=true)`,
        `  demo service client:  ${demo.clientId} / ${demo.clientSecret}`,
        `  demo device client:   ${demo.deviceClientId} (public)`,
        `  demo account:         ${demo.username} / ${demo.password}`,
        ...(demo.adminClientId ? [`  demo admin client:    ${demo.adminClientId} / ${demo.adminClientSecret}  (TOLLGATE_ADMIN_CLIENT_ID / TOLLGATE_ADMIN_CLIENT_SECRET for the tollgate CLI)`] : []),
        '',
        `  curl -s -u ${demo.clientId}:${demo.clientSecret} -d grant_type=client_credentials ${config.issuer}/token`,
        '',
      ].join('\n') + '\n',
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError || (error instanceof AppError && error.code === 'invalid_seed')) {
    process.stderr.write(`tollgate: ${error.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err: error }, 'tollgate failed to start');
  process.exit(1);
}
