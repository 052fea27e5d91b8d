import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { hasErrorCode, isPosError, PosError } from '../../core/PosError.js';
import type { Secret } from '../../core/Secret.js';
import {
  authHeaderFields,
  endpointPath,
  endpoints,
  fromWireError,
  parseReply,
  parseRequest,
  signRequest,
  TERMINAL_KEY_BYTES,
  terminalId as terminalIdSchema,
  type ConfirmReply,
  type Endpoint,
  type HealthReply,
  type PaymentReply,
  type PaymentRequest,
  type PaymentStatusReply,
  type RefundReply,
  type RefundRequest,
  type ResendOtpReply,
  type ReverseReason,
  type ReverseReply,
  type SettleReply,
  type SettleRequest,
  type SignInReply,
  type VoidReply,
} from '../../protocol/index.js';
import { classifyFailure, type AttemptProgress } from './classifyFailure.js';
import { isRetryable, skewServerTime, type RetryRule } from './retryPolicy.js';

/** How long the client waits for the host, in milliseconds. */
export interface HostTimeouts {
  /**
   * From the start of an attempt until its connection is up: DNS, TCP connect and, for https,
   * the TLS handshake with the certificate check. Running out is `HOST_UNREACHABLE` (nothing
   * was sent). Default {@link DEFAULT_TIMEOUTS}.connectMs (15 000, sized for a cellular link).
   */
  connectMs: number;
  /**
   * From the moment the connection is up until the whole reply has arrived. Running out is
   * `HOST_TIMEOUT` (the request may have been acted on). Default {@link DEFAULT_TIMEOUTS}.replyMs
   * (30 000: the host may wait up to its SMS budget before it answers a payment).
   */
  replyMs: number;
}

/** Timeouts for a terminal on a cellular link. */
export const DEFAULT_TIMEOUTS: Readonly<HostTimeouts> = Object.freeze({
  connectMs: 15_000,
  replyMs: 30_000,
});

/** Extra attempts after a failure that may safely be retried, unless configured otherwise. */
export const DEFAULT_RETRIES = 2;
/** Wait between two attempts (ms), unless configured otherwise. */
export const DEFAULT_RETRY_DELAY_MS = 1_000;
/**
 * A kept-alive connection idle for this long (ms) is closed by the client. The agent also
 * honours a shorter `Keep-Alive: timeout=…` hint from the server (less one second), so the
 * client does not reuse a connection the server is about to drop.
 */
export const IDLE_CONNECTION_MS = 20_000;
/** The largest reply body the client reads (bytes); a larger one is `HOST_REPLY_INVALID`. */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** How a {@link HostClient} reaches and authenticates to the payment host. */
export interface HostClientOptions {
  /**
   * Origin of the host: `https://host:8443`, or plain `http://127.0.0.1:port` on loopback only
   * (`127.0.0.0/8`, `::1`, `localhost`). No path, query, fragment or credentials.
   */
  baseUrl: string;
  /** This terminal's id (`T0000001`), sent in `X-Pos-Terminal`. */
  terminalId: string;
  /** The terminal's 32-byte key (from `pos-host terminals add`); signs every request. */
  terminalKey: Uint8Array;
  /**
   * PEM of the host's CA. For https it is the only CA trusted (the system's roots are not):
   * required, else `CONFIG_INVALID`. Ignored for http.
   */
  ca?: string | undefined;
  /**
   * Source of time for `X-Pos-Timestamp` (plus {@link HostClient.clockOffsetMs}), for the
   * connect and reply timers, for the wait between attempts and for the health latency.
   */
  clock: Clock;
  /** Overrides of {@link DEFAULT_TIMEOUTS}; each a positive number of ms. */
  timeouts?: Partial<HostTimeouts>;
  /** Extra attempts for a failure that may safely be retried; default 2, 0 disables retries. */
  retries?: number;
  /** Wait between attempts in ms, on `clock`; default 1 000 (tests pass 0: no wait at all). */
  retryDelayMs?: number;
  /**
   * Where method, path, status, latency, attempt and error code of each exchange are logged
   * (debug for replies, warn for transport failures and unreadable replies). Bodies, codes,
   * PINs and headers are never logged.
   */
  logger?: Logger;
  /**
   * Told after every attempt whether the host answered: `reachable: true` with the round trip
   * when a reply came back (a refusal too), `false` when the host could not be reached or did
   * not answer in time. For the status bar; it must not throw.
   */
  onLink?: ((link: HostLink) => void) | undefined;
}

