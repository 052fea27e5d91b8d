import net from 'node:net';
import tls from 'node:tls';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
  type IssuedCertificate,
} from '../host/tls/issueCertificates.js';
import { serverSubjectAltNames } from '../host/tls/subjectAltNames.js';

/**
 * TLS material and a TLS front for tests of HTTPS clients, made by the host's own certificate
 * code (src/host/tls): a private CA and a server certificate for 127.0.0.1 and localhost.
 */

/** A test CA: its certificate (PEM, what a client pins) and what issuing needs. */
export type TestCa = IssuedCertificate & CertificateAuthority;

/** A new private CA, as `POS_HOST_TLS=auto` makes one. */
export function makeTestCa(): TestCa {
  return createCertificateAuthority(new Date());
}

/** A server certificate for 127.0.0.1 and localhost, signed by `ca`. */
export function issueTestServerCertificate(ca: TestCa): IssuedCertificate {
  return issueServerCertificate(ca, serverSubjectAltNames(['127.0.0.1', 'localhost']), new Date());
}

/**
 * A TLS terminator on 127.0.0.1 in front of a plain-TCP service on `targetPort`, the way a host
 * is often deployed. Returns its `https://127.0.0.1:<port>` origin and a closer.
 */
export async function startTlsFront(
  server: { certPem: string; keyPem: string },
  targetPort: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const front = tls.createServer({ key: server.keyPem, cert: server.certPem }, (socket) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const each of [socket, upstream]) {
      sockets.add(each);
      each.on('close', () => sockets.delete(each));
      each.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  // A client refusing our certificate makes the handshake fail here too; that is expected.
  front.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => {
    front.listen(0, '127.0.0.1', resolve);
  });
  const { port } = front.address() as net.AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        front.close(() => {
          resolve();
        });
      }),
  };
}
