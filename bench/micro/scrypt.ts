// Time to create and unlock a key file with the default scrypt parameters:
// node --import tsx bench/micro/scrypt.ts
import { randomBytes } from 'node:crypto';
import { createKeyFile, unwrapKeyFile } from '../../src-main/engine/crypto/key-file';

const master = randomBytes(64);
let t0 = performance.now();
const file = await createKeyFile(master, 'correct horse battery staple');
console.log(`createKeyFile (N=2^17, r=8, p=1): ${(performance.now() - t0).toFixed(0)} ms`);
t0 = performance.now();
await unwrapKeyFile(file, 'correct horse battery staple');
console.log(`unwrapKeyFile: ${(performance.now() - t0).toFixed(0)} ms`);
