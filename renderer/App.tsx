import { useEffect, useRef } from 'react';
import { useRoute, useShell, useStores } from './state/stores.tsx';
import { ROUTES } from './state/routes.ts';
import { Header } from './components/Header.tsx';
import { NavBar } from './components/NavBar.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { ErrorPanel } from './components/ErrorPanel.tsx';
import { VIEWS } from './views/registry.ts';
import { NotFoundView } from './views/NotFoundView.tsx';

function BootFailure() {
  const { shell } = useStores();
  const error = useShell((s) => s.bootError);
  if (!error) return null;
  return (
    <article className="view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">The workbench did not start</h1>
        {error.code === 'UNAUTHENTICATED' && (
          <p className="lede">
            In browser mode, open the exact link the workbench printed when it started — it ends in <code>#token=…</code>. The token is
            kept for this tab only.
          </p>
        )}
      </header>
      <ErrorPanel error={error} context="Starting" onRetry={() => void shell.getState().boot()} />
    </article>
  );
}

export function App() {
  const { client, shell, audit, verify } = useStores();
  const phase = useShell((s) => s.phase);
  const info = useShell((s) => s.info);
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    void shell.getState().boot();
  }, [shell]);

  useEffect(() => {
    const update = () => shell.getState().setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [shell]);

  useEffect(
    () =>
      client.$events.subscribe((event) => {
        if (event.topic === 'audit.appended') audit.getState().noteAppended(event.payload.seq);
        else if (event.topic === 'policy.changed') void shell.getState().refreshSession();
        else if (event.topic === 'progress') verify.getState().noteProgress(event.payload);
      }),
    [client, audit, shell, verify],
  );

  const spec = route.kind === 'view' ? ROUTES.find((r) => r.id === route.id) : undefined;
  useEffect(() => {
    document.title = `${spec?.label ?? 'Not found'} — Compliance Workbench`;
  }, [spec]);

  const View = route.kind === 'view' ? VIEWS[route.id] : undefined;
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#/"
        onClick={(e) => {
          // A real #fragment would be taken as a route; move focus instead.
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <div className="layout">
        <NavBar route={route} />
        <main id="main-content" ref={mainRef} tabIndex={-1} className="content">
          {phase === 'booting' && (
            <p className="muted boot" role="status">
              Starting the workbench…
            </p>
          )}
          {phase === 'failed' && <BootFailure />}
          {phase === 'ready' &&
            (route.kind === 'unknown' ? (
              <NotFoundView path={route.path} />
            ) : (
              View && (
                <ErrorBoundary key={route.id} label={spec?.label ?? route.id}>
                  <View route={route} />
                </ErrorBoundary>
              )
            ))}
        </main>
      </div>
      {info && (
        <footer className="statusbar">
          <span>
            Data folder <code>{info.dataDir}</code>
          </span>
          <span>
            Transport <code>{client.$transport}</code>
          </span>
        </footer>
      )}
    </div>
  );
}
