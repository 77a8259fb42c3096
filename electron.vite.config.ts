import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

/**
 * One build for every way to run the workbench: the Electron main entry and the plain-Node
 * entries (HTTP server, CLIs) share out/main; the preload is CommonJS (a sandboxed preload
 * cannot load ES modules); the renderer is a static bundle served over workbench:// or HTTP.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'app/desktop/main.ts'),
          serve: resolve(root, 'app/serve/serve-main.ts'),
          'prov-verify': resolve(root, 'app/cli/prov-verify.ts'),
          'vector-redactor': resolve(root, 'app/cli/vector-redactor.ts'),
          'audit-pack': resolve(root, 'app/cli/audit-pack.ts'),
          costguard: resolve(root, 'app/cli/costguard.ts'),
          // Its own file so the vector shard pool can start it as a worker thread (shard-pool.ts).
          'shard-worker': resolve(root, 'main/redaction/shard-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
