import { localDate, nextSlotAfter, type WeeklySlot } from '@tandem/shared';
import { currentLanguage, i18n } from '../i18n/index.js';

// Every date and time the app shows goes through here: in the viewer's time zone and
// language, the zone named when it differs from the pair's slot zone.

/** Who is looking: their language and IANA time zone (the browser's until profiles carry one). */
export interface Viewer {
  locale: string;
  timeZone: string;
}

/** The viewer of this page. */
export function currentViewer(): Viewer {
  return { locale: currentLanguage(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
}

/** "Tokyo", "New York", "UTC": the place part of an IANA zone, as people say it. */
export function zoneName(timeZone: string): string {
  return (timeZone.split('/').at(-1) ?? timeZone).replaceAll('_', ' ');
}

/** "14:05" at an instant in the viewer's zone. */
export function formatTime(at: Date | string, viewer: Viewer = currentViewer()): string {
  return new Intl.DateTimeFormat(viewer.locale, { timeZone: viewer.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );
}

/**
 * "Tuesday 3 March, 18:00" in the viewer's zone and language; " (Tokyo)" added when the
 * viewer's zone is not the pair's (`pairZone`), so both know whose clock it is.
 */
export function formatWhen(at: Date | string, pairZone?: string, viewer: Viewer = currentViewer()): string {
  const text = new Intl.DateTimeFormat(viewer.locale, {
    timeZone: viewer.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    // 24-hour everywhere, like the weekly slot's own "18:00".
    hourCycle: 'h23',
  }).format(new Date(at));
  return pairZone && pairZone !== viewer.timeZone ? `${text} (${zoneName(viewer.timeZone)})` : text;
}

/** A calendar date ("2026-03-31", no time zone) in the viewer's language: "31 Mar 2026". */
export function formatDate(isoDate: string, viewer: Viewer = currentViewer()): string {
  const [y = 1970, m = 1, d = 1] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat(viewer.locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * The weekly slot in the viewer's zone, from its next occurrence (so a DST change in either
 * zone shows as it will be lived): "Saturdays at 02:48 (Tokyo) — 17:48 in London", or
 * "Tuesdays at 18:00" when the viewer shares the slot's zone.
 */
export function formatSlot(slot: WeeklySlot, viewer: Viewer = currentViewer(), now = new Date()): string {
  const t = i18n.getFixedT(viewer.locale);
  const weekday = (isoWeekday: number): string => t(`time.weekdays.${weekdayKeys[isoWeekday - 1] ?? 'mon'}`);
  if (slot.timeZone === viewer.timeZone) return t('time.slot', { weekday: weekday(slot.weekday), time: slot.time });
  const next = nextSlotAfter(slot, now);
  const mine = localDate(next, viewer.timeZone);
  const args = {
    weekday: weekday(mine.weekday),
    time: mine.time,
    zone: zoneName(viewer.timeZone),
    otherTime: slot.time,
    otherZone: zoneName(slot.timeZone),
  };
  return mine.weekday === slot.weekday
    ? t('time.slotElsewhere', args)
    : t('time.slotOtherDay', { ...args, otherWeekday: weekday(slot.weekday) });
}

/** "1 h 5 min", "42 min", "under a minute". */
export function formatDuration(seconds: number, viewer: Viewer = currentViewer()): string {
  const t = i18n.getFixedT(viewer.locale);
  if (seconds < 60) return t('time.underAMinute');
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('time.minutes', { count: m });
  return m ? t('time.hoursMinutes', { h, m }) : t('time.hours', { h });
}
