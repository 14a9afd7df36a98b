import { resolveUpstreams } from '../config/load-config.ts';
import type { UpstreamSettings } from '../config/upstream-schema.ts';
import { AppError } from '../errors.ts';
import { inSeedFile, parseSeedFile } from './apply-seed.ts';

/**
 * The upstreams people sign in through: the configuration's, then the seed file's (SPEC §13:
 * config file, seed, environment for their secrets). They are built before the seed's
 * accounts are applied, so seeded identities can name either. An id in both is refused.
 */
export function upstreamsWithSeed(configured: readonly UpstreamSettings[], seedFile: string | undefined, env: NodeJS.ProcessEnv): readonly UpstreamSettings[] {
  if (!seedFile) return configured;
  return inSeedFile(seedFile, () => {
    const seeded = parseSeedFile(seedFile).upstreams;
    const ids = new Set(configured.map((upstream) => upstream.id));
    seeded.forEach((upstream, index) => {
      if (ids.has(upstream.id)) throw new AppError('invalid_field', `upstreams.${index}.id: "${upstream.id}" is already an upstream (configuration or seed)`);
      ids.add(upstream.id);
    });
    try {
      return [...configured, ...resolveUpstreams(seeded, env)];
    } catch (error) {
      // resolveUpstreams words its errors for the configuration; here they are the seed's.
      throw new AppError('invalid_field', (error as Error).message.replace(/^invalid configuration: /, ''), { cause: error });
    }
  });
}
