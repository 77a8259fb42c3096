import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/app.css';
import { App } from './App.tsx';
import { StoresProvider, type Stores } from './state/stores.tsx';
import { createShellStore } from './state/shell-store.ts';
import { createAuditStore } from './state/audit-store.ts';
import { createEvidenceStore } from './state/evidence-store.ts';
import { createVerifyStore } from './state/verify-store.ts';
import { installWorkbench } from './transport/http-client.ts';

// Desktop: the preload has set window.workbench. Browser mode: build it over HTTP now, before
// anything reads location.hash, so the launch token leaves the address bar at once.
const socket = installWorkbench(window);
const client = window.workbench;

const stores: Stores = {
  client,
  shell: createShellStore({ client, storage: window.sessionStorage, online: navigator.onLine }),
  audit: createAuditStore(client),
  evidence: createEvidenceStore(client),
  verify: createVerifyStore(client, () => `verify-${crypto.randomUUID()}`),
};

if (socket) {
  let reconnects = socket.state.reconnects;
  stores.shell.getState().setConnection(socket.state);
  socket.onState((state) => {
    stores.shell.getState().setConnection(state);
    if (state.reconnects > reconnects) stores.audit.getState().catchUp();
    reconnects = state.reconnects;
  });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
