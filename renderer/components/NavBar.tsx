import type { KeyboardEvent } from 'react';
import { ROUTES, type Route } from '../state/routes.ts';
import { useShell } from '../state/stores.tsx';
import { nextNavIndex } from './nav-keys.ts';

/**
 * The view list. One tab stop (the current view); arrow keys, Home and End move between
 * views, Enter opens one — the roving-focus pattern for a navigation list.
 */
export function NavBar({ route }: { route: Route }) {
  const capabilities = useShell((s) => s.info?.capabilities);
  const currentId = route.kind === 'view' ? route.id : undefined;

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const links = Array.from(e.currentTarget.querySelectorAll<HTMLAnchorElement>('a[data-nav]'));
    const current = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = nextNavIndex(e.key, current === -1 ? 0 : current, links.length);
    if (next === undefined) return;
    e.preventDefault();
    links[next]!.focus();
  };

  return (
    <nav className="nav" aria-label="Views" onKeyDown={onKeyDown}>
      <ul>
        {ROUTES.map((r) => {
          const active = r.id === currentId;
          const pending = r.capability !== null && capabilities?.[r.capability] === false;
          return (
            <li key={r.id}>
              <a
                data-nav={r.id}
                href={'#' + r.path}
                className={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
                tabIndex={active || (currentId === undefined && r.id === 'home') ? 0 : -1}
              >
                <span>{r.label}</span>
                {pending && (
                  <>
                    <span className="nav-tag" aria-hidden="true">soon</span>
                    <span className="sr-only"> (not built yet)</span>
                  </>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