/** What one attempt showed of the link to the host. */
export interface HostLink {
  reachable: boolean;
  /** Round trip of the attempt that got a reply, in ms of the client's clock. */
  latencyMs?: number | undefined;
}

/** One operation to send: where, what, and how it may be retried. */
interface Call {
  endpoint: Endpoint;
  /** Path with query as on the request line; the signature covers exactly this. */
  path: string;
  /** The JSON body bytes, made once; undefined for a GET (which sends and signs no body). */
  body: Buffer | undefined;
  retry: RetryRule;
}

/** What came back from one attempt that got a reply. */
interface Exchange {
  status: number;
  text: string;
  latencyMs: number;
}

/** Node's `request` with the signature axios calls a custom transport with. */
type RequestFunction = (
  options: https.RequestOptions,
  callback: (response: http.IncomingMessage) => void,
) => http.ClientRequest;

function invalidConfig(message: string, field: string): PosError {
  return new PosError('CONFIG_INVALID', message, {
    details: { issues: [{ field, problem: message }] },
  });
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The host's origin as a URL, checked as {@link HostClientOptions.baseUrl} says (the terminal
 * config checks it with this too). Throws `CONFIG_INVALID`.
 */
export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalidConfig('host URL is not a URL', 'baseUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidConfig('host URL must be https (or http on loopback)', 'baseUrl');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw invalidConfig('host URL must not carry credentials, a query or a fragment', 'baseUrl');
  }
  if (url.pathname !== '/') {
    throw invalidConfig('host URL must be an origin without a path', 'baseUrl');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalidConfig('plain http is allowed only to a loopback address', 'baseUrl');
  }
  return url;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw invalidConfig('must be above 0 ms', field);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls the connection-up callback once the socket a request was given is ready: at once for
 * a reused kept-alive connection, else on TCP `connect` (http) or TLS `secureConnect` (https,
 * after the certificate was verified).
 */
function watchConnection(
  request: http.ClientRequest,
  socket: Socket,
  secure: boolean,
  onConnected: () => void,
): void {
  if (request.reusedSocket) {
    onConnected();
  } else if (secure) {
    socket.once('secureConnect', onConnected);
  } else if (socket.connecting) {
    socket.once('connect', onConnected);
  } else {
    onConnected();
  }
}

/**
 * The terminal's client of the payment host (docs/protocol.md): one method per operation,
 * each signing its request with the terminal's key and returning the parsed success reply.
 *
 * Every method rejects with a {@link PosError}:
 * - the host's protocol error (`PIN_INCORRECT`, `OTP_INCORRECT`…) with its extra fields
 *   (`attemptsLeft`, `lockedUntil`, `retryAfter`, `serverTime`…) as `details`;
 * - `HOST_UNREACHABLE` when the request provably never reached the host (DNS, refused,
 *   unreachable, connect timeout, TLS or certificate failure), `details.cause` the system code;
 * - `HOST_TIMEOUT` when it may have (no full reply within `replyMs`, or the connection broke
 *   after it was up): the outcome is unknown, inquire before acting again;
 * - `HOST_REPLY_INVALID` for a reply that is not the protocol's (a success status the endpoint
 *   does not have, a body that fails its schema, an error body that is not a protocol error
 *   such as a proxy's HTML page);
 * - `VALIDATION_FAILED` for arguments that do not fit the protocol (checked before sending).
 *
 * Retries: a failure that is safe to retry (see {@link RetryRule}) is retried up to `retries`
 * times, `retryDelayMs` apart, with a new nonce and timestamp over the same body bytes; the last
 * failure is thrown. A `TIMESTAMP_SKEW` reply (which changed nothing) sets the clock offset from
 * its `serverTime` and the request is sent once more at once. No other error reply is retried.
 */
export class HostClient {
  readonly #secure: boolean;
  readonly #terminalId: string;
  readonly #key: Uint8Array;
  readonly #clock: Clock;
  readonly #timeouts: HostTimeouts;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #logger: Logger | undefined;
  readonly #onLink: ((link: HostLink) => void) | undefined;
  readonly #agent: http.Agent;
  readonly #axios: AxiosInstance;
  #offsetMs = 0;

