import { z } from 'zod';
import { jsonPathSteps } from './readJsonPath.js';
import { placeholdersIn, TEMPLATE_PLACEHOLDERS } from './renderTemplate.js';

const regex = (what: string) =>
  z.string().superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a regular expression (${what})` });
    }
  });

const jsonPath = z.string().superRefine((path, ctx) => {
  try {
    jsonPathSteps(path);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a path like result.status or messages[0].id',
    });
  }
});

/** Placeholders that may appear in a header (never the number or the text). */
const HEADER_PLACEHOLDERS = new Set(['user', 'password', 'from', 'messageId']);

/**
 * `sms.http` in the host config: a generic HTTP SMS gateway (Kannel's `sendsms`, a provider's
 * JSON API). Templates use `{to}`, `{text}`, `{user}`, `{password}`, `{from}`, `{messageId}`,
 * each escaped for where it stands (URL component, JSON string, form field). The secret that
 * `{password}` stands for is never in this config: it is read from `secretFile` or the
 * environment variable `secretEnv`.
 */
export const httpTransportConfigSchema = z
  .strictObject({
    method: z.enum(['GET', 'POST', 'PUT']).default('GET'),
    /** `http(s)://…` with placeholders, URL-encoded where they stand. */
    url: z.string().min(1),
    /** Request headers; values may use `{user}`, `{password}`, `{from}`, `{messageId}`. */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string())
      .default({}),
    /** Body template for POST/PUT, escaped as `bodyFormat` says. */
    body: z.string().min(1).optional(),
    /** `json`: placeholders JSON-escaped inside the template's quotes; `form`: URL-encoded. */
    bodyFormat: z.enum(['json', 'form']).default('json'),
    user: z.string().default(''),
    /** Sender id or number, for `{from}`. */
    from: z.string().default(''),
    /** File holding the secret for `{password}` (trailing newline ignored). */
    secretFile: z.string().min(1).optional(),
    /** Or the name of the environment variable holding it. */
    secretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    /** PEM file of the CA that signed an https gateway's certificate, if not a public one. */
    caFile: z.string().min(1).optional(),
    /** Longest wait for the gateway's whole reply (the queue's own time limit also applies). */
    timeoutMs: z.int().min(100).max(120_000).default(10_000),
    /** HTTP statuses that may mean "accepted" (default 200, 201, 202). */
    acceptStatuses: z.array(z.int().min(100).max(599)).min(1).default([200, 201, 202]),
    /** An accepted reply's body must match this (Kannel: `^[03]: `). */
    successPattern: regex('successPattern').optional(),
    /** Or this JSON path must hold one of `successJsonValues` (default: any truthy value). */
    successJsonPath: jsonPath.optional(),
    successJsonValues: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    /** The gateway's message id: the first capture group (or `(?<id>…)`) of this regex… */
    messageIdPattern: regex('messageIdPattern').optional(),
    /** …or the value at this JSON path. */
    messageIdJsonPath: jsonPath.optional(),
    /**
     * A refusal (4xx, or an accepted status whose body fails the success check) whose body
     * matches this is permanent: the queue stops retrying (a number the gateway refuses).
     */
    permanentPattern: regex('permanentPattern').optional(),
    /** 4xx statuses that are permanent whatever the body says. */
    permanentStatuses: z.array(z.int().min(400).max(499)).default([]),
  })
  .superRefine((config, ctx) => {
    const issue = (path: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
    const inUrl = placeholdersIn(config.url);
    const inBody = config.body === undefined ? [] : placeholdersIn(config.body);
    for (const name of inUrl.filter((n) => !known.has(n))) {
      issue('url', `unknown placeholder {${name}}`);
    }
    // A JSON body's own braces are not placeholders, unless they look like one.
    for (const name of inBody.filter((n) => !known.has(n))) {
      issue('body', `unknown placeholder {${name}}`);
    }
    for (const [header, value] of Object.entries(config.headers)) {
      for (const name of placeholdersIn(value).filter((n) => !HEADER_PLACEHOLDERS.has(n))) {
        issue('headers', `header ${header} may not use {${name}}`);
      }
    }
    const used = new Set([
      ...inUrl,
      ...inBody,
      ...Object.values(config.headers).flatMap(placeholdersIn),
    ]);
    if (!used.has('to')) issue('url', 'the url or the body must use {to}');
    if (!used.has('text')) issue('url', 'the url or the body must use {text}');
    const probe = config.url.replace(/\{[A-Za-z]+\}/g, 'x');
    if (!/^https?:\/\/[^/?#\s]+/.test(probe) || !URL.canParse(probe)) {
      issue('url', 'must be an http:// or https:// URL');
    }
    if (config.body !== undefined && config.method === 'GET') {
      issue('body', 'a body needs method POST or PUT');
    }
    if (config.body !== undefined && config.bodyFormat === 'json') {
      const sample = config.body.replace(/\{[A-Za-z]+\}/g, (whole, name: string) =>
        known.has(name) ? 'x' : whole,
      );
      try {
        JSON.parse(sample);
      } catch {
        issue('body', 'must be JSON once its placeholders are filled in (quote them: "{text}")');
      }
    }
    if (config.secretFile !== undefined && config.secretEnv !== undefined) {
      issue('secretEnv', 'give secretFile or secretEnv, not both');
    }
    if (used.has('password') && config.secretFile === undefined && config.secretEnv === undefined) {
      issue('secretFile', '{password} is used: give secretFile or secretEnv');
    }
    if (config.successJsonValues !== undefined && config.successJsonPath === undefined) {
      issue('successJsonValues', 'needs successJsonPath');
    }
    if (config.messageIdPattern !== undefined && config.messageIdJsonPath !== undefined) {
      issue('messageIdJsonPath', 'give messageIdPattern or messageIdJsonPath, not both');
    }
  });

export type HttpTransportConfig = z.output<typeof httpTransportConfigSchema>;
export type HttpTransportConfigInput = z.input<typeof httpTransportConfigSchema>;
