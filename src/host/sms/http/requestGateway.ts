import http from 'node:http';
import https from 'node:https';
import type { GatewayReply } from './checkGatewayReply.js';

/** Replies longer than this are cut: a gateway's answer is a status line or a small JSON. */
const MAX_REPLY_BYTES = 64 * 1024;

export interface GatewayRequest {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  agent: http.Agent;
  /** Extra CA for an https gateway (PEM). */
  ca?: string | undefined;
}

/**
 * One HTTP exchange with the gateway. Rejects (with `signal.reason`) as soon as `signal`
 * aborts, whether the reply has started or not, and destroys the socket so nothing is read
 * afterwards. Rejects with Node's network error (`ECONNREFUSED`, `ECONNRESET`…) otherwise.
 */
export function requestGateway(
  request: GatewayRequest,
  signal: AbortSignal,
): Promise<GatewayReply> {
  return new Promise<GatewayReply>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const url = new URL(request.url);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined) headers['content-length'] = String(body.length);
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const req = client.request(url, {
      method: request.method,
      headers,
      agent: request.agent,
      ...(request.ca === undefined ? {} : { ca: request.ca }),
    });
    function onAbort() {
      finish(() => reject(signal.reason as Error));
      req.destroy();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => finish(() => reject(error)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_REPLY_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', (error) => finish(() => reject(error)));
      res.on('close', () => {
        if (!res.complete)
          finish(() => reject(new Error('the gateway closed the connection mid-reply')));
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8');
        finish(() => resolve({ status: res.statusCode ?? 0, body: text }));
      });
    });
    req.end(body);
  });
}
