import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PosError } from '../../core/PosError.js';
import {
  endpoints,
  parseRequest,
  type ConfirmRequest,
  type EndpointName,
  type PaymentQuery,
  type PaymentRequest,
  type RefundRequest,
  type ReverseRequest,
  type SettleRequest,
} from '../../protocol/index.js';
import { settleBatch } from '../batches/settleBatch.js';
import type { HostContext } from '../HostContext.js';
import { confirmPayment } from '../payments/confirmPayment.js';
import { createPayment } from '../payments/createPayment.js';
import { paymentStatus } from '../payments/paymentStatus.js';
import { resendOtp } from '../payments/resendOtp.js';
import { reversePayment } from '../payments/reversePayment.js';
import { voidPayment } from '../payments/voidPayment.js';
import { createRefund } from '../refunds/createRefund.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { authenticateRequest } from '../terminals/authenticateRequest.js';
import { signIn } from '../terminals/signIn.js';

/** A validated request as an operation receives it. */
interface Incoming {
  terminal: AuthenticatedTerminal;
  params: Record<string, string>;
  body: unknown;
  query: unknown;
}

type Operation = (ctx: HostContext, request: Incoming) => Promise<StoredReply>;

const operations: Record<Exclude<EndpointName, 'health'>, Operation> = {
  signIn: (ctx, r) => signIn(ctx, r.terminal),
  createPayment: (ctx, r) => createPayment(ctx, r.terminal, r.body as PaymentRequest),
  confirmPayment: (ctx, r) =>
    confirmPayment(ctx, r.terminal, r.params.paymentId ?? '', (r.body as ConfirmRequest).otp),
  resendOtp: (ctx, r) => resendOtp(ctx, r.terminal, r.params.paymentId ?? ''),
  getPayment: (ctx, r) => paymentStatus(ctx, r.terminal, { paymentId: r.params.paymentId ?? '' }),
  findPayment: (ctx, r) => paymentStatus(ctx, r.terminal, r.query as PaymentQuery),
  reversePayment: (ctx, r) =>
    reversePayment(ctx, r.terminal, r.params.paymentId ?? '', (r.body as ReverseRequest).reason),
  voidPayment: (ctx, r) => voidPayment(ctx, r.terminal, r.params.paymentId ?? ''),
  createRefund: (ctx, r) => createRefund(ctx, r.terminal, r.body as RefundRequest),
  settleBatch: (ctx, r) =>
    settleBatch(ctx, r.terminal, r.params.batch ?? '', r.body as SettleRequest),
};

/**
 * Registers every signed endpoint of the protocol from the shared endpoint table. Each
 * request is, in order: authenticated over its raw bytes (nothing is parsed before the
 * signature holds), checked for a JSON content type, parsed, validated against the table's
 * schemas (`VALIDATION_FAILED` naming each field), then handed to its operation.
 */
export function registerRoutes(app: FastifyInstance, ctx: HostContext, version: string): void {
  app.get(endpoints.health.path, () => ({ status: 'ok', version }));
  for (const [name, operation] of Object.entries(operations)) {
    const endpoint = endpoints[name as keyof typeof operations];
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      handler: async (request, replyTo) => {
        const raw: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const terminal = await authenticateRequest(ctx, request.headers, {
          method: request.method,
          pathWithQuery: request.url,
          body: raw,
        });
        const incoming: Incoming = {
          terminal,
          params: 'params' in endpoint ? parseRequest(endpoint.params, request.params) : {},
          query: 'query' in endpoint ? parseRequest(endpoint.query, request.query) : undefined,
          body:
            'body' in endpoint ? parseRequest(endpoint.body, jsonBody(request, raw)) : undefined,
        };
        if (!('query' in endpoint) && Object.keys(request.query as object).length > 0) {
          throw fieldError('query', 'this endpoint takes no query string');
        }
        if (!('body' in endpoint) && raw.length > 0) {
          throw fieldError('body', 'this endpoint takes no body');
        }
        request.log.info({ terminalId: terminal.id, operation: name }, 'request authenticated');
        const result = await operation(ctx, incoming);
        return replyTo.code(result.status).send(result.body);
      },
    });
  }
}

function jsonBody(request: FastifyRequest, raw: Buffer): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw fieldError('content-type', 'must be application/json');
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw fieldError('', 'the body is not valid JSON');
  }
}

function fieldError(field: string, problem: string): PosError {
  return new PosError('VALIDATION_FAILED', field === '' ? problem : `${field}: ${problem}`, {
    details: { details: [{ field, problem }] },
  });
}
