import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { SubjectAltName } from './subjectAltNames.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lifetime of the private CA. Terminals pin it, so replacing it means visiting every one. */
export const CA_VALIDITY_YEARS = 10;
/** Lifetime of a server certificate: the most Apple platforms accept for a TLS server. */
export const SERVER_VALIDITY_DAYS = 825;
/**
 * How far certificates are backdated, so a terminal whose clock is a little behind the host's
 * does not see a freshly issued certificate as not yet valid.
 */
export const BACKDATE_MS = 60 * 60 * 1000;

/** A CA as the issuer of server certificates needs it. */
export interface CertificateAuthority {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

/** A freshly made certificate and its private key, both PEM. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Creates a private CA, valid {@link CA_VALIDITY_YEARS} years from `now` (less
 * {@link BACKDATE_MS}), whose only use is signing server certificates: basicConstraints
 * cA=true with path length 0 (critical), keyUsage keyCertSign+cRLSign (critical), SHA-256,
 * subject CN `ComboPay host CA <8 hex digits>` so two installations' CAs can be told apart.
 */
export function createCertificateAuthority(now: Date): IssuedCertificate & CertificateAuthority {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(cert.validity.notBefore);
  cert.validity.notAfter.setUTCFullYear(
    cert.validity.notAfter.getUTCFullYear() + CA_VALIDITY_YEARS,
  );
  const name = [
    { name: 'commonName', value: `ComboPay host CA ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'ComboPay' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    cert,
    key: keys.privateKey,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.pem,
  };
}

/**
 * Issues a TLS server certificate for `names` with a new key, signed by `ca` (SHA-256):
 * basicConstraints cA=false, keyUsage digitalSignature+keyEncipherment (critical),
 * extKeyUsage serverAuth, valid {@link SERVER_VALIDITY_DAYS} days from `now` less
 * {@link BACKDATE_MS}, but never past the CA's own end (a chain is only as valid as its CA).
 */
export function issueServerCertificate(
  ca: CertificateAuthority,
  names: readonly SubjectAltName[],
  now: Date,
): IssuedCertificate {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(
    Math.min(
      cert.validity.notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS,
      ca.cert.validity.notAfter.getTime(),
    ),
  );
  // Clients match names against the SANs only; the CN is for people reading the certificate.
  cert.setSubject([
    { name: 'commonName', value: 'ComboPay host' },
    { name: 'organizationName', value: 'ComboPay' },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((name) => ({ ...name.forge })) },
    { name: 'subjectKeyIdentifier' },
    // Strict verifiers (OpenSSL's X509_STRICT, Python 3.13) insist on the issuer's key id.
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.pem };
}

/** A 2048-bit RSA key made by Node's native code (node-forge's own is far slower). */
function generateRsaKeyPair(): {
  pem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    pem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

/**
 * 128 random bits as a positive serial in minimal DER: the top bit of the first byte is clear
 * (else the INTEGER would be negative) and its low bit set (else a leading zero byte would be
 * a non-minimal encoding that strict parsers refuse).
 */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
