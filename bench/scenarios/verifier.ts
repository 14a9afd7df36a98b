import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchContext } from '../lib/context.ts';
import type { Row } from '../lib/results.ts';
import { repoRoot } from '../lib/servers.ts';

/** The resource-server verifier helper against raw jose.jwtVerify with a local key. */
export async function verifierRows(_context: BenchContext): Promise<Row[]> {
  const available = existsSync(join(repoRoot, 'src', 'client-helpers'));
  return [
    {
      scenario: 'JWT verification (verifier helper vs jose.jwtVerify)',
      load: 'in process',
      unit: 'verifications/s',
      subject: 'verifier helper',
      note: available ? 'not yet wired: the verifier helper landed but this scenario does not drive it yet' : 'not yet available: the verifier helper (src/client-helpers/) is not in this tree yet',
    },
  ];
}
