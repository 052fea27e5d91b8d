import type { HttpTransportConfig } from './httpTransportConfig.js';
import { readJsonPath } from './readJsonPath.js';

/** A gateway's HTTP reply, its body read as UTF-8 text. */
export interface GatewayReply {
  status: number;
  body: string;
}

/**
 * What a reply means. `reason` says why a reply was refused in the transport's own words (the
 * status and which check failed), never quoting the body, which may echo the text.
 */
export type ReplyVerdict =
  | { accepted: true; transportRef: string | undefined }
  | { accepted: false; permanent: boolean; reason: string };

/**
 * Reads a gateway's reply by the config's rules: accepted when the status is one of
 * `acceptStatuses` and the body passes `successPattern` / `successJsonPath`; then the message
 * id is taken from `messageIdPattern` / `messageIdJsonPath` if configured (an accepted reply
 * without one is still accepted: the text went out). A refusal is permanent when its status
 * is one of `permanentStatuses`, or when it is a 4xx (or an accepted status that failed the
 * success check) whose body matches `permanentPattern`; 5xx, 429 and everything else may pass.
 */
export function checkGatewayReply(config: HttpTransportConfig, reply: GatewayReply): ReplyVerdict {
  const { status, body } = reply;
  const statusAccepted = config.acceptStatuses.includes(status);
  const json = lazyJson(body);
  let failed: string | undefined;
  if (!statusAccepted) failed = `HTTP ${status}`;
  else if (config.successPattern !== undefined && !new RegExp(config.successPattern).test(body)) {
    failed = `HTTP ${status}, reply does not match successPattern`;
  } else if (config.successJsonPath !== undefined) {
    const value =
      json.value === undefined ? undefined : readJsonPath(json.value, config.successJsonPath);
    const wanted = config.successJsonValues;
    const ok =
      wanted === undefined ? Boolean(value) : wanted.some((candidate) => candidate === value);
    if (json.value === undefined) failed = `HTTP ${status}, reply is not JSON`;
    else if (!ok) failed = `HTTP ${status}, reply's ${config.successJsonPath} is not a success`;
  }
  if (failed === undefined) return { accepted: true, transportRef: messageId(config, body, json) };

  const mayBePermanent = (status >= 400 && status < 500 && status !== 429) || statusAccepted;
  const permanent =
    config.permanentStatuses.includes(status) ||
    (mayBePermanent &&
      config.permanentPattern !== undefined &&
      new RegExp(config.permanentPattern).test(body));
  return {
    accepted: false,
    permanent,
    reason: permanent ? `${failed}, the gateway refuses this message for good` : failed,
  };
}

function messageId(
  config: HttpTransportConfig,
  body: string,
  json: { value: unknown },
): string | undefined {
  if (config.messageIdPattern !== undefined) {
    const match = new RegExp(config.messageIdPattern).exec(body);
    const id = match?.groups?.id ?? match?.[1];
    return id === undefined || id === '' ? undefined : id;
  }
  if (config.messageIdJsonPath !== undefined && json.value !== undefined) {
    const id = readJsonPath(json.value, config.messageIdJsonPath);
    if (typeof id === 'string' && id !== '') return id;
    if (typeof id === 'number') return String(id);
  }
  return undefined;
}

/** Parses the body as JSON on first use; `value` is undefined when it is not JSON. */
function lazyJson(body: string): { readonly value: unknown } {
  let parsed: { value: unknown } | undefined;
  return {
    get value() {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(body) as unknown };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}
