type Next = () => Promise<unknown>;
type Middleware<C> = (ctx: C, next: Next) => unknown;

/** Middleware run one after the other, as koa runs its own, ending in `next`. */
export function chain<C>(middleware: readonly Middleware<C>[]): (ctx: C, next: Next) => Promise<unknown> {
  return (ctx, next) => {
    const run = (index: number): Promise<unknown> => {
      const current = middleware[index];
      return current ? Promise.resolve(current(ctx, () => run(index + 1))) : next();
    };
    return run(0);
  };
}
