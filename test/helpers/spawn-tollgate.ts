import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

import { withTestPepper } from './test-pepper.ts';

export interface LogLine {
  msg?: string;
  pid?: number;
  [field: string]: unknown;
}

export interface SpawnedTollgate {
  child: ChildProcess;
  /** The JSON log lines written to stdout so far. */
  logs: LogLine[];
  /** Resolves with the first log line (already seen or still to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the output (stdout and stderr) matches, rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once both output streams are drained. */
  exited: Promise<number | string>;
  /** Everything written to stdout and stderr so far, interleaved as it arrived. */
  output(): string;
  stderr(): string;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs tollgate as an operator would, in its own process, with only the given environment plus
 * PATH (no config file unless the env names one): `node src/main.ts` with this Node (24, the one
 * ava runs on), or another command line such as `npm start`.
 */
export function spawnTollgate(env: Record<string, string>, command: string[] = [process.execPath, 'src/main.ts']): SpawnedTollgate {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: root,
    env: withTestPepper({ PATH: process.env.PATH ?? '', TOLLGATE_CONFIG_FILE: '', TOLLGATE_HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const listeners = new Set<() => void>();
  let text = '';
  let errors = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) if (raw.startsWith('{')) logs.push(JSON.parse(raw) as LogLine);
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    errors += chunk.toString();
    for (const listener of listeners) listener();
  });
  // 'close', not 'exit': by then both output streams are drained.
  const exited = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | string);

  /** Resolves with what `find` finds in the output, now or later; rejects on exit or timeout. */
  function waitUntil<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; output:\n${text}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited (${code}) before ${what}; output:\n${text}`));
      });
      check();
    });
  }

  return {
    child,
    logs,
    exited,
    output: () => text,
    stderr: () => errors,
    waitForLog: (match, timeoutMs = 60_000) => waitUntil(() => logs.find(match), 'matching log line', timeoutMs),
    waitFor: (pattern, timeoutMs = 60_000) => waitUntil(() => text.match(pattern) ?? undefined, String(pattern), timeoutMs),
  };
}

/** tollgate on `port` with its storage on `redisUrl` under `prefix`, logging JSON lines (`logs`). */
export function spawnOnRedis(port: number, redisUrl: string, prefix: string, env: Record<string, string> = {}): SpawnedTollgate {
  return spawnTollgate({ PORT: String(port), REDIS_URL: redisUrl, TOLLGATE_REDIS_PREFIX: prefix, TOLLGATE_LOG_FORMAT: 'json', ...env });
}

/** Kills (SIGKILL) each of these still running and waits for it to exit: a test file's cleanup. */
export async function killAll(spawned: readonly SpawnedTollgate[]): Promise<void> {
  for (const { child, exited } of spawned) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGKILL');
    await exited;
  }
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
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } }),
      );
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
  const req = request(
    url,
    { method: 'POST', headers: { ...headers, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) }, agent: false },
    (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        settle?.resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text },
        }),
      );
    },
  );
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
