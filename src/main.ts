import { ConfigError, loadConfig } from './config/load-config.ts';
import { createLogger, type Logger } from './logger.ts';
import { ListenError, startServer } from './server.ts';

// The only module that reads signals, writes the banner and exits.
let startupLogger: Logger | undefined;

try {
  // Validated first, so that even a bad log level is a one-line configuration error.
  const logger = createLogger(loadConfig(process.env).logLevel);
  startupLogger = logger;
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
  if (error instanceof ConfigError) {
    process.stderr.write(`tollgate: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ListenError) {
    process.stderr.write(`tollgate: ${error.message}\n`);
    process.exit(1);
  }
  if (startupLogger) startupLogger.fatal({ err: error }, 'tollgate failed to start');
  else process.stderr.write(`tollgate: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
