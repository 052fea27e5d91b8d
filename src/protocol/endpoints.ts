import { z } from 'zod';
import { batchNumber, opaqueId } from './fields.js';
import { confirmReply, confirmRequest } from './messages/confirm.js';
import { healthReply } from './messages/health.js';
import { paymentReply, paymentRequest } from './messages/payment.js';
import { paymentQuery, paymentStatusReply } from './messages/paymentStatus.js';
import { refundReply, refundRequest } from './messages/refund.js';
import { resendOtpReply, resendOtpRequest } from './messages/resendOtp.js';
import { reverseReply, reverseRequest } from './messages/reverse.js';
import { settleReply, settleRequest } from './messages/settle.js';
import { signInReply, signInRequest } from './messages/signIn.js';
import { voidReply, voidRequest } from './messages/void.js';

/** Base path of protocol version 1. */
export const API_BASE = '/v1';

/** Largest request body the host accepts (bytes); larger is `VALIDATION_FAILED`. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * One operation of the protocol: how to call it and what comes back.
 *
 * `path` uses `:name` placeholders (the form fastify routes take); {@link endpointPath} fills
 * them and `params` is their schema. `body` is the request body schema (absent for GET),
 * `query` the query string schema. A malformed parameter is `VALIDATION_FAILED`.
 * `success` maps each success status to its reply schema; errors are always `errorReply`.
 */
export interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** False only for health: every other request carries the terminal's signature. */
  readonly signed: boolean;
  readonly params?: z.ZodType;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly success: Readonly<Record<number, z.ZodType>>;
}

const paymentIdParams = z.strictObject({ paymentId: opaqueId });
const batchParams = z.strictObject({ batch: batchNumber });

/** Every endpoint of protocol v1 (protocol.md, "Endpoints"). */
export const endpoints = {
  health: { method: 'GET', path: '/v1/health', signed: false, success: { 200: healthReply } },
  signIn: {
    method: 'POST',
    path: '/v1/terminals/sign-in',
    signed: true,
    body: signInRequest,
    success: { 200: signInReply },
  },
  createPayment: {
    method: 'POST',
    path: '/v1/payments',
    signed: true,
    body: paymentRequest,
    // 201: a sale's code was sent; 200: a balance inquiry completed.
    success: { 200: paymentReply, 201: paymentReply },
  },
  confirmPayment: {
    method: 'POST',
    path: '/v1/payments/:paymentId/confirm',
    signed: true,
    params: paymentIdParams,
    body: confirmRequest,
    success: { 200: confirmReply },
  },
  resendOtp: {
    method: 'POST',
    path: '/v1/payments/:paymentId/resend-otp',
    signed: true,
    params: paymentIdParams,
    body: resendOtpRequest,
    success: { 200: resendOtpReply },
  },
  getPayment: {
    method: 'GET',
    path: '/v1/payments/:paymentId',
    signed: true,
    params: paymentIdParams,
    success: { 200: paymentStatusReply },
  },
  findPayment: {
    method: 'GET',
    path: '/v1/payments',
    signed: true,
    query: paymentQuery,
    success: { 200: paymentStatusReply },
  },
  reversePayment: {
    method: 'POST',
    path: '/v1/payments/:paymentId/reverse',
    signed: true,
    params: paymentIdParams,
    body: reverseRequest,
    success: { 200: reverseReply },
  },
  voidPayment: {
    method: 'POST',
    path: '/v1/payments/:paymentId/void',
    signed: true,
    params: paymentIdParams,
    body: voidRequest,
    success: { 200: voidReply },
  },
  createRefund: {
    method: 'POST',
    path: '/v1/refunds',
    signed: true,
    body: refundRequest,
    success: { 201: refundReply },
  },
  settleBatch: {
    method: 'POST',
    path: '/v1/batches/:batch/settle',
    signed: true,
    params: batchParams,
    body: settleRequest,
    success: { 200: settleReply },
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof endpoints;

/**
 * The request path of an endpoint with its placeholders filled (each value URL-encoded) and an
 * optional query string appended in the given key order. Throws on a missing parameter.
 */
export function endpointPath(
  endpoint: Endpoint,
  params: Readonly<Record<string, string>> = {},
  query?: Readonly<Record<string, string>>,
): string {
  const path = endpoint.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined)
      throw new TypeError(`missing path parameter ${name} for ${endpoint.path}`);
    return encodeURIComponent(value);
  });
  if (!query || Object.keys(query).length === 0) return path;
  return `${path}?${new URLSearchParams(query).toString()}`;
}
