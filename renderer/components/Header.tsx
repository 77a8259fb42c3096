import { useShell } from '../state/stores.tsx';
import { middleEllipsis } from './format.ts';
import { ActorSwitcher } from './ActorSwitcher.tsx';
import { StatusIndicators } from './StatusIndicators.tsx';

const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

export function Header() {
  const info = useShell((s) => s.info);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">CW</span>
        <span className="brand-name">Compliance Workbench</span>
        {info && <span className="muted version">v{info.version}</span>}
      </div>
      {info && (
        <div className="store" data-testid="store">
          <span className="store-kind">{STORE_NAMES[info.store.kind]}</span>
          <code className="store-display" title={info.store.display}>{middleEllipsis(info.store.display, 40)}</code>
          {info.demoData && <span className="pill info">demo data</span>}
        </div>
      )}
      <StatusIndicators />
      <ActorSwitcher />
    </header>
  );
}
