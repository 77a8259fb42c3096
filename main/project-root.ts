import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the workbench's package.json (and package-lock.json, which the SBOM
 * reads): the nearest one above the running module. That is the project root whether this
 * runs as source (`node app/start.ts`, tests: main/) or built (out/main/).
 */
export function findProjectRoot(from: string = fileURLToPath(new URL('.', import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json in ${resolve(from)} or any folder above it`);
    dir = parent;
  }
}
