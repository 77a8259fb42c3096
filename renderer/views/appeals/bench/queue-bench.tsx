import { createRoot } from 'react-dom/client';
import type { ClientOf } from '../../../../shared/api/contract.ts';
import { buildClient } from '../../../../shared/api/client.ts';
import { appeals } from '../../../../shared/api/appeals.ts';
import { session } from '../../../../shared/api/system.ts';
import { createHttpCall } from '../../../transport/http-call.ts';
import type { AppealsClient } from '../appeals-client.ts';
import { QueueView } from '../QueueView.tsx';
import '../../../styles/app.css';
import '../appeals.css';

/**
 * The queue view alone, for `scripts/bench-appeals-queue.ts`: the real QueueView over the
 * real HTTP transport, acting as the ombuds reviewer. It records when the module started
 * and when the first ticket row reached the DOM (both `performance.now()`, i.e. ms since
 * navigation started).
 */
interface QueueBench {
  moduleAt: number;
  firstRowAt: number | null;
}
declare global {
  interface Window {
    __queueBench: QueueBench;
  }
}

const bench: QueueBench = { moduleAt: performance.now(), firstRowAt: null };
window.__queueBench = bench;
const observer = new MutationObserver(() => {
  if (bench.firstRowAt === null && document.querySelector('[data-testid="queue-row"]')) {
    bench.firstRowAt = performance.now();
    observer.disconnect();
  }
});
observer.observe(document.body, { childList: true, subtree: true });

const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? undefined;
const call = createHttpCall({ token, fetch: (url, init) => fetch(url, init) });
const contract = { appeals, session };
const client = {
  ...buildClient(contract, call, () => ({ actorId: new URLSearchParams(window.location.search).get('actor') ?? 'olga' })),
  $events: { subscribe: () => () => {} },
} as unknown as AppealsClient & ClientOf<{ session: typeof session }>;

void client.session.whoami({}).then(({ actor }) => {
  createRoot(document.getElementById('root')!).render(<QueueView client={client} actor={actor} scope="all" navigate={() => {}} />);
});
