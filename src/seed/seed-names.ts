import { z } from 'zod';

type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Name;

/** The seed's name of an admin API field: camelCase, and `authMethod` for the long RFC 7591 name. */
export type SeedName<Name extends string> = Name extends 'token_endpoint_auth_method' ? 'authMethod' : CamelCase<Name>;

export function seedName(apiName: string): string {
  if (apiName === 'token_endpoint_auth_method') return 'authMethod';
  return apiName.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

type SeedShape<Shape extends z.ZodRawShape> = { [Name in keyof Shape & string as SeedName<Name>]: Shape[Name] };

/**
 * The seed form of an admin input schema: the same fields, checks and defaults under their
 * camelCase names, so the seed and the admin API cannot disagree about what a value may be.
 */
export function seedObject<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>): z.ZodObject<SeedShape<Shape>, z.core.$strict> {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [seedName(name), field]));
  return z.strictObject(shape) as unknown as z.ZodObject<SeedShape<Shape>, z.core.$strict>;
}
