#!/usr/bin/env node
// `npm run package:check` (after `npm run build`): packages the desktop app for Linux as a `dir`
// target with electron-builder and electron-builder.yml, then inspects what came out:
//
// - app.asar holds out/main/index.js, out/preload/preload.cjs, out/renderer/index.html and
//   package.json, and no source (.ts/.tsx), test, bench file, .env file or source map;
// - the Electron binary's fuses are flipped as electron-builder.yml says;
// - the tray images sit next to app.asar, where the main process looks for them.
//
// Electron's binary cannot be downloaded on the build machines (DESIGN.md 9), so electron-builder
// gets a placeholder distribution (`electronDist`): an `electron` file carrying the fuse wire
// the real binary has, and the folders a Linux build copies. Nothing is downloaded: the
// placeholder replaces the Electron zip, `electronVersion` replaces reading it from
// node_modules/electron, and the `dir` target needs no other tools (fpm, appimagetool).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;

const requiredEntries = ['package.json', 'out/main/index.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];

/** Why an entry must not ship, or null when it may. */
export function forbiddenReason(entry) {
  const name = path.posix.basename(entry);
  const parts = entry.split('/');
  if (/\.(ts|tsx|mts|cts)$/.test(name)) return 'a TypeScript source';
  if (/\.map$/.test(name)) return 'a source map';
  if (/^\.env/.test(name)) return 'an env file';
  if (/\.(test|spec|bench)\.[cm]?[jt]sx?$/.test(name)) return 'a test or bench file';
  // Our own folders only: a dependency may legitimately name a runtime folder "test-utils" etc.
  const ours = parts[0] !== 'node_modules';
  if (ours && !['package.json', 'out'].includes(parts[0])) return 'outside out/ (only out/** and package.json ship)';
  if (ours && parts.some((p) => ['src-main', 'src-shared', 'src-renderer', 'test', 'tests', 'bench', 'e2e'].includes(p))) return 'a source, test or bench folder';
  return null;
}

/** The fuse states electron-builder.yml asks for, by FuseV1Options index ('1' on, '0' off). */
export const expectedFuses = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const fuseOn = 0x31;
const fuseOff = 0x30;

/**
 * A stand-in for Electron's Linux zip, laid out as electron-builder copies it. The `electron`
 * file carries a version-1 fuse wire with Electron's stock defaults, so flipping the fuses is
 * exercised for real and can be read back.
 */
export function writePlaceholderElectron(dir) {
  const stock = [fuseOn, fuseOff, fuseOn, fuseOn, fuseOff, fuseOff, fuseOff, fuseOn];
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "placeholder Electron for packaging checks; it cannot run" >&2\nexit 1\n'),
    Buffer.from(fuseSentinel, 'ascii'),
    Buffer.from([1, stock.length, ...stock]),
    Buffer.from('\n'),
  ]);
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron'), binary, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'locales', 'en-US.pak'), 'placeholder');
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'placeholder for the Electron license\n');
  fs.writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '<p>placeholder</p>\n');
  fs.writeFileSync(path.join(dir, 'version'), `${electronVersion}\n`);
}

function runElectronBuilder(electronDist, outputDir) {
  const args = [
    path.join(root, 'node_modules/electron-builder/cli.js'),
    '--linux',
    'dir',
    '--config',
    'electron-builder.yml',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.electronVersion=${electronVersion}`,
    `-c.directories.output=${outputDir}`,
  ];
  const started = Date.now();
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    // No code signing identity lookups, no update checks: this run must work offline.
    env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_DISABLE_UPDATE_CHECK: 'true' },
    timeout: 5 * 60_000,
  });
  if (process.env.CAIRN_PACKAGE_CHECK_VERBOSE) process.stdout.write(result.stdout + result.stderr);
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    fail(`electron-builder exited with ${result.status ?? result.signal}`);
  }
  return Date.now() - started;
}

const problems = [];

/** Stops the check; thrown (not process.exit) so the temporary folder is still removed. */
class PackageCheckFailed extends Error {}
function fail(message) {
  throw new PackageCheckFailed(message);
}

function checkAsar(archive) {
  const entries = asar.listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, ''));
  for (const required of requiredEntries) {
    if (!entries.includes(required)) problems.push(`app.asar lacks ${required}`);
  }
  for (const entry of entries) {
    let stat;
    try {
      stat = asar.statFile(archive, entry, false);
    } catch {
      continue;
    }
    if ('files' in stat) continue; // a folder: its files are checked one by one
    const reason = forbiddenReason(entry);
    if (reason) problems.push(`app.asar contains ${entry}: ${reason}`);
  }
  const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  if (manifest.main !== 'out/main/index.js') problems.push(`the packaged package.json has main "${manifest.main}", not out/main/index.js`);
  return entries.length;
}

/** Problems with the fuses of an Electron binary, compared with electron-builder.yml. */
export async function fuseProblems(executable) {
  const found = [];
  const wire = await getCurrentFuseWire(executable);
  for (const [name, enabled] of Object.entries(expectedFuses)) {
    const state = wire[FuseV1Options[name]];
    const want = enabled ? fuseOn : fuseOff;
    if (state !== want) found.push(`fuse ${name} is ${state === fuseOn ? 'on' : state === fuseOff ? 'off' : String(state)}, electron-builder.yml wants it ${enabled ? 'on' : 'off'}`);
  }
  return found;
}

function checkTrayImages(resourcesDir) {
  for (const status of ['idle', 'syncing', 'error']) {
    for (const name of [`tray-${status}.png`, `tray-${status}@2x.png`]) {
      if (!fs.existsSync(path.join(resourcesDir, 'tray', name))) problems.push(`resources/tray/${name} is missing next to app.asar`);
    }
  }
}

async function main() {
  for (const built of requiredEntries.filter((e) => e.startsWith('out/'))) {
    if (!fs.existsSync(path.join(root, built))) fail(`${built} is missing: run \`npm run build\` first`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-package-check-'));
  try {
    const electronDist = path.join(work, 'electron-dist');
    const outputDir = path.join(work, 'dist');
    writePlaceholderElectron(electronDist);
    const tookMs = runElectronBuilder(electronDist, outputDir);

    const unpacked = path.join(outputDir, 'linux-unpacked');
    const archive = path.join(unpacked, 'resources', 'app.asar');
    if (!fs.existsSync(archive)) fail(`electron-builder produced no ${path.relative(work, archive)}`);
    const count = checkAsar(archive);
    problems.push(...(await fuseProblems(path.join(unpacked, 'cairn'))));
    checkTrayImages(path.join(unpacked, 'resources'));

    if (problems.length > 0) {
      for (const problem of problems) console.error(`package:check: ${problem}`);
      fail(`${problems.length} problem(s) in the package`);
    }
    const size = (fs.statSync(archive).size / 1024 / 1024).toFixed(1);
    console.log(`package:check: ok: app.asar has ${count} entries (${size} MiB), fuses as configured, tray images in place; electron-builder took ${(tookMs / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Run when invoked as a script; tests import the checks above.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof PackageCheckFailed)) throw err;
    console.error(`package:check: ${err.message}`);
    process.exitCode = 1;
  }
}
