import type { FastifyError, FastifyInstance } from 'fastify';
import { isPosError, PosError } from '../../core/PosError.js';
import { MAX_BODY_BYTES, toWireError } from '../../protocol/index.js';

/**
 * Every failure becomes a protocol error reply (`{ error: { code, message, … } }`):
 * - a PosError keeps its code and its safe details;
 * - fastify's own refusals of a request (too large, bad framing, unknown route) are
 *   `VALIDATION_FAILED`, since the protocol has no other code for a malformed request;
 * - anything else is logged in full (through the redacting logger) and answered with the
 *   bare `INTERNAL` reply, so no stack, SQL or secret reaches the terminal.
 */
export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | PosError, request, reply) => {
    let mapped: unknown = error;
    if (!isPosError(error) && typeof error.statusCode === 'number' && error.statusCode < 500) {
      const problem =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `larger than ${MAX_BODY_BYTES} bytes`
          : 'malformed request';
      mapped = new PosError('VALIDATION_FAILED', `request ${problem}`, {
        details: { details: [{ field: 'body', problem }] },
      });
    }
    const wire = toWireError(mapped);
    if (wire.status >= 500 && wire.body.error.code === 'INTERNAL') {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: wire.body.error.code }, 'request refused');
    }
    return reply.code(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const wire = toWireError(
      new PosError('VALIDATION_FAILED', `no such endpoint for ${request.method}`, {
        details: { details: [{ field: 'path', problem: 'no such endpoint' }] },
      }),
    );
    return reply.code(wire.status).send(wire.body);
  });
}
