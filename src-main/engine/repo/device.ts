import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CorruptRepositoryError } from './errors';

/**
 * This device's identity for a repository: a random id (the only writer of its own
 * `index/<id>/…` and `manifest/<id>/…` keys) and a name for people. Device-local, never synced.
 */
export interface DeviceIdentity {
  deviceId: string;
  name: string;
  created: string;
}

const deviceSchema = z.object({ deviceId: z.string().regex(/^[0-9a-f]{32}$/), name: z.string(), created: z.string() });

export async function loadOrCreateDevice(localDir: string): Promise<DeviceIdentity> {
  const file = path.join(localDir, 'device.json');
  try {
    const text = await fs.readFile(file, 'utf8');
    const parsed = deviceSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new CorruptRepositoryError(`The device file ${file}`, 'it does not hold a device id');
    return parsed.data;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof SyntaxError) throw new CorruptRepositoryError(`The device file ${file}`, 'it is not valid JSON', 'Delete it to give this device a new identity.');
      throw err;
    }
  }
  const device: DeviceIdentity = { deviceId: crypto.randomBytes(16).toString('hex'), name: os.hostname(), created: new Date().toISOString() };
  await fs.mkdir(localDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(device, null, 2)}\n`, { mode: 0o600 });
  try {
    await fs.link(tmp, file); // create-only: two processes starting at once agree on one id
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await fs.unlink(tmp);
    return loadOrCreateDevice(localDir);
  }
  await fs.unlink(tmp);
  return device;
}
