import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';

export interface LogLine {
  msg?: string;
  pid?: number;
  [field: string]: unknown;
}

export interface SpawnedTollgate {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the first log line (already seen or still to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  output(): string;
}

/** Runs `node src/main.ts` as an operator would, in its own process, collecting its JSON log lines. */
export function spawnTollgate(env: Record<string, string>): SpawnedTollgate {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG_FILE: '', TOLLGATE_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let text = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) {
      if (!raw.startsWith('{')) continue;
      const line = JSON.parse(raw) as LogLine;
      logs.push(line);
      for (const waiter of waiters) {
        if (waiter.match(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);

  return {
    child,
    logs,
    exited,
    output: () => text,
    waitForLog(match, timeoutMs = 60_000) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        void exited.then(() => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`tollgate exited before the log line; output:\n${text}`));
        });
      });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One request over its own new connection (no keep-alive pool), so each may land on another worker. */
export function freshConnectionRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Starts a POST whose body arrives in two parts: the request is in flight until `finish` sends
 * the rest. Resolves once the server has read the request head, which `Expect: 100-continue`
 * makes observable: the server answers "100 Continue" as it dispatches the request.
 */
export async function slowRequest(url: string, headers: Record<string, string>, body: string): Promise<{ finish(): Promise<HttpAnswer> }> {
  let settle: { resolve: (answer: HttpAnswer) => void; reject: (error: Error) => void } | undefined;
  const answered = new Promise<HttpAnswer>((resolve, reject) => (settle = { resolve, reject }));
  answered.catch(() => {}); // observed through finish(); unobserved when a test ends early
  const req = request(url, { method: 'POST', headers: { ...headers, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString()));
    res.on('end', () => settle?.resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } }));
  });
  req.on('error', (error) => settle?.reject(error));
  req.flushHeaders();
  await once(req, 'continue');
  const half = Math.floor(body.length / 2);
  await new Promise<void>((resolve) => req.write(body.slice(0, half), () => resolve()));
  return {
    finish() {
      req.end(body.slice(half));
      return answered;
    },
  };
}
