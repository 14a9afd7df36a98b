/** Which page under a resource: its own, a token's (make, revoke, rotate, its new value), or a trusted publisher's (add, its page, remove). */
export type ResourceRoute = { page: 'resource' } | TokenRoute | PublisherRoute;
export type TokenRoute = { page: 'create' } | { page: 'revoke' | 'rotate' | 'new'; tokenId: string };
export type PublisherRoute = { page: 'add-publisher' } | { page: 'publisher' | 'remove-publisher'; publisherId: string };

const resourcePattern =
  /^\/resources\/(?<encoded>[^/]+)(?:(?<tokens>\/tokens(?:\/(?<tokenId>tgrt_[0-9A-Za-z]{12})\/(?<tokenPage>revoke|rotate|new))?)|(?<publishers>\/publishers(?:\/(?<publisherId>tgtp_[0-9A-Za-z]{12})(?<remove>\/remove)?)?))?$/;

/** /resources/<identifier, percent-encoded>[/tokens[/<token id>/<page>] | /publishers[/<publisher id>[/remove]]] */
export function resourceRouteOf(path: string): { identifier: string; route: ResourceRoute } | undefined {
  const groups = resourcePattern.exec(path)?.groups;
  if (!groups) return undefined;
  let identifier: string;
  try {
    identifier = decodeURIComponent(groups.encoded as string);
  } catch {
    return undefined;
  }
  return { identifier, route: routeOf(groups) };
}

function routeOf({ tokens, tokenId, tokenPage, publishers, publisherId, remove }: Record<string, string | undefined>): ResourceRoute {
  if (tokens) return tokenId ? { page: tokenPage as 'revoke' | 'rotate' | 'new', tokenId } : { page: 'create' };
  if (publishers) return publisherId ? { page: remove ? 'remove-publisher' : 'publisher', publisherId } : { page: 'add-publisher' };
  return { page: 'resource' };
}

export const isPublisherRoute = (route: ResourceRoute): route is PublisherRoute => route.page === 'add-publisher' || 'publisherId' in route;

/** Making a token and adding a publisher are POSTs; revoke, rotate and remove are a page and its form; the rest is read. */
export function methodsOf(route: ResourceRoute): string[] {
  if (route.page === 'create' || route.page === 'add-publisher') return ['POST'];
  return route.page === 'revoke' || route.page === 'rotate' || route.page === 'remove-publisher' ? ['GET', 'POST'] : ['GET'];
}
