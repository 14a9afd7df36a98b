/**
 * An ECDSA signature as OpenSSL gives it (DER: SEQUENCE { INTEGER r, INTEGER s }) in the form
 * JWS uses (RFC 7518 §3.4: r and s big-endian, each left-padded to the curve's size). node:crypto
 * converts by itself when asked (`dsaEncoding: 'ieee-p1363'`), but only through a key options
 * object, which costs about 20 µs of the main thread per signature in Node 24 against 10 µs
 * for the whole signing call given a bare KeyObject.
 */
export function ieeeP1363FromDer(der: Uint8Array, size: number): Buffer {
  let at = 0;
  const byte = () => {
    if (at >= der.length) throw new TypeError('truncated ECDSA signature');
    return der[at++] as number;
  };
  if (byte() !== 0x30) throw new TypeError('an ECDSA signature is a DER SEQUENCE');
  let length = byte();
  if (length === 0x81) length = byte();
  else if (length > 0x7f) throw new TypeError('ECDSA signature too long');
  if (at + length !== der.length) throw new TypeError('ECDSA signature length does not match');

  const out = Buffer.alloc(2 * size);
  for (const offset of [0, size]) {
    if (byte() !== 0x02) throw new TypeError('r and s are DER INTEGERs');
    const integerLength = byte();
    if (integerLength === 0 || integerLength > 0x7f || at + integerLength > der.length) throw new TypeError('bad INTEGER in ECDSA signature');
    let start = at;
    at += integerLength;
    // A leading zero only keeps a high bit from reading as a sign: not part of the value.
    while (start < at - 1 && der[start] === 0) start++;
    const value = der.subarray(start, at);
    if (value.length > size) throw new TypeError('ECDSA signature value larger than the curve');
    out.set(value, offset + size - value.length);
  }
  if (at !== der.length) throw new TypeError('trailing bytes after ECDSA signature');
  return out;
}
