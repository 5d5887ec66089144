/** The current instant as an ISO string; the one clock the server reads. */
export const nowIso = (): string => new Date().toISOString();

/** An instant `ms` milliseconds from now, as an ISO string. */
export const isoIn = (ms: number): string => new Date(Date.now() + ms).toISOString();

/**
 * What `work` resolves to, or `fallback` if it has not settled within `ms` (the work itself goes on;
 * only the wait is bounded). A rejection of `work` within the time is passed on.
 */
export async function within<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
