import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

// The rules the foundation promises, in force for every layer (calculated from the real
// eslint.config.js for a file at each place).
const required = [
  '@typescript-eslint/no-floating-promises',
  '@typescript-eslint/no-misused-promises',
  '@typescript-eslint/switch-exhaustiveness-check',
  'combopay/import-boundaries',
];

describe('ESLint configuration in force', () => {
  it.each([
    'src/core/x.ts',
    'src/protocol/x.ts',
    'src/host/x.ts',
    'src/terminal/flow/x.ts',
    'src/terminal/main.ts',
    'drivers/nfc/hw/x.ts',
    'ui/x.ts',
    'scripts/x.ts',
    'src/core/x.test.ts',
  ])('%s has the type-checked safety rules as errors', async (file) => {
    const config = (await eslint.calculateConfigForFile(`${root}${file}`)) as {
      rules: Record<string, [number | string, ...unknown[]]>;
      languageOptions: { parserOptions: { projectService?: unknown } };
    };
    for (const rule of required) {
      const [severity] = config.rules[rule] ?? ['off'];
      expect([2, 'error'], `${rule} for ${file}`).toContain(severity);
    }
    // Type-aware linting is on (the rules above need it).
    expect(config.languageOptions.parserOptions.projectService).toBeTruthy();
  });

  it('treats a switch over a union as exhaustive only when every member has a case', async () => {
    const config = (await eslint.calculateConfigForFile(`${root}src/core/x.ts`)) as {
      rules: Record<string, [unknown, { considerDefaultExhaustiveForUnions?: boolean }?]>;
    };
    const options = config.rules['@typescript-eslint/switch-exhaustiveness-check']?.[1];
    expect(options?.considerDefaultExhaustiveForUnions).toBe(false);
  });
});
