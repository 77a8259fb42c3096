import { createWorkbenchClient, type WorkbenchClient } from '../../shared/api/client.ts';
import { createHttpCall, type FetchFn } from './http-call.ts';
import { EventSocket, type SocketFactory, type Timers } from './event-socket.ts';
import { takeLaunchToken, type LaunchTokenEnv } from './launch-token.ts';

/** Must match app/serve/server.ts (the renderer may not import it). */
export const EVENTS_PATH = '/events';
export const WS_PROTOCOL = 'workbench.v1';

export interface BrowserEnv extends LaunchTokenEnv {
  location: LaunchTokenEnv['location'] & Pick<Location, 'protocol' | 'host'>;
  fetch: FetchFn;
  createSocket: SocketFactory;
  timers: Timers;
}

export interface HttpWorkbench {
  client: WorkbenchClient;
  /** The event connection, for the shell's live indicator. */
  events: EventSocket;
  /** False when the page was opened without the launch link: every call will say so. */
  hasToken: boolean;
}

/** The contract over HTTP + WebSocket, as browser mode serves it. */
export function createHttpWorkbench(env: BrowserEnv): HttpWorkbench {
  const token = takeLaunchToken(env);
  const wsScheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const events = new EventSocket({
    url: `${wsScheme}//${env.location.host}${EVENTS_PATH}`,
    // Browsers cannot set headers on a WebSocket, so the token rides in a subprotocol.
    protocols: [WS_PROTOCOL, `token.${token ?? ''}`],
    create: env.createSocket,
    timers: env.timers,
  });
  const client = createWorkbenchClient({
    transport: 'http',
    call: createHttpCall({ token, fetch: env.fetch }),
    subscribe: (listener) => events.subscribe(listener),
  });
  return { client, events, hasToken: token !== undefined };
}

/**
 * Makes sure `window.workbench` exists: in Electron the preload has set it; in a browser
 * build it over HTTP. Returns the event connection when this function built the client.
 */
export function installWorkbench(win: Window & typeof globalThis): EventSocket | undefined {
  if (win.workbench) return undefined;
  const built = createHttpWorkbench({
    location: win.location,
    history: win.history,
    storage: win.sessionStorage,
    fetch: (url, init) => win.fetch(url, init),
    createSocket: (url, protocols) => new win.WebSocket(url, protocols) as unknown as ReturnType<SocketFactory>,
    timers: { setTimeout: (fn, ms) => win.setTimeout(fn, ms), clearTimeout: (h) => win.clearTimeout(h as number) },
  });
  win.workbench = built.client;
  return built.events;
}
