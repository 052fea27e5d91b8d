import type { z } from 'zod';
import { PosError } from '../core/PosError.js';

/** One problem with a message, as listed in a VALIDATION_FAILED reply's `details`. */
export interface FieldProblem {
  /** Dotted path of the field (`amount.value`), or empty for the whole body. */
  field: string;
  problem: string;
}

function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k]) : [base];
    const problem = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    return paths.map((path) => ({ field: path.join('.'), problem }));
  });
}

/**
 * Validates an incoming request body, query or header set against its schema. Throws
 * `VALIDATION_FAILED` whose `details` lists each bad field; the values themselves are never
 * echoed (a body may hold a PIN block or a code).
 */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const details = problemsOf(result.error);
  const summary = details.map((d) => (d.field === '' ? d.problem : `${d.field}: ${d.problem}`));
  throw new PosError('VALIDATION_FAILED', `invalid request: ${summary.join('; ')}`, {
    details: { details },
  });
}

/**
 * Validates a reply from the host. Throws `HOST_REPLY_INVALID`: a reply the terminal cannot
 * read means the outcome is not known from it.
 */
export function parseReply<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const details = problemsOf(result.error);
  throw new PosError('HOST_REPLY_INVALID', 'host reply does not match the protocol', {
    details: { details },
  });
}
