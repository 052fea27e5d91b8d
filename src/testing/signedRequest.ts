import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { authHeaderFields, signRequest } from '../protocol/signing.js';

/** A reply as a test or the demo client sees it. */
export interface RawReply {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | number | undefined>;
}

/** Sends one HTTP request; the two implementations are fastify's inject and real HTTP(S). */
export type SendRequest = (request: {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}) => Promise<RawReply>;

/** The identity a signed request is made with. */
export interface TerminalIdentity {
  terminalId: string;
  key: Uint8Array;
}

/**
 * Signs and sends a protocol request the way a terminal does: JSON body (or none for a GET),
 * the four `X-Pos-*` headers over the exact bytes sent. `nowSeconds` is the terminal's clock;
 * `nonce` may be fixed to replay a request on purpose.
 */
export async function sendSigned(
  send: SendRequest,
  identity: TerminalIdentity,
  request: {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    nonce?: string;
    nowSeconds: number;
  },
): Promise<RawReply> {
  const body = request.method === 'GET' ? '' : JSON.stringify(request.body ?? {});
  const auth = signRequest({
    terminalId: identity.terminalId,
    key: identity.key,
    method: request.method,
    pathWithQuery: request.path,
    body,
    timestampSeconds: request.nowSeconds,
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  });
  return send({
    method: request.method,
    path: request.path,
    headers: {
      ...authHeaderFields(auth),
      ...(request.method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    body,
  });
}

/**
 * Real HTTP(S) to `baseUrl` (`https://127.0.0.1:8443`), trusting only `ca` when given (the
 * host's pinned CA). Keeps no connection open between calls.
 */
export function httpSender(baseUrl: string, ca?: string): SendRequest {
  const url = new URL(baseUrl);
  return (request) =>
    new Promise((resolve, reject) => {
      const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const outgoing = make(
        {
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.path,
          headers: {
            ...request.headers,
            ...(request.body.length > 0
              ? { 'content-length': Buffer.byteLength(request.body) }
              : {}),
          },
          agent: false,
          ...(ca === undefined ? {} : { ca, servername: url.hostname }),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text) as unknown;
            } catch {
              // not JSON: hand the text back as it came
            }
            resolve({ status: incoming.statusCode ?? 0, body, headers: incoming.headers });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
}
