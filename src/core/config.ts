import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { PosError } from './PosError.js';

/** How an environment variable's text becomes a config value. */
export type EnvValueType = 'string' | 'integer' | 'number' | 'boolean' | 'list';

/** Binds one environment variable to one field of the config object. */
export interface EnvBinding {
  /** Dotted path of the field, e.g. `host.timeoutMs`. */
  path: string;
  type: EnvValueType;
}

export interface LoadConfigOptions<S extends z.ZodType> {
  /** The config's schema; use strict objects so a misspelt key is an error, not ignored. */
  schema: S;
  /** What this config is, for error messages: `terminal config`, `host config`. */
  what: string;
  /** A JSON file with the config object; read if given. */
  file?: string | undefined;
  /**
   * The file's content, already parsed: checks a changed config before it is written. `file`
   * then only names it in errors and is not read.
   */
  content?: Readonly<Record<string, unknown>> | undefined;
  /** Missing `file` is an error when true; when false a missing file means "all defaults". */
  fileRequired?: boolean;
  /** The environment to read overrides from (usually `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Variable name → field it overrides. Set variables win over the file. */
  envBindings?: Readonly<Record<string, EnvBinding>>;
}

/** One problem found in a config, as put in `CONFIG_INVALID`'s `details.issues`. */
export interface ConfigIssue {
  /** Dotted path of the bad field (empty for the whole object). */
  field: string;
  /** Where the value came from: `env POS_X`, `file /etc/…`, or `default`. */
  source: string;
  problem: string;
}

/**
 * Reads a config object from an optional JSON file and environment overrides, validates it
 * against `schema` and returns the typed result (defaults filled in by the schema).
 *
 * Throws `CONFIG_INVALID` naming every bad field and where its value came from. Values are
 * never repeated in the error, since a config may hold secrets.
 */
export function loadConfig<S extends z.ZodType>(options: LoadConfigOptions<S>): z.output<S> {
  const sources = new Map<string, string>();
  const raw = readConfigFile(options, sources);
  const issues: ConfigIssue[] = [];
  for (const [name, binding] of Object.entries(options.envBindings ?? {})) {
    const text = options.env?.[name];
    if (text === undefined || text === '') continue;
    const parsed = parseEnvValue(text, binding.type);
    const source = `env ${name}`;
    if (parsed.ok) {
      setPath(raw, binding.path, parsed.value);
      sources.set(binding.path, source);
    } else {
      issues.push({ field: binding.path, source, problem: parsed.problem });
    }
  }
  if (issues.length > 0) throw configError(options.what, issues);
  return parseConfig(options.schema, raw, options.what, sources);
}

/**
 * Validates an already assembled config object. `sources` maps dotted paths to where their
 * value came from, for the error message.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  what: string,
  sources: ReadonlyMap<string, string> = new Map(),
): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue): ConfigIssue[] => {
    const base = issue.path.map(String);
    // An unknown key is reported at the key itself, so the message names it.
    const fields =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...base, key]) : [base];
    return fields.map((path) => {
      const field = path.join('.');
      return { field, source: sourceOf(field, sources), problem: issue.message };
    });
  });
  throw configError(what, issues);
}

function configError(what: string, issues: ConfigIssue[]): PosError<'CONFIG_INVALID'> {
  const lines = issues.map(
    (issue) =>
      `${issue.field === '' ? '(whole config)' : issue.field} (${issue.source}): ${issue.problem}`,
  );
  return new PosError('CONFIG_INVALID', `invalid ${what}: ${lines.join('; ')}`, {
    details: { issues },
  });
}

function sourceOf(field: string, sources: ReadonlyMap<string, string>): string {
  // The nearest enclosing path that has a recorded source (a file covers all below it).
  for (let path = field; ; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
    const source = sources.get(path);
    if (source !== undefined) return source;
    if (path === '') return 'default';
  }
}

function readConfigFile(
  options: LoadConfigOptions<z.ZodType>,
  sources: Map<string, string>,
): Record<string, unknown> {
  const { file, what } = options;
  if (options.content !== undefined) {
    sources.set('', `file ${file ?? '(given)'}`);
    return structuredClone(options.content);
  }
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.fileRequired !== true) return {};
    throw new PosError('CONFIG_INVALID', `cannot read ${what} file ${file}: ${code ?? 'error'}`, {
      details: {
        issues: [{ field: '', source: `file ${file}`, problem: `cannot read (${code})` }],
      },
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's own message quotes the file's text, which may hold secrets: give a position.
    const where = jsonErrorPosition(text, error);
    throw new PosError('CONFIG_INVALID', `${what} file ${file} is not valid JSON${where}`, {
      details: {
        issues: [{ field: '', source: `file ${file}`, problem: `not valid JSON${where}` }],
      },
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(what, [
      { field: '', source: `file ${file}`, problem: 'must hold a JSON object' },
    ]);
  }
  sources.set('', `file ${file}`);
  return value as Record<string, unknown>;
}

function jsonErrorPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!match?.[1]) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

/** Converts an environment variable's text to the bound field's type. */
export function parseEnvValue(text: string, type: EnvValueType): Parsed {
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'integer':
      return /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text))
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: 'expected a whole number' };
    case 'number':
      return /^-?\d+(?:\.\d+)?$/.test(text.trim()) && Number.isFinite(Number(text))
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: 'expected a number' };
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return { ok: true, value: true };
      if (['0', 'false', 'no', 'off'].includes(lower)) return { ok: true, value: false };
      return { ok: false, problem: 'expected true/false, yes/no, on/off or 1/0' };
    }
    case 'list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined) return;
  let node = target;
  for (const key of keys) {
    const child = node[key];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      node = child as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[last] = value;
}
