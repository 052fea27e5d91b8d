import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EnvBinding } from '../core/config.js';
import { parseConfig } from '../core/config.js';
import { TERMINAL_ENV_BINDINGS, terminalConfigSchema } from './terminalConfig.js';

// Keeps docs/configuration.md true to the schema. The schema is read as JSON Schema (input
// side, so defaults and prefaults show), walked down to its leaf fields, and each leaf is
// compared with its row in the doc's reference tables:
//
//   | Field | Type | Default | Allowed | Env | Meaning |
//
// - Field: the dotted path in backticks; a field of one `kind` of a device adds
//   `(kind \`serial\`)`, e.g. `` `devices.printer.path` (kind `serial`) ``.
// - Type: starts with the JSON type (`string`, `integer`, `boolean`, `array`, `object`).
// - Default: the default in backticks (a string bare, anything else as JSON); without a
//   default no backticks, and the word "required" exactly when the field must be given.
// - Allowed: in backticks exactly the schema's enum values and numeric bounds (minimum,
//   maximum, lengths, item counts; a minimum length or count of 1 is said in words, and the
//   implicit safe-integer bounds of `z.int()` are left out); everything else in words.
// - Env: the variables of TERMINAL_ENV_BINDINGS that set this field, in backticks, or none.

const DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../systemd/config.example.json', import.meta.url));

/** The parts of JSON Schema that z.toJSONSchema produces for this config. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

/** A field of the config that holds a value (not a section). */
interface Leaf {
  /** `host.retries`, or `devices.printer.path (kind serial)` for a field of one kind. */
  key: string;
  path: string;
  type: string;
  hasDefault: boolean;
  default: unknown;
  required: boolean;
  /** Enum values and numeric bounds, as the doc writes them. */
  allowed: string[];
}

const SAFE = Number.MAX_SAFE_INTEGER;

function keyOf(path: string, kind: string | undefined): string {
  return kind === undefined ? path : `${path} (kind ${kind})`;
}

function branchesOf(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.oneOf ?? schema.anyOf;
}

/** A section: an object with named fields (a record such as `keycodes` is a value). */
function isSection(schema: JsonSchema): boolean {
  return schema.type === 'object' && schema.properties !== undefined;
}

/** The kinds of a discriminated union on `kind`, or undefined when `schema` is none. */
function kindsOf(schema: JsonSchema): string[] | undefined {
  const branches = branchesOf(schema);
  if (!branches || branches.length === 0) return undefined;
  const kinds = branches.map((branch) => branch.properties?.kind?.const);
  return kinds.every((kind) => typeof kind === 'string') ? kinds : undefined;
}

function typeOf(schema: JsonSchema): string {
  if (typeof schema.type === 'string') {
    return schema.type === 'number' && Number.isInteger(schema.const) ? 'integer' : schema.type;
  }
  if (Array.isArray(schema.type)) return schema.type.filter((type) => type !== 'null').join('|');
  const branches = branchesOf(schema) ?? schema.allOf;
  if (branches) {
    const types = new Set(branches.map(typeOf).filter((type) => type !== 'null'));
    return [...types].join('|');
  }
  return 'any';
}

function allowedOf(schema: JsonSchema, out: Set<string>): Set<string> {
  for (const value of schema.enum ?? []) out.add(String(value));
  if ('const' in schema) out.add(String(schema.const));
  if (schema.type === 'null') out.add('null');
  for (const bound of [
    schema.minimum,
    schema.maximum,
    schema.exclusiveMinimum,
    schema.exclusiveMaximum,
  ]) {
    if (bound !== undefined && Math.abs(bound) !== SAFE) out.add(String(bound));
  }
  for (const least of [schema.minLength, schema.minItems]) {
    if (least !== undefined && least > 1) out.add(String(least));
  }
  for (const most of [schema.maxLength, schema.maxItems]) {
    if (most !== undefined) out.add(String(most));
  }
  for (const branch of [...(branchesOf(schema) ?? []), ...(schema.allOf ?? [])]) {
    allowedOf(branch, out);
  }
  if (schema.items) allowedOf(schema.items, out);
  if (typeof schema.additionalProperties === 'object') allowedOf(schema.additionalProperties, out);
  return out;
}

/** Every leaf field of an object schema, sections walked into and device kinds spread out. */
function leavesOf(schema: JsonSchema, prefix = '', kind?: string, out: Leaf[] = []): Leaf[] {
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (kind !== undefined && name === 'kind') continue;
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const required = schema.required?.includes(name) ?? false;
    const kinds = kindsOf(field);
    if (isSection(field)) {
      leavesOf(field, path, kind, out);
    } else if (kinds) {
      const fallback = (field.default as { kind?: unknown } | undefined)?.kind;
      out.push({
        key: keyOf(`${path}.kind`, kind),
        path: `${path}.kind`,
        type: 'string',
        hasDefault: fallback !== undefined,
        default: fallback,
        required: fallback === undefined,
        allowed: kinds,
      });
      for (const branch of branchesOf(field) ?? []) {
        leavesOf(branch, path, String(branch.properties?.kind?.const), out);
      }
    } else {
      out.push({
        key: keyOf(path, kind),
        path,
        type: typeOf(field),
        hasDefault: 'default' in field,
        default: field.default,
        required: required && !('default' in field),
        allowed: [...allowedOf(field, new Set())],
      });
    }
  }
  return out;
}

