// @ts-check
/**
 * ESLint rule `combopay/import-boundaries`: enforces the layer rules of the architecture
 * (docs/architecture.md, "Import rules").
 *
 * Every file belongs to the first zone whose pattern matches its path (relative to the
 * repository root). A relative import is resolved to a path and must land in a zone that the
 * importing zone allows. Bare package imports are checked only against `restrictedPackages`.
 *
 * The zone table is data, exported so that tests and docs can read it; change it there, with
 * the reason in docs/architecture.md.
 */
import path from 'node:path';

/**
 * @typedef {{ zone: string, typeOnly?: boolean }} Allowance
 * @typedef {{ name: string, pattern: RegExp, allow: (string | Allowance)[] }} Zone
 */

/** Zones, first match wins. Patterns match POSIX paths relative to the repository root. */
/** @type {Zone[]} */
export const zones = [
  // Real hardware implementations: only the board entry (src/terminal/main.ts and board/),
  // scripts/ and their own tests use them.
  {
    name: 'drivers-hw',
    pattern: /^drivers\/[^/]+\/hw\//,
    allow: ['core', 'drivers', 'drivers-hw'],
  },
  { name: 'drivers', pattern: /^drivers\//, allow: ['core', 'drivers'] },
  { name: 'core', pattern: /^src\/core\//, allow: ['core'] },
  { name: 'protocol', pattern: /^src\/protocol\//, allow: ['core', 'protocol'] },
  // The board entry: main.ts and its helpers in board/ pick the real drivers and the UI.
  {
    name: 'terminal-main',
    pattern: /^src\/terminal\/(main\.ts$|board\/)/,
    allow: [
      'core',
      'protocol',
      'terminal',
      'control-protocol',
      'flow',
      'drivers',
      'drivers-hw',
      'ui',
    ],
  },
  // The control protocol between the terminal and its technician console: data only.
  {
    name: 'control-protocol',
    pattern: /^src\/terminal\/control\/controlProtocol\.(ts|js)$/,
    allow: ['core'],
  },
  // The technician console (pos-console): talks to the terminal only through the control
  // protocol, never to its devices or journal. It opens its own serial tty (serialport).
  {
    name: 'console',
    pattern: /^src\/terminal\/console\//,
    allow: ['core', 'console', 'control-protocol'],
  },
  {
    name: 'flow',
    pattern: /^src\/terminal\/flow\//,
    allow: ['core', 'protocol', 'flow', { zone: 'drivers', typeOnly: true }],
  },
  {
    name: 'terminal',
    pattern: /^src\/terminal\//,
    allow: ['core', 'protocol', 'terminal', 'control-protocol', 'flow', 'drivers'],
  },
  // The host's GSM modem transport drives the one device the host has: the AT channel from
  // drivers/ and the serial port through drivers/modem/hw, never a hardware package itself.
  {
    name: 'host-sms-gsm',
    pattern: /^src\/host\/sms\/gsm\//,
    allow: ['core', 'host', 'drivers', 'drivers-hw'],
  },
  { name: 'host', pattern: /^src\/host\//, allow: ['core', 'protocol', 'host', 'host-sms-gsm'] },
  {
    name: 'testing',
    pattern: /^src\/testing\//,
    allow: [
      'core',
      'protocol',
      'terminal',
      'control-protocol',
      'console',
      'flow',
      'host',
      'drivers',
      'ui',
      'testing',
    ],
  },
  {
    name: 'ui',
    pattern: /^ui\//,
    allow: ['core', 'ui', { zone: 'flow', typeOnly: true }, { zone: 'drivers', typeOnly: true }],
  },
  { name: 'scripts', pattern: /^scripts\//, allow: ['*'] },
  { name: 'root', pattern: /^[^/]+$/, allow: ['*'] },
];

/** Test files (`*.test.ts`) may also import these zones, on top of their own zone's list. */
export const testExtraZones = ['drivers-hw', 'testing'];

/**
 * Packages that talk to hardware. Only real driver implementations, main.ts files and scripts/
 * may import them, so nothing else can open a device behind the drivers' backs.
 */
export const restrictedPackages = {
  packages: ['nfc-pcsc', 'onoff', 'serialport', 'node-thermal-printer', 'epoll'],
  prefixes: ['@serialport/', '@pokusew/'],
  // The console opens its own serial tty (not a terminal device) with serialport.
  allowedZones: ['drivers-hw', 'terminal-main', 'console', 'scripts'],
};

/**
 * @param {string} relativePath POSIX path relative to the repository root
 * @returns {Zone | undefined}
 */
export function zoneOf(relativePath) {
  return zones.find((zone) => zone.pattern.test(relativePath));
}

/**
 * @param {Zone} from
 * @param {string} toZone
 * @param {{ typeOnly: boolean, isTest: boolean }} kind
 */
function isAllowed(from, toZone, kind) {
  if (kind.isTest && testExtraZones.includes(toZone)) return true;
  return from.allow.some((entry) => {
    if (typeof entry === 'string') return entry === '*' || entry === toZone;
    return entry.zone === toZone && (!entry.typeOnly || kind.typeOnly);
  });
}

/** @param {string} specifier */
function isRestrictedPackage(specifier) {
  return (
    restrictedPackages.packages.some((p) => specifier === p || specifier.startsWith(`${p}/`)) ||
    restrictedPackages.prefixes.some((prefix) => specifier.startsWith(prefix))
  );
}

/** @param {string} p */
const toPosix = (p) => p.split(path.sep).join('/');

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import boundaries between layers (docs/architecture.md)' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden:
        '{{fromZone}} ({{file}}) may not import {{toZone}} ({{target}}). Allowed: {{allowed}}.',
      typeOnly:
        '{{fromZone}} ({{file}}) may import {{toZone}} ({{target}}) only with `import type`.',
      outside: '{{file}} imports {{target}}, which is outside the repository.',
      hardware:
        '{{fromZone}} ({{file}}) may not import the hardware package {{target}}; use the interface in drivers/.',
    },
  },
  create(context) {
    /** @type {{ root?: string }} */
    const options = context.options[0] ?? {};
    const root = options.root ?? context.cwd;
    const file = toPosix(path.relative(root, context.filename));
    const zone = zoneOf(file);
    if (!zone || file.startsWith('..')) return {};
    const fromZone = zone;
    const isTest = /\.test\.[cm]?[jt]s$/.test(file);

    /**
     * @param {import('estree').Node} node
     * @param {string} specifier
     * @param {boolean} typeOnly
     */
    function check(node, specifier, typeOnly) {
      if (!specifier.startsWith('.')) {
        if (
          isRestrictedPackage(specifier) &&
          !restrictedPackages.allowedZones.includes(fromZone.name)
        ) {
          context.report({
            node,
            messageId: 'hardware',
            data: { fromZone: fromZone.name, file, target: specifier },
          });
        }
        return;
      }
      const target = toPosix(
        path.relative(root, path.resolve(path.dirname(context.filename), specifier)),
      );
      if (target.startsWith('..')) {
        context.report({ node, messageId: 'outside', data: { file, target: specifier } });
        return;
      }
      const toZone = zoneOf(target);
      if (!toZone || toZone.name === fromZone.name) return;
      if (isAllowed(fromZone, toZone.name, { typeOnly, isTest })) return;
      const typeOnlyWouldDo = isAllowed(fromZone, toZone.name, { typeOnly: true, isTest });
      context.report({
        node,
        messageId: typeOnlyWouldDo ? 'typeOnly' : 'forbidden',
        data: {
          fromZone: fromZone.name,
          toZone: toZone.name,
          file,
          target,
          allowed: fromZone.allow
            .map((a) => (typeof a === 'string' ? a : `${a.zone} (types)`))
            .join(', '),
        },
      });
    }

    /**
     * @param {any} node an import or export declaration
     * @returns {boolean}
     */
    function declarationIsTypeOnly(node) {
      if (node.importKind === 'type' || node.exportKind === 'type') return true;
      /** @type {any[]} */
      const specifiers = node.specifiers ?? [];
      return (
        specifiers.length > 0 &&
        specifiers.every(
          (/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type',
        )
      );
    }

    return {
      ImportDeclaration(node) {
        check(node, String(node.source.value), declarationIsTypeOnly(node));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, String(node.source.value), declarationIsTypeOnly(node));
      },
      ExportAllDeclaration(node) {
        check(node, String(node.source.value), declarationIsTypeOnly(node));
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') {
          check(node, node.source.value, false);
        }
      },
      /** @param {any} node `import('…')` in a type position */
      TSImportType(node) {
        const literal = node.argument?.literal ?? node.source;
        if (literal && typeof literal.value === 'string') check(node, literal.value, true);
      },
    };
  },
};

export default {
  meta: { name: 'combopay' },
  rules: { 'import-boundaries': importBoundariesRule },
};
