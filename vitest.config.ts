import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,drivers,ui,scripts}/**/*.test.ts'],
    environment: 'node',
    // A skipped or focused test must never pass CI silently.
    allowOnly: false,
    passWithNoTests: false,
    // Store tests open real databases (PGlite takes seconds to start, more on a loaded
    // 2-core CI machine): time limits are for hangs, not for speed (benchmarks measure speed).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
