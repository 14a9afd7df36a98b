// The container's HEALTHCHECK, a program of its own like main.ts: probes /healthz on the address
// the server was configured with (environment or config/tollgate.json, through the same config
// loader), so a port set in the config file is probed too. Exit 0 healthy, 1 not.
import { loadConfig } from './config/load-config.ts';

try {
  const { host, port } = loadConfig(process.env);
  // A wildcard bind answers on loopback; a specific address is probed where it listens.
  const address = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const response = await fetch(`http://${address}:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${(error as Error).message}\n`);
  process.exit(1);
}
