/** The current instant as an ISO string; the one clock the server reads. */
export const nowIso = (): string => new Date().toISOString();

/** An instant `ms` milliseconds from now, as an ISO string. */
export const isoIn = (ms: number): string => new Date(Date.now() + ms).toISOString();
