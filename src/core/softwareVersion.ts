import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The software version of host and terminal, from the package's package.json (the host's
 * `GET /v1/health`, the console's `status`). Found by walking up from this file, which sits
 * at a different depth in the sources (`src/core`) and in the build (`dist/src/core`).
 */
export const SOFTWARE_VERSION: string = readVersion(dirname(fileURLToPath(import.meta.url)));

function readVersion(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'combopay' && manifest.version !== undefined) return manifest.version;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
