import type { WorkbenchClient } from '../shared/api/client.ts';

declare global {
  interface Window {
    /** The typed contract client: the preload's IPC bridge (desktop) or the HTTP client (browser mode). */
    workbench: WorkbenchClient;
    /** Desktop only (preload): the path on disk of a dropped file or folder. */
    workbenchFiles?: { pathFor(file: File): string };
  }
}

export {};