/** One row of a reference table, its cells by column name. */
interface DocRow {
  key: string;
  line: number;
  cells: Record<'type' | 'default' | 'allowed' | 'env', string>;
}

const COLUMNS = ['field', 'type', 'default', 'allowed', 'env', 'meaning'];
const FIELD_CELL = /^`([^`\s]+)`(?:\s*\(kind `([^`]+)`\))?$/;

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

function ticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((match) => match[1] ?? '');
}

/** The rows of the doc's reference tables (those headed Field | Type | … | Meaning). */
function docRows(markdown: string): { rows: DocRow[]; problems: string[] } {
  const rows: DocRow[] = [];
  const problems: string[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const header = cellsOf(lines[index] ?? '').map((cell) => cell.toLowerCase());
    if (!lines[index]?.trim().startsWith('|') || header.join() !== COLUMNS.join()) continue;
    for (index += 2; lines[index]?.trim().startsWith('|') === true; index += 1) {
      const line = index + 1;
      const [field = '', type = '', fallback = '', allowed = '', env = ''] = cellsOf(
        lines[index] ?? '',
      );
      const match = FIELD_CELL.exec(field);
      if (!match?.[1]) {
        problems.push(`line ${line}: the Field cell is not \`path\` or \`path\` (kind \`k\`)`);
        continue;
      }
      const key = keyOf(match[1], match[2]);
      if (rows.some((row) => row.key === key)) problems.push(`line ${line}: ${key} twice`);
      rows.push({ key, line, cells: { type, default: fallback, allowed, env } });
    }
  }
  return { rows, problems };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function show(values: readonly string[]): string {
  return values.length === 0 ? 'nothing' : values.map((value) => `\`${value}\``).join(', ');
}

/** What the doc gets wrong about one leaf (empty when its row is right). */
function leafProblems(
  leaf: Leaf,
  row: DocRow | undefined,
  bindings: Readonly<Record<string, EnvBinding>>,
): string[] {
  if (!row) return [`${leaf.key}: no row in the doc`];
  const at = `${leaf.key} (line ${row.line})`;
  const problems: string[] = [];
  if (!row.cells.type.startsWith(leaf.type)) {
    problems.push(`${at}: Type should start with "${leaf.type}"`);
  }
  const defaults = ticked(row.cells.default);
  if (leaf.hasDefault) {
    const expected = typeof leaf.default === 'string' ? leaf.default : JSON.stringify(leaf.default);
    if (!sameSet(defaults, [expected])) {
      problems.push(`${at}: Default should be \`${expected}\`, the doc has ${show(defaults)}`);
    }
  } else {
    if (defaults.length > 0) {
      problems.push(`${at}: the schema has no default, the doc has ${show(defaults)}`);
    }
    if (/\brequired\b/i.test(row.cells.default) !== leaf.required) {
      problems.push(`${at}: Default should ${leaf.required ? '' : 'not '}say "required"`);
    }
  }
  const allowed = ticked(row.cells.allowed);
  if (!sameSet(allowed, leaf.allowed)) {
    problems.push(`${at}: Allowed should give ${show(leaf.allowed)}, the doc has ${show(allowed)}`);
  }
  const env = Object.entries(bindings)
    .filter(([, binding]) => binding.path === leaf.path)
    .map(([name]) => name);
  const docEnv = ticked(row.cells.env);
  if (!sameSet(docEnv, env)) {
    problems.push(`${at}: Env should give ${show(env)}, the doc has ${show(docEnv)}`);
  }
  return problems;
}

/** Everything the doc gets wrong about the schema and its environment bindings. */
function docProblems(
  schema: JsonSchema,
  bindings: Readonly<Record<string, EnvBinding>>,
  markdown: string,
): string[] {
  const leaves = leavesOf(schema);
  const { rows, problems } = docRows(markdown);
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const leaf of leaves) problems.push(...leafProblems(leaf, byKey.get(leaf.key), bindings));
  const keys = new Set(leaves.map((leaf) => leaf.key));
  for (const row of rows) {
    if (!keys.has(row.key)) problems.push(`${row.key} (line ${row.line}): not in the schema`);
  }
  const paths = new Set(leaves.map((leaf) => leaf.path));
  for (const [name, binding] of Object.entries(bindings)) {
    if (!paths.has(binding.path)) problems.push(`${name}: binds ${binding.path}, not a field`);
  }
  return problems;
}

