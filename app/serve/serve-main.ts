import { fileURLToPath } from 'node:url';
import { runBrowserMode } from './browser-mode.ts';

// Entry of the built server (out/main/serve.js): the renderer sits beside it in out/renderer.
await runBrowserMode({ rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)), reason: 'started with the serve entry' });
