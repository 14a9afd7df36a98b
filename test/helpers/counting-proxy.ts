import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Requests seen for a path (all paths when omitted), failed ones included. */
  count(path?: string): number;
  /** Answers the next `times` requests itself with `status` instead of forwarding them. */
  failNext(times: number, status?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/**
 * A tiny HTTP proxy in front of the real server: counts requests and can stand in for an
 * overloaded or failing server (503, 429) for a number of requests, then forwards again.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  let failures: { left: number; status: number; headers: Record<string, string> } = { left: 0, status: 503, headers: {} };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const body = await readAll(req);
    if (failures.left > 0) {
      failures.left--;
      res.writeHead(failures.status, { 'content-type': 'application/json', ...failures.headers }).end('{"error":"temporarily_unavailable"}');
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== 'host' && name !== 'connection' && typeof value === 'string') headers.set(name, value);
    }
    const upstream = await fetch(`${target}${req.url}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') responseHeaders[name] = value;
    });
    res.writeHead(upstream.status, responseHeaders).end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => (path ? (counts.get(path) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0)),
    failNext(times, status = 503, headers = {}) {
      failures = { left: times, status, headers };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A fetch that counts the requests it makes per path, for asserting how often a helper calls. */
export function countingFetch(): { fetch: typeof fetch; count(path?: string): number } {
  const counts = new Map<string, number>();
  const wrapped = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, count: (path) => (path ? (counts.get(path) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0)) };
}