function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(terminalConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
}

describe('docs/configuration.md', () => {
  const markdown = readFileSync(DOC, 'utf8');
  const schema = configJsonSchema();
  const leaves = leavesOf(schema);
  const { rows, problems: parseProblems } = docRows(markdown);

  it('finds the schema and the tables it compares (a walk that finds nothing proves nothing)', () => {
    expect(leaves.length).toBeGreaterThan(40);
    expect(rows.length).toBeGreaterThan(40);
    expect(leaves.map((leaf) => leaf.key)).toEqual(
      expect.arrayContaining(['terminalId', 'host.retries', 'devices.printer.kind']),
    );
    expect(parseProblems).toEqual([]);
  });

  it.each(leaves.map((leaf) => [leaf.key, leaf] as const))(
    'documents %s as the schema has it',
    (_key, leaf) => {
      const row = rows.find((candidate) => candidate.key === leaf.key);
      expect(leafProblems(leaf, row, TERMINAL_ENV_BINDINGS)).toEqual([]);
    },
  );

  it('names no field the schema lacks, and every env variable binds a documented field', () => {
    expect(docProblems(schema, TERMINAL_ENV_BINDINGS, markdown)).toEqual([]);
  });

  it('mentions every environment variable', () => {
    for (const name of Object.keys(TERMINAL_ENV_BINDINGS)) expect(markdown).toContain(name);
  });
});

describe('the doc check itself', () => {
  // Mutations of the real schema (as JSON Schema) and bindings: each must be caught, so a
  // change to the schema that the doc does not follow fails the test above.
  const markdown = readFileSync(DOC, 'utf8');
  const edited = (edit: (schema: JsonSchema) => void): JsonSchema => {
    const schema = configJsonSchema();
    edit(schema);
    return schema;
  };
  const props = (schema: JsonSchema, path: string): Record<string, JsonSchema> => {
    let node = schema;
    for (const name of path.split('.')) {
      const next = node.properties?.[name];
      if (!next) throw new Error(`no ${path} in the schema`);
      node = next;
    }
    if (!node.properties) throw new Error(`${path} is not a section`);
    return node.properties;
  };

  it('passes the doc as it is', () => {
    expect(docProblems(configJsonSchema(), TERMINAL_ENV_BINDINGS, markdown)).toEqual([]);
  });

  it('catches a changed default', () => {
    const schema = edited((s) => {
      const retries = props(s, 'host').retries;
      if (retries) retries.default = 3;
    });
    expect(docProblems(schema, TERMINAL_ENV_BINDINGS, markdown)).toEqual([
      expect.stringMatching(/^host\.retries .*Default should be `3`/),
    ]);
  });

  it('catches a changed bound, and a device default', () => {
    const schema = edited((s) => {
      const lockout = props(s, 'console').lockoutMs;
      if (lockout) lockout.maximum = 1;
      const printer = props(s, 'devices').printer;
      if (printer) printer.default = { kind: 'file' };
    });
    const problems = docProblems(schema, TERMINAL_ENV_BINDINGS, markdown);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/console\.lockoutMs .*Allowed/);
    expect(problems.join('\n')).toMatch(/devices\.printer\.kind .*Default should be `file`/);
  });

  it('catches a new field, a new kind and a removed field', () => {
    const schema = edited((s) => {
      props(s, 'console').bannerText = { type: 'string', default: 'hello' };
      const modem = props(s, 'devices').modem;
      modem?.oneOf?.push({ type: 'object', properties: { kind: { const: 'tcp' } } });
      delete props(s, 'flow').noticeMs;
    });
    const problems = docProblems(schema, TERMINAL_ENV_BINDINGS, markdown).join('\n');
    expect(problems).toMatch(/console\.bannerText: no row/);
    expect(problems).toMatch(/devices\.modem\.kind .*Allowed/);
    expect(problems).toMatch(/flow\.noticeMs .*not in the schema/);
  });

  it('catches an env variable the doc does not give, or one bound to no field', () => {
    const bindings: Record<string, EnvBinding> = {
      ...TERMINAL_ENV_BINDINGS,
      POS_TERMINAL_RETRIES: { path: 'host.retries', type: 'integer' },
      POS_TERMINAL_NOTHING: { path: 'host.nothing', type: 'string' },
    };
    const problems = docProblems(configJsonSchema(), bindings, markdown).join('\n');
    expect(problems).toMatch(/host\.retries .*Env should give `POS_TERMINAL_RETRIES`/);
    expect(problems).toMatch(/POS_TERMINAL_NOTHING: binds host\.nothing, not a field/);
  });
});

describe('systemd/config.example.json', () => {
  it('is a valid terminal config as it stands', () => {
    const raw: unknown = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    // parseConfig throws CONFIG_INVALID naming every bad field, so a failure says why.
    expect(() => parseConfig(terminalConfigSchema, raw, 'example terminal config')).not.toThrow();
  });
});
