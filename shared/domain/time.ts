import { z } from 'zod';

/** Timestamps cross every boundary as ISO-8601 UTC strings with milliseconds, e.g. 2026-11-28T12:00:00.000Z. */
export const IsoTime = z.iso.datetime({ offset: false, precision: 3 });
export type IsoTime = z.infer<typeof IsoTime>;
