import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Our folders are not electron-vite's default src/main, src/preload, src/renderer, so every
// target names its inputs (DESIGN.md section 9).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      target: 'node20',
      rolldownOptions: {
        input: {
          // The Electron main process.
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          // The same engine under plain Node: the `cairn` CLI and `cairn serve`.
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          // worker_threads entry for chunking, hashing, compression and encryption.
          'ingest-worker': resolve(__dirname, 'src-main/engine/workers/ingest-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
});
