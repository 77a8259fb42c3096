import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { api } from '../../shared/api/index.ts';
import { methodsOf, type Dispatch } from '../../shared/api/contract.ts';
import { dispatchToWire, type WireResult } from '../../shared/api/wire.ts';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

export const CHANNEL_PREFIX = 'wb:';
export const EVENT_CHANNEL = 'wb:event';

export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;
interface FrameLike {
  url: string;
  parent: unknown;
}

/** Only the top frame of our own app origin may call the API (not an iframe, not a navigated page). */
export function isTrustedFrame(frame: FrameLike | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    // Node's URL gives custom schemes an opaque origin ("null"), so compare scheme and host.
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Registers one handler per contract method (a loop, none by hand). Each call checks its
 * sender frame, then goes through the same dispatcher as every other transport. Returns
 * a function that removes the handlers.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  trusted: (frame: FrameLike | null | undefined) => boolean = isTrustedFrame,
): () => void {
  const channels: string[] = [];
  for (const [name] of methodsOf(api)) {
    const channel = CHANNEL_PREFIX + name;
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, envelope: unknown): Promise<WireResult> => {
      if (!trusted(event.senderFrame as FrameLike | null)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: `IPC call ${name} from an untrusted frame refused` } };
      }
      return dispatchToWire(dispatch, name, envelope, { transport: 'ipc' });
    });
    channels.push(channel);
  }
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}
