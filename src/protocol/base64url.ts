/** base64url without padding (RFC 4648 §5), as every key, nonce-free byte string and signature on the wire. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes base64url without padding, strictly: returns `undefined` for any character outside
 * the alphabet, for padding, and for a non-canonical encoding (unused low bits set in the last
 * character). Strictness matters: with a lenient decoder two different strings would carry
 * the same bytes, so altering a signature or PIN block field could go unnoticed.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
