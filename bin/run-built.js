// Bin shims load the bundled CLI from out/main; a clear message when it is not built yet.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export async function runBuilt(name) {
  const file = fileURLToPath(new URL(`../out/main/${name}.js`, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`${name}: not built yet — run \`npm run build\` first (looked for ${file})\n`);
    process.exit(2);
  }
  await import(pathToFileURL(file).href);
}
