import { existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import type { HostConfig } from '../hostConfig.js';

/**
 * The embedded database (PGlite) belongs to one process. While `pos-host serve` runs it
 * listens on `<dataDir>/admin.sock` (mode 0600: only its own user), and the other admin
 * commands send their arguments there instead of opening the database themselves. One JSON
 * line each way: `{ argv, actor }` → `{ ok: true, result }` or `{ ok: false, error }`.
 */
export function adminSocketPath(config: HostConfig): string {
  return join(resolve(config.dataDir), 'admin.sock');
}

export interface AdminRequest {
  argv: string[];
  actor: string;
}

export type AdminResponse =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

/** Serves admin requests with `handle`; removes a stale socket file first. */
export async function listenAdminSocket(
  path: string,
  handle: (request: AdminRequest) => Promise<AdminResponse>,
): Promise<Server> {
  if (existsSync(path)) rmSync(path);
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      let request: AdminRequest;
      try {
        request = JSON.parse(buffer.slice(0, end)) as AdminRequest;
      } catch {
        socket.end(
          `${JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad admin request' } })}\n`,
        );
        return;
      }
      void handle(request).then((response) => socket.end(`${JSON.stringify(response)}\n`));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ path, readableAll: false, writableAll: false }, done);
  });
  return server;
}

/**
 * Sends one admin request to a running host. Resolves undefined when no host listens (no
 * socket, or a stale one), so the caller opens the database itself.
 */
export function sendAdminRequest(
  path: string,
  request: AdminRequest,
): Promise<AdminResponse | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((done, fail) => {
    const socket = createConnection({ path });
    let buffer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      try {
        done(JSON.parse(buffer) as AdminResponse);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) done(undefined);
      else fail(error);
    });
  });
}
