import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  // Main process (ESM, Node): the entry plus the engine's worker threads. EngineHost
  // starts `./feed-worker.js` and `./analytics-worker.js` next to its own module,
  // so every file of the main build stays flat in out/main (no chunks/ folder).
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'feed-worker': resolve(__dirname, 'src/engine/workers/feed-worker.ts'),
          'analytics-worker': resolve(__dirname, 'src/engine/workers/analytics-worker.ts'),
          // The analytics worker starts `./history-worker.js` next to its own module.
          'history-worker': resolve(__dirname, 'src/engine/workers/history-worker.ts'),
          'seek-worker': resolve(__dirname, 'src/engine/console/seek-worker.ts'),
          'capture-read-worker': resolve(__dirname, 'src/engine/capture/capture-read-worker.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  // Preload: a sandboxed preload cannot load ES modules or packages, so it is one
  // self-contained CommonJS file, out/preload/index.cjs (main points the window at it).
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
  },
});
