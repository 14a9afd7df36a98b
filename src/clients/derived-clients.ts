import type { MaxPriority } from '../principals/max-priority.ts';
import type { ClientRecord } from './client-record.ts';
import type { ClientRegistry } from './client-registry.ts';

/**
 * One token request asks for its client several times (authentication, resource policy, claims);
 * a second is short enough to call "at once" for a change made through another process, and one
 * made through this process forgets the client here immediately (`forget`).
 */
const viewMs = 1000;

/** A client made from another record (a resource token, a trusted publisher), as it is now. */
export interface DerivedClient {
  client: ClientRecord;
  /** When it stops being a client even while this view is kept (a token's expiry), ms since the epoch. */
  until?: number;
  /** Notes a successful token request from `ip` (throttled by the record's store). */
  touch(ip: string | undefined): Promise<void>;
}

/** What a derived client is made of: it serves exactly one resource (its default), and is never disabled (a record that is gone is not found instead). */
export type OneResourceClient = Omit<ClientRecord, 'resources' | 'defaultResource' | 'maxPriority' | 'disabled'> & {
  resource: string;
  maxPriority: MaxPriority | undefined;
};

export function oneResourceClient({ resource, maxPriority, ...fields }: OneResourceClient): ClientRecord {
  return { ...fields, resources: [resource], defaultResource: resource, ...(maxPriority ? { maxPriority } : {}), disabled: false };
}

/** One kind of derived client: the client ids it owns (a prefix no stored client may use) and how to read one. */
export interface DerivedClientKind {
  owns(clientId: string): boolean;
  /** The client, or undefined when its record is gone or no longer in force. */
  find(clientId: string): Promise<DerivedClient | undefined>;
}

export interface DerivedClients extends ClientRegistry {
  /** Drops what this process remembers of a derived client, after a change to its record. */
  forget(clientId: string): void;
}

/**
 * The client registry as the provider sees it: stored clients, plus the clients each kind makes
 * from its own records (SPEC §15: a resource token is a client-credentials client, a trusted
 * publisher a jwt-bearer one). One read of the kind's store per client and second at most; a
 * client that is gone is not found (`invalid_client`, like an unknown one). The admin API keeps
 * the plain registry: these are not clients there.
 */
export function withDerivedClients(clients: ClientRegistry, kinds: readonly DerivedClientKind[], onError: (error: unknown) => void): DerivedClients {
  const viewed = new Map<string, { found: Promise<DerivedClient | undefined>; until: number }>();

  function view(kind: DerivedClientKind, clientId: string): Promise<DerivedClient | undefined> {
    const now = Date.now();
    const known = viewed.get(clientId);
    if (known && known.until > now) return known.found;
    const found = kind.find(clientId);
    viewed.set(clientId, { found, until: now + viewMs });
    found.catch(() => viewed.delete(clientId));
    if (viewed.size > 10_000) viewed.delete(viewed.keys().next().value as string);
    return found;
  }

  // A view kept for a second never outlives its record.
  const inForce = (found: DerivedClient | undefined) => (found && (found.until === undefined || found.until > Date.now()) ? found : undefined);
  const kindOf = (clientId: string) => kinds.find((kind) => kind.owns(clientId));

  return {
    ...clients,
    // A derived client's view is a promise shared by the requests that wait for it: never peeked at.
    peek: (clientId) => (kindOf(clientId) ? undefined : clients.peek(clientId)),
    get(clientId) {
      const kind = kindOf(clientId);
      return kind ? view(kind, clientId).then((found) => inForce(found)?.client) : clients.get(clientId);
    },
    touch(clientId, from) {
      const kind = kindOf(clientId);
      if (!kind) return clients.touch(clientId, from);
      // Read now: the request's socket may be gone once the record is looked up.
      const ip = from?.ip;
      void view(kind, clientId)
        .then((found) => found?.touch(ip))
        .catch(onError);
    },
    forget: (clientId) => viewed.delete(clientId),
  };
}
