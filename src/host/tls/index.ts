/**
 * The payment host's TLS material: `ensureAutoTls` for `POS_HOST_TLS=auto` (a private CA and
 * server certificate kept in the data directory) and `loadTlsFiles` for the operator's own
 * `cert.pem,key.pem`.
 */
export * from './ensureAutoTls.js';
export * from './loadTlsFiles.js';
