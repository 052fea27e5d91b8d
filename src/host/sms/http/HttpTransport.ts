import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { PosError } from '../../../core/PosError.js';
import { maskMsisdn } from '../../accounts/maskMsisdn.js';
import type { OutgoingSms, SmsAcceptance, SmsTransport } from '../SmsTransport.js';
import { checkGatewayReply } from './checkGatewayReply.js';
import type { HttpTransportConfig } from './httpTransportConfig.js';
import { renderTemplate, type TemplateValues } from './renderTemplate.js';
import { requestGateway } from './requestGateway.js';

export interface HttpTransportDeps {
  clock: Clock;
  logger: Logger;
  /** Where `secretEnv` is looked up (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where this transport's settings live in the host config, for error messages. */
const CONFIG_PATH = 'sms.http';

/**
 * Creates the HTTP gateway transport from `sms.http`. Reads the secret (and the CA file) now,
 * so a missing or empty one is `CONFIG_INVALID` at start rather than a failed text later.
 */
export function createHttpTransport(
  config: HttpTransportConfig,
  deps: HttpTransportDeps,
): HttpTransport {
  return new HttpTransport(config, deps, readSecret(config, deps.env ?? process.env));
}

/**
 * An HTTP SMS gateway (Kannel's `sendsms`, a provider's REST API), one request per attempt,
 * built from the config's URL, header and body templates, the reply judged by
 * {@link checkGatewayReply}.
 *
 * Secrecy: the text, the number and the secret are only ever in the request itself. The log
 * line shows the URL with `{password}` and `{text}` as `[REDACTED]` and the number masked;
 * errors name the status and the failed check, never the reply body (a gateway may echo the
 * text); a refused reply is logged as a short excerpt with the text, the secret and every run
 * of four or more digits removed.
 */
export class HttpTransport implements SmsTransport {
  readonly name = 'http';
  readonly #config: HttpTransportConfig;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #secret: string;
  readonly #ca: string | undefined;
  readonly #agent: http.Agent;
  /** Aborts the sends in flight when the transport closes. */
  readonly #closing = new AbortController();
  #closed = false;

