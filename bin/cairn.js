#!/usr/bin/env node
// The `cairn` command. Runs the built CLI (out/main/cli.js); in a source checkout that has not
// been built yet, runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api').catch(() => {
    process.stderr.write('cairn: the CLI is not built. Run `npm run build` first.\n');
    process.exit(1);
  });
  register();
  await import(new URL('../src-main/cli/main.ts', import.meta.url).href);
}
