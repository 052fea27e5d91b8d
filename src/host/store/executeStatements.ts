import { sql, type Kysely } from 'kysely';

/**
 * Runs a script of SQL statements, one at a time. PGlite's parameterised query path takes a
 * single statement, so a migration's script is split at each `;` that ends a line (the scripts
 * here put no such `;` inside a string or a function body).
 */
export async function executeStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