  constructor(config: HttpTransportConfig, deps: HttpTransportDeps, secret: string) {
    this.#config = config;
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ transport: 'http' });
    this.#secret = secret;
    this.#ca = config.caFile === undefined ? undefined : readConfigFile(config.caFile, 'caFile');
    const agentOptions = { keepAlive: true, maxSockets: 8 };
    this.#agent = config.url.startsWith('https:')
      ? new https.Agent(agentOptions)
      : new http.Agent(agentOptions);
  }

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    if (this.#closed) throw unavailable('the http transport is closed');
    if (signal.aborted)
      throw unavailable('the attempt was aborted before it started', signal.reason);
    const config = this.#config;
    const values: TemplateValues = {
      to: message.to,
      text: message.text,
      user: config.user,
      password: this.#secret,
      from: config.from,
      messageId: message.messageId,
    };
    const shown = this.#shownUrl(message);
    const timeout = new AbortController();
    const timer = this.#clock.setTimeout(() => {
      timeout.abort(unavailable(`no reply from the gateway within ${config.timeoutMs} ms`));
    }, config.timeoutMs);
    const combined = AbortSignal.any([signal, timeout.signal, this.#closing.signal]);
    const started = this.#clock.now();
    let reply;
    try {
      reply = await requestGateway(
        {
          url: renderTemplate(config.url, values, 'url'),
          method: config.method,
          headers: this.#headers(values),
          body:
            config.body === undefined
              ? undefined
              : renderTemplate(config.body, values, config.bodyFormat),
          agent: this.#agent,
          ca: this.#ca,
        },
        combined,
      );
    } catch (error) {
      const reason = this.#failureReason(error, signal, timeout.signal);
      this.#logger.warn(
        { url: shown, ms: this.#clock.now() - started, reason },
        'SMS gateway request failed',
      );
      throw unavailable(reason);
    } finally {
      this.#clock.clearTimeout(timer);
    }
    const verdict = checkGatewayReply(config, reply);
    const ms = this.#clock.now() - started;
    if (verdict.accepted) {
      this.#logger.debug(
        { url: shown, status: reply.status, ms, transportRef: verdict.transportRef },
        'SMS gateway accepted',
      );
      return verdict.transportRef === undefined ? {} : { transportRef: verdict.transportRef };
    }
    this.#logger.warn(
      {
        url: shown,
        status: reply.status,
        ms,
        permanent: verdict.permanent,
        reply: excerpt(reply.body, [message.text, message.to, this.#secret]),
      },
      'SMS gateway refused',
    );
    throw unavailable(`gateway refused: ${verdict.reason}`, undefined, verdict.permanent);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#closing.abort(unavailable('the http transport is closed'));
      this.#agent.destroy();
    }
    return Promise.resolve();
  }

  #headers(values: TemplateValues): Record<string, string> {
    const headers: Record<string, string> = {};
    const config = this.#config;
    if (config.body !== undefined) {
      headers['content-type'] =
        config.bodyFormat === 'json'
          ? 'application/json; charset=utf-8'
          : 'application/x-www-form-urlencoded; charset=utf-8';
    }
    for (const [name, template] of Object.entries(config.headers)) {
      headers[name.toLowerCase()] = renderTemplate(template, values, 'header');
    }
    return headers;
  }

  /** The request URL as a log may show it: no secret, no text, the number masked. */
  #shownUrl(message: OutgoingSms): string {
    const config = this.#config;
    // Private-use characters stand in for the text and the secret, then their URL-encoded
    // forms are swapped for the marker, so no escaping of the marker itself shows.
    const shown = renderTemplate(
      config.url,
      {
        to: maskMsisdn(message.to),
        text: '\uE000',
        user: config.user,
        password: '\uE000',
        from: config.from,
        messageId: message.messageId,
      },
      'url',
    );
    return shown.replaceAll(encodeURIComponent('\uE000'), '[REDACTED]');
  }

  #failureReason(error: unknown, caller: AbortSignal, timeout: AbortSignal): string {
    if (this.#closing.signal.aborted) return 'the http transport is closed';
    if (caller.aborted) return 'the attempt was aborted';
    if (timeout.aborted) return `no reply from the gateway within ${this.#config.timeoutMs} ms`;
    const code = (error as NodeJS.ErrnoException).code;
    // Node's network errors name the host and port, never the path or query (which hold the
    // text and the secret); still, only the code and a fixed sentence go out.
    return `cannot reach the gateway (${code ?? (error instanceof Error ? error.name : 'error')})`;
  }
}

function unavailable(
  message: string,
  cause?: unknown,
  permanent = false,
): PosError<'SMS_UNAVAILABLE'> {
  return new PosError('SMS_UNAVAILABLE', message, {
    details: { transport: 'http', permanent },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A refused reply's first line for the log, short, with every secret removed: the text (as
 * written and URL-encoded), the number, the gateway secret and any run of four digits or more
 * (a code or PIN echoed in another form).
 */
function excerpt(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      text = text.split(form).join('[REDACTED]');
    }
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return firstLine.replace(/\d{4,}/g, '[REDACTED]').slice(0, 120);
}

function readSecret(
  config: HttpTransportConfig,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (config.secretFile !== undefined) {
    const secret = readConfigFile(config.secretFile, 'secretFile').replace(/\r?\n$/, '');
    if (secret === '') throw configInvalid('secretFile', `file ${config.secretFile}`, 'is empty');
    return secret;
  }
  if (config.secretEnv !== undefined) {
    const secret = env[config.secretEnv] ?? '';
    if (secret === '') {
      throw configInvalid('secretEnv', `env ${config.secretEnv}`, 'the variable is not set');
    }
    return secret;
  }
  return '';
}

function readConfigFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw configInvalid(field, `file ${path}`, `cannot read (${code})`);
  }
}

function configInvalid(field: string, source: string, problem: string): PosError<'CONFIG_INVALID'> {
  const name = `${CONFIG_PATH}.${field}`;
  return new PosError('CONFIG_INVALID', `invalid host config: ${name} (${source}): ${problem}`, {
    details: { issues: [{ field: name, source, problem }] },
  });
}