  /** Checks the options; `CONFIG_INVALID` (naming the field) when one is unusable. */
  constructor(options: HostClientOptions) {
    const url = parseBaseUrl(options.baseUrl);
    this.#secure = url.protocol === 'https:';
    if (this.#secure && (options.ca === undefined || options.ca.trim() === '')) {
      throw invalidConfig('https needs the host CA to pin', 'ca');
    }
    if (!terminalIdSchema.safeParse(options.terminalId).success) {
      throw invalidConfig('terminal id is malformed', 'terminalId');
    }
    if (options.terminalKey.length !== TERMINAL_KEY_BYTES) {
      throw invalidConfig(`terminal key must be ${TERMINAL_KEY_BYTES} bytes`, 'terminalKey');
    }
    const retries = options.retries ?? DEFAULT_RETRIES;
    if (!Number.isInteger(retries) || retries < 0) {
      throw invalidConfig('retries must be a whole number, 0 or more', 'retries');
    }
    const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
      throw invalidConfig('retry delay must be 0 ms or more', 'retryDelayMs');
    }
    this.#terminalId = options.terminalId;
    this.#key = Uint8Array.from(options.terminalKey);
    this.#clock = options.clock;
    this.#timeouts = {
      connectMs: positive(options.timeouts?.connectMs, DEFAULT_TIMEOUTS.connectMs, 'connectMs'),
      replyMs: positive(options.timeouts?.replyMs, DEFAULT_TIMEOUTS.replyMs, 'replyMs'),
    };
    this.#retries = retries;
    this.#retryDelayMs = retryDelayMs;
    this.#logger = options.logger;
    this.#onLink = options.onLink;
    this.#agent = this.#secure
      ? new https.Agent({
          keepAlive: true,
          timeout: IDLE_CONNECTION_MS,
          ca: options.ca,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
        })
      : new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
    this.#axios = axios.create({
      adapter: 'http',
      baseURL: url.origin,
      allowAbsoluteUrls: false,
      ...(this.#secure ? { httpsAgent: this.#agent } : { httpAgent: this.#agent }),
      proxy: false,
      maxRedirects: 0,
      timeout: 0,
      validateStatus: () => true,
      responseType: 'text',
      responseEncoding: 'utf8',
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxContentLength: MAX_REPLY_BYTES,
      headers: { accept: 'application/json', 'user-agent': 'combopay-terminal' },
    });
  }

  /**
   * Host clock minus terminal clock, in ms, added to `clock.now()` for `X-Pos-Timestamp`.
   * 0 until a sign-in reply's `serverTime` or a `TIMESTAMP_SKEW` reply sets it.
   */
  get clockOffsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * `POST /v1/terminals/sign-in`: the merchant, the PIN key and the open batch. Sets
   * {@link clockOffsetMs} from the reply's `serverTime`. Retried on unreachable and timeout.
   */
  async signIn(): Promise<SignInReply> {
    const reply = await this.#call<SignInReply>(this.#post(endpoints.signIn, {}, {}));
    const serverMs = Date.parse(reply.serverTime);
    if (Number.isFinite(serverMs)) this.#offsetMs = serverMs - this.#clock.now();
    return reply;
  }

  /**
   * `POST /v1/payments`: a sale (`201`, the code was texted) or a balance inquiry (`200`).
   * Idempotent on (terminal, batch, trace) with the same body, so retried on unreachable and
   * timeout: a retry gets the first reply again and sends no second SMS.
   */
  async createPayment(request: PaymentRequest): Promise<PaymentReply> {
    return this.#call(this.#post(endpoints.createPayment, {}, request));
  }

  /**
   * `POST /v1/payments/{paymentId}/confirm` with the code the customer keyed; `otp` is
   * revealed only to build the body. A repeated confirm returns the same approval and debits
   * nothing more, so it is retried on unreachable and timeout.
   */
  async confirm(paymentId: string, otp: Secret): Promise<ConfirmReply> {
    return this.#call(this.#post(endpoints.confirmPayment, { paymentId }, { otp: otp.reveal() }));
  }

  /**
   * `POST /v1/payments/{paymentId}/resend-otp`. Each copy that reaches the host texts a new
   * code, so it is retried only when the request provably never reached it
   * (`HOST_UNREACHABLE`); a `HOST_TIMEOUT` is thrown as is.
   */
  async resendOtp(paymentId: string): Promise<ResendOtpReply> {
    return this.#call(this.#post(endpoints.resendOtp, { paymentId }, {}, 'not-sent-only'));
  }

  /** `GET /v1/payments/{paymentId}`: where a payment stands. Retried on unreachable and timeout. */
  async getPayment(paymentId: string): Promise<PaymentStatusReply> {
    return this.#call(this.#get(endpoints.getPayment, { paymentId }));
  }

  /**
   * `GET /v1/payments?batch=…&trace=…`: a payment by its idempotency key, for a request whose
   * reply was lost before its id was known. Retried on unreachable and timeout.
   */
  async findPayment(batch: string, trace: string): Promise<PaymentStatusReply> {
    return this.#call(this.#get(endpoints.findPayment, {}, { batch, trace }));
  }

  /**
   * `POST /v1/payments/{paymentId}/reverse`: undoes a payment the terminal could not complete.
   * Idempotent; retried on unreachable and timeout.
   */
  async reverse(paymentId: string, reason: ReverseReason): Promise<ReverseReply> {
    return this.#call(this.#post(endpoints.reversePayment, { paymentId }, { reason }));
  }

  /** `POST /v1/payments/{paymentId}/void`. Idempotent; retried on unreachable and timeout. */
  async voidPayment(paymentId: string): Promise<VoidReply> {
    return this.#call(this.#post(endpoints.voidPayment, { paymentId }, {}));
  }

  /**
   * `POST /v1/refunds` (`201`). Idempotent on (terminal, batch, trace); retried on unreachable
   * and timeout.
   */
  async createRefund(request: RefundRequest): Promise<RefundReply> {
    return this.#call(this.#post(endpoints.createRefund, {}, request));
  }

  /**
   * `POST /v1/batches/{batch}/settle` with the terminal's figures. The host replays its answer
   * for the same figures, so it is retried on unreachable and timeout.
   */
  async settle(batch: string, request: SettleRequest): Promise<SettleReply> {
    return this.#call(this.#post(endpoints.settleBatch, { batch }, request));
  }

  /**
   * `GET /v1/health` (unsigned) and the round trip of the attempt that answered, in ms by
   * `clock`. Retried on unreachable and timeout.
   */
  async health(): Promise<{ reply: HealthReply; latencyMs: number }> {
    let latencyMs = 0;
    const reply = await this.#call<HealthReply>(this.#get(endpoints.health), (exchange) => {
      latencyMs = exchange.latencyMs;
    });
    return { reply, latencyMs };
  }

  /**
   * Destroys the kept-alive connections (and any request in flight on them, which then fails
   * as `HOST_TIMEOUT` or `HOST_UNREACHABLE`). Later calls open new connections.
   */
  close(): void {
    this.#agent.destroy();
  }

  #path(
    endpoint: Endpoint,
    params: Readonly<Record<string, string>>,
    query?: Readonly<Record<string, string>>,
  ): string {
    if (endpoint.params) parseRequest(endpoint.params, params);
    if (endpoint.query) parseRequest(endpoint.query, query ?? {});
    return endpointPath(endpoint, params, query);
  }

  #post(
    endpoint: Endpoint,
    params: Readonly<Record<string, string>>,
    body: unknown,
    retry: RetryRule = 'outcome-safe',
  ): Call {
    const path = this.#path(endpoint, params);
    const checked: unknown = endpoint.body ? parseRequest(endpoint.body, body) : body;
    // Serialized once: these bytes are signed and sent on every attempt.
    return { endpoint, path, body: Buffer.from(JSON.stringify(checked), 'utf8'), retry };
  }

  #get(
    endpoint: Endpoint,
    params: Readonly<Record<string, string>> = {},
    query?: Readonly<Record<string, string>>,
  ): Call {
    return {
      endpoint,
      path: this.#path(endpoint, params, query),
      body: undefined,
      retry: 'outcome-safe',
    };
  }

  async #call<T>(call: Call, onReply?: (exchange: Exchange) => void): Promise<T> {
    let retriesLeft = this.#retries;
    let skewRetried = false;
    // Once an attempt may have reached the host, a later "never sent" does not make the
    // request unsent: the outcome stays unknown.
    let mayHaveArrived = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const exchange = await this.#exchange(call, attempt);
        this.#onLink?.({ reachable: true, latencyMs: exchange.latencyMs });
        onReply?.(exchange);
        return this.#read(call, exchange) as T;
      } catch (error) {
        const serverMs = skewRetried ? undefined : skewServerTime(error);
        if (serverMs !== undefined) {
          skewRetried = true;
          this.#offsetMs = serverMs - this.#clock.now();
          this.#logger?.warn(
            { method: call.endpoint.method, path: call.path, clockOffsetMs: this.#offsetMs },
            'host clock differs: offset corrected, sending again',
          );
          continue;
        }
        if (hasErrorCode(error, 'HOST_UNREACHABLE', 'HOST_TIMEOUT')) {
          this.#onLink?.({ reachable: false });
        }
        if (hasErrorCode(error, 'HOST_TIMEOUT', 'HOST_REPLY_INVALID')) mayHaveArrived = true;
        if (retriesLeft > 0 && isRetryable(error, call.retry)) {
          retriesLeft -= 1;
          await this.#wait(this.#retryDelayMs);
          continue;
        }
        if (mayHaveArrived && hasErrorCode(error, 'HOST_UNREACHABLE')) {
          throw new PosError('HOST_TIMEOUT', 'an earlier attempt may have reached the host', {
            details: { cause: 'UNREACHABLE_AFTER_SENDING', attempts: attempt },
          });
        }
        throw error;
      }
    }
  }

  #wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#clock.setTimeout(resolve, ms);
    });
  }

  #headers(call: Call): Record<string, string> {
    const headers: Record<string, string> = {};
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.endpoint.signed) {
      const auth = signRequest({
        terminalId: this.#terminalId,
        key: this.#key,
        method: call.endpoint.method,
        pathWithQuery: call.path,
        body: call.body ?? '',
        timestampSeconds: Math.floor((this.#clock.now() + this.#offsetMs) / 1000),
      });
      Object.assign(headers, authHeaderFields(auth));
    }
    return headers;
  }

  /** One attempt: a fresh nonce and timestamp, the call's body bytes, both timers. */
  async #exchange(call: Call, attempt: number): Promise<Exchange> {
    const { method } = call.endpoint;
    const clock = this.#clock;
    const started = clock.now();
    const progress: AttemptProgress = { connected: false };
    const controller = new AbortController();
    let timer: TimerHandle = clock.setTimeout(() => {
      progress.timedOut = 'connect';
      controller.abort();
    }, this.#timeouts.connectMs);
    const onConnected = (): void => {
      if (progress.connected || progress.timedOut !== undefined) return;
      progress.connected = true;
      clock.clearTimeout(timer);
      timer = clock.setTimeout(() => {
        progress.timedOut = 'reply';
        controller.abort();
      }, this.#timeouts.replyMs);
    };
    const secure = this.#secure;
    const base: RequestFunction = secure ? https.request : http.request;
    const transport = {
      request: (
        options: https.RequestOptions,
        callback: (response: http.IncomingMessage) => void,
      ) => {
        const request = base(options, callback);
        request.once('socket', (socket: Socket) => {
          watchConnection(request, socket, secure, onConnected);
        });
        return request;
      },
    };
    try {
      const response = await this.#axios.request<string>({
        method,
        url: call.path,
        headers: this.#headers(call),
        ...(call.body === undefined ? {} : { data: call.body }),
        signal: controller.signal,
        transport,
      });
      const latencyMs = clock.now() - started;
      const text = typeof response.data === 'string' ? response.data : '';
      const status = response.status;
      this.#logger?.debug({ method, path: call.path, status, latencyMs, attempt }, 'host replied');
      return { status, text, latencyMs };
    } catch (error) {
      const failure = isPosError(error) ? error : classifyFailure(error, progress);
      this.#logger?.warn(
        {
          method,
          path: call.path,
          code: failure.code,
          cause: failure.details.cause,
          latencyMs: clock.now() - started,
          attempt,
        },
        'host exchange failed',
      );
      throw failure;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /** The success reply parsed by the endpoint's schema for its status, or the error it means. */
  #read(call: Call, exchange: Exchange): unknown {
    try {
      return parseExchange(call.endpoint, exchange);
    } catch (error) {
      if (isPosError(error)) {
        const fields = { method: call.endpoint.method, path: call.path, status: exchange.status };
        if (error.code === 'HOST_REPLY_INVALID') {
          this.#logger?.warn({ ...fields, code: error.code }, 'host reply unreadable');
        } else {
          this.#logger?.debug({ ...fields, code: error.code }, 'host refused');
        }
      }
      throw error;
    }
  }
}

/**
 * Reads a reply: a status in the endpoint's success table is parsed by its schema; another 2xx
 * is `HOST_REPLY_INVALID`; anything else must be a protocol error reply with the status of its
 * code (else `HOST_REPLY_INVALID`, e.g. a proxy's HTML error page).
 */
function parseExchange(endpoint: Endpoint, exchange: Exchange): unknown {
  const { status } = exchange;
  const schema = endpoint.success[status];
  const body = parseJson(exchange.text);
  if (schema) {
    if (body === undefined) {
      throw new PosError('HOST_REPLY_INVALID', `host replied ${status} without a JSON body`, {
        details: { status },
      });
    }
    return parseReply(schema, body);
  }
  if (status >= 200 && status < 300) {
    throw new PosError('HOST_REPLY_INVALID', `host replied ${status}, not a status this call has`, {
      details: { status },
    });
  }
  throw fromWireError(status, body);
}
