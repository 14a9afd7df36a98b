import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AppError } from '../errors.ts';
import { sendErrorResponse, temporarilyUnavailable } from '../http/error-response.ts';
import { createScrapeAccess, scrapeTokenRequired } from './scrape-access.ts';

export interface MetricsServerOptions {
  host: string;
  port: number;
  token: string | undefined;
  contentType: string;
  /** The exposition text: this process's registry, or the sum over cluster workers. */
  render(): Promise<string>;
}

export interface RunningMetricsServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** The separate metrics listener (metrics.port): GET /metrics and nothing else. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const allowed = createScrapeAccess(options.token);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      sendErrorResponse(res, new AppError('not_found', 'this port serves GET /metrics only'));
      return;
    }
    if (!allowed(req.headers.authorization)) {
      sendErrorResponse(res, scrapeTokenRequired());
      return;
    }
    options.render().then(
      (text) => res.writeHead(200, { 'content-type': options.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => sendErrorResponse(res, temporarilyUnavailable('the metrics could not be collected')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
