import { packageVersion } from '../package-version.ts';

const cliVersion = packageVersion;

/** What the CLI calls itself in User-Agent, which the device confirm page shows. */
export const cliUserAgent = `tollgate-cli/${cliVersion} (${process.platform}; ${process.arch})`;
