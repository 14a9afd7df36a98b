import { readFileSync } from 'node:fs';

/** The package's version: src/cli/ and dist/cli/ both sit two levels below package.json. */
export const cliVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What the CLI calls itself in User-Agent, which the device confirm page shows. */
export const cliUserAgent = `tollgate-cli/${cliVersion} (${process.platform}; ${process.arch})`;
