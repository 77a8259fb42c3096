import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../main/config.ts';
import { createWorkbench } from '../../main/workbench.ts';
import { APP_ORIGIN, APP_SCHEME } from './app-origin.ts';
import { hardenApp } from './hardening.ts';
import { EVENT_CHANNEL, registerIpc } from './ipc.ts';
import { serveRendererProtocol } from './protocol.ts';

// Must run before `ready`: a standard, secure scheme gets a real origin for the CSP.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

async function main(): Promise<void> {
  await app.whenReady();
  hardenApp(app, session.defaultSession);
  const config = resolveConfig(process.env, { dataDir: process.env.WORKBENCH_DATA_DIR ?? app.getPath('userData') });
  const workbench = await createWorkbench(config);
  serveRendererProtocol(protocol, rendererDir);
  registerIpc(ipcMain, workbench.dispatch);
  workbench.bus.subscribe((event) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(EVENT_CHANNEL, event);
  });

  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Compliance Workbench',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  await win.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', () => {
    void workbench.close().finally(() => app.quit());
  });
}

main().catch((e: unknown) => {
  console.error('Compliance Workbench failed to start:', e);
  app.exit(1);
});
