import zlib from 'node:zlib';
import * as zstdWasm from '@bokuweb/zstd-wasm';
import { CorruptBlobError, ZstdNotReadyError } from './errors';
import { zstdFrameContentSize } from './zstd-frame';

/** One zstd implementation; both write and read standard zstd frames (RFC 8878). */
export interface ZstdCodec {
  readonly name: 'node-zlib' | 'wasm';
  compress(plain: Uint8Array, level: number): Uint8Array;
  /** Decodes to exactly `expectedLength` bytes, never allocating more; CorruptBlobError otherwise. */
  decompress(frame: Uint8Array, expectedLength: number): Uint8Array;
}

/** `zlib.zstd*` exist from Node 22.15 (and in Electron); @types/node 20 does not declare them. */
interface NativeZstd {
  zstdCompressSync?(data: Uint8Array, options: { params: Record<number, number> }): Buffer;
  zstdDecompressSync?(data: Uint8Array, options: { maxOutputLength: number }): Buffer;
  constants: { ZSTD_c_compressionLevel?: number };
}

function nativeCodec(): ZstdCodec | null {
  const native = zlib as unknown as NativeZstd;
  const { zstdCompressSync, zstdDecompressSync } = native;
  const levelParam = native.constants.ZSTD_c_compressionLevel;
  if (!zstdCompressSync || !zstdDecompressSync || levelParam === undefined) return null;
  return {
    name: 'node-zlib',
    compress: (plain, level) => zstdCompressSync(plain, { params: { [levelParam]: level } }),
    decompress(frame, expectedLength) {
      let plain: Buffer;
      try {
        // The limit is what makes a zip bomb fail fast instead of filling memory.
        plain = zstdDecompressSync(frame, { maxOutputLength: Math.max(1, expectedLength) });
      } catch (err) {
        if (err instanceof RangeError) throw new CorruptBlobError(`it decodes to more than the expected ${expectedLength} bytes`);
        throw new CorruptBlobError('zstd cannot decode it', { cause: err });
      }
      return checkLength(plain, expectedLength);
    },
  };
}

function wasmCodec(): ZstdCodec {
  // One reusable compression context: creating one per call costs more than compressing a
  // few KiB. An empty dictionary makes ZSTD_compress_usingDict write a plain frame.
  let context: number | null = null;
  const noDictionary = new Uint8Array(0);
  return {
    name: 'wasm',
    compress(plain, level) {
      context ??= zstdWasm.createCCtx();
      return zstdWasm.compressUsingDict(context, plain, noDictionary, level);
    },
    decompress(frame, expectedLength) {
      // The WASM decoder allocates whatever the header declares: check it first.
      const declared = zstdFrameContentSize(frame);
      if (declared !== null && declared !== expectedLength) {
        throw new CorruptBlobError(`its header declares ${declared} bytes where ${expectedLength} were expected`);
      }
      let plain: Uint8Array;
      try {
        plain = zstdWasm.decompress(frame, { defaultHeapSize: Math.max(1, expectedLength) });
      } catch (err) {
        throw new CorruptBlobError('zstd cannot decode it', { cause: err });
      }
      return checkLength(plain, expectedLength);
    },
  };
}

function checkLength(plain: Uint8Array, expectedLength: number): Uint8Array {
  if (plain.length !== expectedLength) {
    throw new CorruptBlobError(`it decodes to ${plain.length} bytes where ${expectedLength} were expected`);
  }
  return plain;
}

const native = nativeCodec();
let wasm: ZstdCodec | null = null;
let wasmLoading: Promise<void> | null = null;

/**
 * Loads the codec: nothing to do when Node has zstd built in, else instantiates the WASM
 * module (once per thread; concurrent callers share the load).
 */
export function prepareZstd(options: { forceWasm?: boolean } = {}): Promise<void> {
  if (native && !options.forceWasm) return Promise.resolve();
  wasmLoading ??= zstdWasm.init().then(() => {
    wasm = wasmCodec();
  });
  return wasmLoading;
}

/** The codec to use now: native when available. Throws ZstdNotReadyError before prepareZstd(). */
export function zstdCodec(options: { forceWasm?: boolean } = {}): ZstdCodec {
  if (native && !options.forceWasm) return native;
  if (!wasm) throw new ZstdNotReadyError();
  return wasm;
}
