import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,drivers,ui,scripts}/**/*.test.ts'],
    environment: 'node',
    // A skipped or focused test must never pass CI silently.
    allowOnly: false,
    passWithNoTests: false,
  },
});
