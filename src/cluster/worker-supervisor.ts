import cluster, { type Worker } from 'node:cluster';

import type { Logger } from '../logger.ts';

const readyMessage = 'tollgate:worker-ready';
const allReadyMessage = 'tollgate:all-workers-ready';

/** In a worker: tell the primary this process is built and listening. */
export function reportWorkerReady(): void {
  process.send?.({ type: readyMessage });
}

/**
 * In a worker: whether the primary has said every worker is ready. The first worker listens
 * while the others still start, and a load balancer must not count the host ready on its word.
 */
export function listenForAllWorkersReady(): () => boolean {
  let allReady = false;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === allReadyMessage) allReady = true;
  });
  return () => allReady;
}

export interface SupervisorOptions {
  count: number;
  /** Extra environment for every worker (on top of the primary's). */
  env: Record<string, string>;
  logger: Logger;
  /** First restart delay after a crash; doubles with each crash in a row. Default 250 ms. */
  restartDelayMs?: number;
  /** Restart delays stop growing here. Default 30 s. */
  maxRestartDelayMs?: number;
  /** A worker that ran this long before dying starts its slot's backoff afresh. Default 60 s. */
  stableAfterMs?: number;
  /** How long stop() waits for workers to finish in-flight requests before SIGKILL. Default 15 s. */
  stopTimeoutMs?: number;
}

export interface Supervisor {
  /** Resolves once every worker has reported ready; rejects with an exit code if one died while starting. */
  ready: Promise<void>;
  /** SIGTERM to every worker, waits for them to exit; resolves with the exit code for the primary. */
  stop(): Promise<number>;
}

interface Slot {
  index: number;
  worker: Worker | undefined;
  startedAt: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | undefined;
}

/**
 * Forks the workers one after the other (each starts only once the previous is ready, so start-up
 * writes such as the demo principals never race), restarts any that dies unexpectedly after an
 * exponential backoff per slot, and stops them all gracefully on request.
 */
export function superviseWorkers(options: SupervisorOptions): Supervisor {
  const { logger } = options;
  const restartDelayMs = options.restartDelayMs ?? 250;
  const maxRestartDelayMs = options.maxRestartDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const slots: Slot[] = Array.from({ length: options.count }, (_, index) => ({ index, worker: undefined, startedAt: 0, crashes: 0, restartTimer: undefined }));
  let stopping = false;
  let startingUp = true;
  let failStartup: (code: number) => void = () => {};

  function fork(slot: Slot): Promise<void> {
    return new Promise((resolve) => {
      const worker = cluster.fork(options.env);
      slot.worker = worker;
      slot.startedAt = Date.now();
      worker.on('message', (message: { type?: string }) => {
        if (message?.type !== readyMessage) return;
        logger.info({ workerPid: worker.process.pid, slot: slot.index }, 'worker ready');
        // A worker restarted after start-up joins a host that is ready already.
        if (!startingUp) worker.send({ type: allReadyMessage });
        resolve();
      });
      worker.once('exit', (code, signal) => {
        slot.worker = undefined;
        if (stopping) return;
        if (startingUp) {
          logger.error({ workerPid: worker.process.pid, code, signal }, 'worker failed to start; stopping');
          failStartup(typeof code === 'number' && code !== 0 ? code : 1);
          return;
        }
        if (Date.now() - slot.startedAt > stableAfterMs) slot.crashes = 0;
        const delay = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** slot.crashes);
        slot.crashes++;
        logger.error({ workerPid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited unexpectedly; restarting');
        slot.restartTimer = setTimeout(() => {
          slot.restartTimer = undefined;
          if (!stopping) void fork(slot);
        }, delay);
      });
    });
  }

  const ready = new Promise<void>((resolve, reject) => {
    failStartup = (code) => {
      void stop().then(() => reject(code));
    };
    (async () => {
      for (const slot of slots) {
        await fork(slot);
        if (stopping) return;
      }
      startingUp = false;
      for (const slot of slots) slot.worker?.send({ type: allReadyMessage });
      resolve();
    })().catch(reject);
  });

  let stopped: Promise<number> | undefined;
  function stop(): Promise<number> {
    stopped ??= (async () => {
      stopping = true;
      const exits: Promise<number>[] = [];
      for (const slot of slots) {
        clearTimeout(slot.restartTimer);
        const worker = slot.worker;
        if (!worker || worker.isDead()) continue;
        exits.push(
          new Promise<number>((resolve) => {
            const killer = setTimeout(() => worker.process.kill('SIGKILL'), options.stopTimeoutMs ?? 15_000);
            worker.once('exit', (code) => {
              clearTimeout(killer);
              resolve(code === 0 ? 0 : 1);
            });
            // The worker's own SIGTERM handler finishes in-flight requests and closes storage.
            worker.process.kill('SIGTERM');
          }),
        );
      }
      const codes = await Promise.all(exits);
      return codes.some((code) => code !== 0) ? 1 : 0;
    })();
    return stopped;
  }

  return {
    ready,
    stop,
  };
}
