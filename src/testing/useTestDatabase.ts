import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openTestDatabase, type TestDatabase, type TestDatabaseKind } from './hostHarness.js';

/**
 * Registers the usual hooks of a store test file: one database of `kind` for the file
 * (opened before all, closed after all), emptied before each test. Call it at the top of a
 * `describe`; the returned object reaches the open database once the hooks have run.
 */
export function useTestDatabase(kind: TestDatabaseKind): TestDatabase {
  let opened: TestDatabase | undefined;
  const current = (): TestDatabase => {
    if (!opened) throw new Error('the test database is opened in beforeAll');
    return opened;
  };
  beforeAll(async () => {
    opened = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await opened?.close();
  });
  beforeEach(async () => {
    await current().reset();
  });
  return {
    kind,
    get db() {
      return current().db;
    },
    reset: () => current().reset(),
    close: () => current().close(),
  };
}
