import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createScrapeAccess } from './scrape-access.ts';

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
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    if (!allowed(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' }).end('{"error":"unauthorized"}');
      return;
    }
    options.render().then(
      (text) => res.writeHead(200, { 'content-type': options.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}'),
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
