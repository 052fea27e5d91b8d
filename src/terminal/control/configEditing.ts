import { readFileSync } from 'node:fs';
import { PosError } from '../../core/PosError.js';
import { writeFileAtomicSync } from '../../core/writeFileAtomic.js';
import { readTerminalSecrets } from '../readTerminalSecrets.js';
import {
  loadTerminalConfig,
  TERMINAL_ENV_BINDINGS,
  type TerminalConfig,
} from '../terminalConfig.js';
import type { ConfigEntry, ConfigSetResult, ConfigShowResult } from './controlProtocol.js';

type Env = Readonly<Record<string, string | undefined>>;
type JsonObject = Record<string, unknown>;

/** Config fields that are secrets: shown as `(set)`, never set through the console. */
export const SECRET_CONFIG_PATHS: ReadonlySet<string> = new Set([
  'supervisorPasswordHash',
  'console.passwordHash',
]);

const MASK = '"(set)"';

/**
 * True when setting `path` would set, remove or show a secret: the secret itself, a section
 * holding one (`console`), or a field under one.
 */
function touchesSecret(path: string): boolean {
  for (const secret of SECRET_CONFIG_PATHS) {
    if (path === secret || secret.startsWith(`${path}.`) || path.startsWith(`${secret}.`)) {
      return true;
    }
  }
  return false;
}

/** The config fields naming the files readTerminalSecrets reads, by what its errors say. */
function secretFileField(message: string): string {
  return message.includes('host CA') ? 'host.caFile' : 'terminalKeyFile';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config file's JSON object as written (not validated: the caller validates). */
function readFileObject(file: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PosError('CONFIG_INVALID', `cannot read the config file ${file}`, { cause: error });
  }
  if (!isObject(value)) throw new PosError('CONFIG_INVALID', `${file} does not hold an object`);
  return value;
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    // Own fields only: `constructor` or `toString` is not a field of the config.
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function envFor(path: string, env: Env): string | undefined {
  for (const [name, binding] of Object.entries(TERMINAL_ENV_BINDINGS)) {
    const text = env[name];
    if (binding.path === path && text !== undefined && text !== '') return name;
  }
  return undefined;
}

/** Leaves of `value` as dotted paths (arrays and empty objects are leaves). */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (!isObject(value) || Object.keys(value).length === 0) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, inner]) =>
    inner === undefined ? [] : leaves(inner, prefix === '' ? key : `${prefix}.${key}`),
  );
}

function shown(path: string, value: unknown): string {
  if (SECRET_CONFIG_PATHS.has(path)) return MASK;
  return value === undefined ? '"(default)"' : JSON.stringify(value);
}

/**
 * The effective config as the technician console shows it: every field after defaults and
 * environment overrides, with where its value comes from. Secret fields read `"(set)"`. Read
 * from the file now, so it shows what the next start will use (after a `config set`).
 */
export function showConfig(file: string, env: Env): ConfigShowResult {
  const raw = readFileObject(file);
  const config = loadTerminalConfig({ file, env });
  const entries: ConfigEntry[] = leaves(config).map(([path, value]) => {
    const variable = envFor(path, env);
    const source =
      variable !== undefined
        ? `env ${variable}`
        : valueAt(raw, path) !== undefined
          ? 'file'
          : 'default';
    return { path, value: shown(path, value), source };
  });
  // Optional fields left out (no CA file, no technician password) are worth seeing too.
  if (config.console.passwordHash === undefined) {
    entries.push({ path: 'console.passwordHash', value: '"(not set)"', source: 'default' });
  }
  return { file, entries: entries.sort((a, b) => a.path.localeCompare(b.path)) };
}

function setIn(root: JsonObject, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined) return;
  let node = root;
  for (const key of keys) {
    const child = node[key];
    if (child === undefined && value !== null) node[key] = {};
    else if (!isObject(child)) {
      if (value === null) return;
      throw new PosError('CONFIG_INVALID', `${path}: ${key} is not a section of the config`);
    }
    node = node[key] as JsonObject;
  }
  if (value === null) Reflect.deleteProperty(node, last);
  else node[last] = value;
}

/** Writes `text` to `file` through a temporary file and a rename, durably. */
function writeAtomically(file: string, text: string): void {
  try {
    writeFileAtomicSync(file, text, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PosError(
      'CONFIG_INVALID',
      `cannot write ${file} (${code}): the terminal's user needs write access to its directory`,
      { cause: error },
    );
  }
}

/**
 * Sets one field in the config file: `value` null removes it (back to its default). The whole
 * changed config is checked first as `pos-terminal --check` would (schema, environment
 * overrides, key and CA files readable); a bad one changes nothing and throws
 * `CONFIG_INVALID` naming the field. Secret fields are refused. The file is replaced
 * atomically, keeping its other fields as they were. The running terminal is not changed.
 */
export function setConfigValue(
  file: string,
  env: Env,
  path: string,
  value: unknown,
): ConfigSetResult {
  if (touchesSecret(path)) {
    throw new PosError(
      'CONFIG_INVALID',
      `${path} is or holds a password hash: make a new one with npm run -s terminal:hash-password and edit the file`,
    );
  }
  const raw = readFileObject(file);
  const before = valueAt(raw, path);
  const changed = structuredClone(raw);
  setIn(changed, path, value);
  let config: TerminalConfig;
  try {
    config = loadTerminalConfig({ file, env, content: changed });
  } catch (error) {
    if (error instanceof PosError) {
      throw new PosError('CONFIG_INVALID', `nothing changed: ${error.message}`, {
        details: error.details,
      });
    }
    throw error;
  }
  try {
    readTerminalSecrets(config);
  } catch (error) {
    if (error instanceof PosError) {
      // Its message names the file, not the field: name the field too.
      const field = secretFileField(error.message);
      throw new PosError('CONFIG_INVALID', `nothing changed: ${field}: ${error.message}`, {
        details: { issues: [{ field, source: 'file', problem: error.message }] },
      });
    }
    throw error;
  }
  writeAtomically(file, `${JSON.stringify(changed, null, 2)}\n`);
  const after = valueAt(changed, path);
  return {
    path,
    before: before === undefined ? '"(default)"' : shown(path, before),
    after: after === undefined ? '"(default)"' : shown(path, after),
    restartNeeded: true,
    overriddenBy: envFor(path, env),
  };
}
