import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTempDir, type TempDir } from '../helpers/tmp';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

interface CheckPackage {
  forbiddenReason(entry: string): string | null;
  writePlaceholderElectron(dir: string): void;
  fuseProblems(executable: string): Promise<string[]>;
  expectedFuses: Record<string, boolean>;
}

let config: Record<string, unknown>;
let checks: CheckPackage;

beforeAll(async () => {
  config = parse(await fs.readFile(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  // A plain-JS script (it runs without a build step); imported by URL so tsc leaves it alone.
  const scriptUrl = pathToFileURL(path.join(root, 'scripts/check-package.js')).href;
  checks = (await import(/* @vite-ignore */ scriptUrl)) as CheckPackage;
});

describe('electron-builder.yml', () => {
  it('names the app and packs it into an asar of built files only', () => {
    expect(config).toMatchObject({ appId: 'dev.cairn.app', productName: 'Cairn', asar: true });
    const files = config.files as string[];
    expect(files.filter((p) => !p.startsWith('!')).sort()).toEqual(['out/**', 'package.json']);
    for (const excluded of ['!out/**/*.map', '!**/*.{ts,tsx,mts,cts,map}', '!**/.env*']) expect(files).toContain(excluded);
    expect(config).not.toHaveProperty('fileAssociations');
    expect(config).not.toHaveProperty('protocols');
  });

  it('flips every security fuse the checklist asks for', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds for Linux, macOS and Windows with icons that exist', async () => {
    expect(config).toMatchObject({
      linux: { target: ['AppImage', 'deb'], icon: 'resources/icons' },
      mac: { target: ['dmg', 'zip'], icon: 'resources/icon.png' },
      win: { target: ['nsis'], icon: 'resources/icon.png' },
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    for (const icon of ['icon.png', 'icons/16x16.png', 'icons/32x32.png', 'icons/256x256.png', 'icons/512x512.png', 'tray/tray-idle.png', 'tray/tray-error@2x.png']) {
      const bytes = await fs.readFile(path.join(root, 'resources', icon));
      expect(bytes.subarray(0, 4).equals(png), icon).toBe(true);
    }
    const icon = await fs.readFile(path.join(root, 'resources/icon.png'));
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
  });
});

describe('scripts/check-package.js', () => {
  it('refuses sources, tests, bench files, env files and source maps in the asar', () => {
    for (const entry of [
      'out/main/index.ts',
      'out/renderer/App.tsx',
      'out/main/index.js.map',
      'out/main/.env',
      '.env.local',
      'out/main/engine.test.js',
      'out/main/repository.bench.js',
      'src-main/engine/engine.js',
      'test/unit/x.js',
      'bench/repository.js',
      'README.md',
      'node_modules/zod/src/index.ts',
      'node_modules/some-lib/index.d.ts',
      'node_modules/some-lib/dist/index.js.map',
      'node_modules/some-lib/thing.spec.js',
    ]) {
      expect(checks.forbiddenReason(entry), entry).not.toBeNull();
    }
  });

  it('accepts what the app needs at run time', () => {
    for (const entry of ['package.json', 'out/main/index.js', 'out/main/chunks/owning-engine-x.js', 'out/preload/preload.cjs', 'out/renderer/index.html', 'node_modules/zod/index.cjs', 'node_modules/ws/lib/websocket.js']) {
      expect(checks.forbiddenReason(entry), entry).toBeNull();
    }
  });

  describe('the placeholder Electron', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await makeTempDir('placeholder-electron');
      checks.writePlaceholderElectron(dir.path);
    });
    afterAll(() => dir.remove());

    it('has what electron-builder copies for a Linux build', async () => {
      for (const entry of ['electron', 'resources', 'locales/en-US.pak', 'LICENSE', 'version']) await expect(fs.stat(dir.join(entry))).resolves.toBeTruthy();
      expect((await fs.stat(dir.join('electron'))).mode & 0o111).not.toBe(0);
    });

    it('carries a fuse wire that reports stock fuses until they are flipped as configured', async () => {
      const binary = dir.join('electron');
      expect((await checks.fuseProblems(binary)).length).toBeGreaterThan(0);
      const fuses = config.electronFuses as Record<string, boolean>;
      const flip: Record<string, unknown> = { version: FuseVersion.V1 };
      for (const [name, on] of Object.entries(fuses)) {
        const option = FuseV1Options[(name[0]!.toUpperCase() + name.slice(1)) as keyof typeof FuseV1Options];
        expect(option, name).toBeDefined();
        flip[option] = on;
      }
      await flipFuses(binary, flip as never);
      expect(await checks.fuseProblems(binary)).toEqual([]);
    });
  });
});
