import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import type { ShellState } from './shell-store.ts';
import type { AuditState } from './audit-store.ts';
import type { EvidenceState } from './evidence-store.ts';
import type { VerifyState } from './verify-store.ts';
import { parseHash, type Route } from './routes.ts';

export interface Stores {
  client: WorkbenchClient;
  shell: StoreApi<ShellState>;
  audit: StoreApi<AuditState>;
  evidence: StoreApi<EvidenceState>;
  verify: StoreApi<VerifyState>;
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext value={stores}>{children}</StoresContext>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresProvider');
  return stores;
}

export function useShell<T>(selector: (s: ShellState) => T): T {
  return useStore(useStores().shell, selector);
}

export function useAudit<T>(selector: (s: AuditState) => T): T {
  return useStore(useStores().audit, selector);
}

export function useEvidence<T>(selector: (s: EvidenceState) => T): T {
  return useStore(useStores().evidence, selector);
}

export function useVerify<T>(selector: (s: VerifyState) => T): T {
  return useStore(useStores().verify, selector);
}

function subscribeHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current hash route; views are linkable and the back button works. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash, () => '');
  return parseHash(hash);
}
