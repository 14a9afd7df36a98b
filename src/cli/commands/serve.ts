import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the server',
  options: {},
  help: `usage: tollgate serve

Starts tollgate, configured by config/tollgate.json (TOLLGATE_CONFIG_FILE) and TOLLGATE_*
environment variables; every setting is in docs/configuration.md. The same as npm start.`,
  async run() {
    // The server's own entry point: it listens, prints, handles signals and exits.
    await import('../../main.ts');
  },
};
