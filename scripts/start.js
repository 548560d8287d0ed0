#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where Electron cannot start (its binary is not
// installed, or there is no display), say so in one line and start the same app in browser
// mode (`cairn serve`) instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const build = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) {
  console.error('cairn: the build failed (see above); fix it and run `npm start` again.');
  process.exit(1);
}

// Finds the Electron binary without `require('electron')`, which would try to download it.
function electronBinary() {
  let electronDir;
  try {
    electronDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(electronDir, 'dist');
  const binary = path.join(dist, relative);
  return existsSync(binary) ? binary : null;
}

function electronProblem(binary) {
  if (!binary) return 'the Electron binary is not installed';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display';
  return null;
}

const binary = electronBinary();
const problem = electronProblem(binary);
const child = problem
  ? (console.log(`Electron cannot start here: ${problem}; starting Cairn in browser mode instead.`),
    spawn(process.execPath, [path.join(root, 'out/main/cli.js'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }))
  : spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
