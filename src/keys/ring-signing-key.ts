import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';

import type { SigningAlg } from '../resources/resource-server-record.ts';
import { ieeeP1363FromDer } from './ecdsa-signature.ts';
import type { KeyRing } from './key-ring.ts';

const kty: Record<SigningAlg, string> = { ES256: 'EC', RS256: 'RSA', EdDSA: 'OKP' };
const crv: Record<SigningAlg, string | undefined> = { ES256: 'P-256', RS256: undefined, EdDSA: 'Ed25519' };
// oidc-provider checks these members are non-empty strings when it registers the key, before
// an algorithm may have a key; they are never published (/jwks is ours in store mode).
const unset = 'unset';

/**
 * How store mode changes the signing key of a running oidc-provider, which builds its key store
 * once: one key per algorithm through its documented external-signing interface (the one meant
 * for KMS and HSM keys), standing for whichever key of the ring signs now. oidc-provider reads
 * `kid` when it picks the key and writes it into the JWT header; `sign` then signs with the key
 * that header names, so a switch between the two never yields a token its header misdescribes.
 */
export class RingSigningKey extends ExternalSigningKey {
  readonly #ring: KeyRing;
  readonly #alg: SigningAlg;

  constructor(ring: KeyRing, alg: SigningAlg) {
    super();
    this.#ring = ring;
    this.#alg = alg;
  }

  #current() {
    return this.#ring.signing(this.#alg)?.publicJwk;
  }

  override get kid(): string {
    return this.#ring.signing(this.#alg)?.kid ?? `${this.#alg}-${unset}`;
  }
  override set kid(_value: string) {}

  override get alg(): string {
    return this.#alg;
  }
  override set alg(_value: string) {}

  override get kty(): string {
    return kty[this.#alg];
  }

  override get crv(): string | undefined {
    return crv[this.#alg];
  }

  override get x(): string | undefined {
    return this.#alg === 'RS256' ? undefined : (this.#current()?.x ?? unset);
  }

  override get y(): string | undefined {
    return this.#alg === 'ES256' ? (this.#current()?.y ?? unset) : undefined;
  }

  override get e(): string | undefined {
    return this.#alg === 'RS256' ? (this.#current()?.e ?? unset) : undefined;
  }

  override get n(): string | undefined {
    return this.#alg === 'RS256' ? (this.#current()?.n ?? unset) : undefined;
  }

  override get pub(): string | undefined {
    return undefined;
  }

  override keyObject(): KeyObject {
    const key = this.#ring.signing(this.#alg);
    if (!key) throw new Error(`no ${this.#alg} signing key yet`);
    return createPublicKey(key.privateKey);
  }

  /**
   * On libuv's thread pool, as jose's WebCrypto signs for a key from a file: signing here on
   * the main thread was the dearest step of a store-mode token (an ECDSA signature), and held
   * every other request up while it ran.
   */
  override async sign(data: Uint8Array): Promise<Uint8Array> {
    const kid = this.#kidNamedIn(data);
    const key = kid ? this.#ring.find(kid) : undefined;
    // Revoked between oidc-provider picking it and signing: fail this one request rather than
    // sign with a revoked key or under a header naming another.
    if (!key) throw new Error(`signing key ${kid} is no longer in the key set`);
    // Given the bare KeyObject: see ecdsa-signature.ts for why ES256 is not asked for P1363 here.
    const signature = await new Promise<Buffer>((resolve, reject) =>
      sign(this.#alg === 'EdDSA' ? null : 'sha256', data, key.privateKey, (error, signed) => (error ? reject(error) : resolve(signed))),
    );
    return this.#alg === 'ES256' ? ieeeP1363FromDer(signature, 32) : signature;
  }

  // Headers repeat (one per key and token type): each one's kid is read once.
  readonly #kids = new Map<string, string | undefined>();

  /** The kid in `data`'s header: `data` is the JWS signing input, BASE64URL(header) '.' BASE64URL(payload) (RFC 7515 §5.1). */
  #kidNamedIn(data: Uint8Array): string | undefined {
    const end = data.indexOf(dot);
    const header = Buffer.from(data.buffer, data.byteOffset, end < 0 ? data.length : end).toString('latin1');
    if (this.#kids.has(header)) return this.#kids.get(header);
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid?: string };
    if (this.#kids.size >= maxRememberedHeaders) this.#kids.clear();
    this.#kids.set(header, kid);
    return kid;
  }
}

const dot = 0x2e;
const maxRememberedHeaders = 100;
