import { connect } from 'node:net';
import test from 'ava';

import { eventually } from '../helpers/eventually.ts';
import { spawnTollgate } from '../helpers/spawn-tollgate.ts';

/** Whether something accepts connections on the port (a refused or reset connection: no). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// `npm start` runs the script through `sh -c`; without `exec` the shell stays between npm and
// node, npm's forwarded SIGTERM ends the shell only, and the server lives on as an orphan.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm start process stops the server: its port closes`, async (t) => {
    const npm = spawnTollgate({ PORT: '0', HOME: process.env.HOME ?? '/tmp' }, ['npm', 'start']);
    t.teardown(() => npm.child.kill('SIGKILL'));
    const listening = await npm.waitForLog((line) => line.msg === 'tollgate listening');
    const port = Number(new URL(String(listening.issuer)).port);
    t.true(await accepts(port));

    npm.child.kill(signal);
    await npm.exited;
    // npm may exit before the server it forwarded the signal to has finished closing.
    await eventually(async () => !(await accepts(port)), 'the port closes', 10_000);
    t.false(await accepts(port), 'nothing listens once npm start has exited');
  });
}
