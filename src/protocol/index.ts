/**
 * The wire protocol shared by terminal and host (docs/protocol.md): message schemas, the
 * endpoint table, error replies, request signing, freshness checks and the PIN block.
 */
export * from './authenticate.js';
export * from './base64url.js';
export * from './endpoints.js';
export * from './errorReply.js';
export * from './fields.js';
export * from './freshness.js';
export * from './messages/confirm.js';
export * from './messages/health.js';
export * from './messages/payment.js';
export * from './messages/paymentStatus.js';
export * from './messages/refund.js';
export * from './messages/resendOtp.js';
export * from './messages/reverse.js';
export * from './messages/settle.js';
export * from './messages/signIn.js';
export * from './messages/void.js';
export * from './pinBlock.js';
export * from './signing.js';
export * from './validate.js';
export * from './x25519.js';
