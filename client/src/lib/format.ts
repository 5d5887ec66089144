/** "Tuesday, 3 March, 18:00" in the viewer's locale and time zone. */
export function formatWhen(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

const weekdays = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

/** "Tuesdays at 18:00 (Europe/Berlin), 60 min" */
export function formatSlot(slot: { weekday: number; time: string; timeZone: string; durationMinutes: number }): string {
  return `${weekdays[slot.weekday - 1] ?? ''} at ${slot.time} (${slot.timeZone}), ${slot.durationMinutes} min`;
}
