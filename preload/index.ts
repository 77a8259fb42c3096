import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createWorkbenchClient } from '../shared/api/client.ts';
import type { WorkbenchEvent } from '../shared/api/events.ts';

// Channel names repeat app/desktop/ipc.ts on purpose: the sandboxed preload must not pull in main-side code.
const CHANNEL_PREFIX = 'wb:';
const EVENT_CHANNEL = 'wb:event';

const client = createWorkbenchClient({
  transport: 'ipc',
  bridgeErrors: true,
  call: (method, envelope) => ipcRenderer.invoke(CHANNEL_PREFIX + method, envelope),
  subscribe: (listener) => {
    const handler = (_e: unknown, event: WorkbenchEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});

contextBridge.exposeInMainWorld('workbench', client);
// A dropped file's path on disk (Verify view drag and drop); only the desktop app can know it.
contextBridge.exposeInMainWorld('workbenchFiles', { pathFor: (file: File) => webUtils.getPathForFile(file) });
