import { localDate } from '@tandem/shared';

/** One session as a calendar event. */
export interface IcsEvent {
  /** The same for every version of the session's event: `session-<id>@tandem`. */
  uid: string;
  /** Grows with every change; a calendar keeps the highest it has seen. */
  sequence: number;
  start: Date;
  durationMinutes: number;
  summary: string;
  description: string;
  url: string;
  cancelled: boolean;
}

export interface IcsPerson {
  name: string;
  email: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Text values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11). */
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
/** A parameter value (a name) is quoted, and may not hold a double quote or a control character. */
const param = (s: string) => `"${s.replace(/["\p{Cc}]/gu, '')}"`;

/** A UTC instant in iCalendar's basic form: 20261201T170000Z. */
export function icsUtc(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** An instant as wall-clock time in a zone, in iCalendar's basic form (no Z): 20261201T180000. */
function icsLocal(at: Date, timeZone: string): string {
  const d = localDate(at, timeZone);
  return `${d.year}${pad(d.month)}${pad(d.day)}T${d.time.replace(':', '')}00`;
}

/** Lines longer than 75 octets are folded: CRLF and a space (RFC 5545 3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let chunk = '';
  let size = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > (parts.length === 0 ? 75 : 74)) {
      parts.push(chunk);
      chunk = '';
      size = 0;
    }
    chunk += ch;
    size += n;
  }
  parts.push(chunk);
  return parts.join('\r\n ');
}

/** The zone's offset from UTC at an instant, in minutes. */
function offsetMinutes(at: number, timeZone: string): number {
  const d = localDate(new Date(at), timeZone);
  const [hh = 0, mm = 0] = d.time.split(':').map(Number);
  const wall = Date.UTC(d.year, d.month - 1, d.day, hh, mm);
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

const icsOffset = (minutes: number) => `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;

/** The zone's short name at an instant (CET, CEST, GMT+5:30 …). */
function zoneName(at: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(at))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** The instants where the zone's offset changes within [from, to], found day by day then to the minute. */
export function transitions(timeZone: string, from: number, to: number): { at: number; before: number; after: number }[] {
  const DAY = 86_400_000;
  const MINUTE = 60_000;
  const found: { at: number; before: number; after: number }[] = [];
  // On whole minutes, so the search below always ends on the minute of the change.
  const start = Math.floor(from / MINUTE) * MINUTE;
  let prev = offsetMinutes(start, timeZone);
  for (let t = start + DAY; t <= to + DAY; t += DAY) {
    const cur = offsetMinutes(t, timeZone);
    if (cur === prev) continue;
    // The change is in (t - DAY, t]: narrow it to the minute.
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.max(1, Math.floor((hi - lo) / (2 * MINUTE))) * MINUTE;
      if (offsetMinutes(mid, timeZone) === prev) lo = mid;
      else hi = mid;
    }
    found.push({ at: hi, before: prev, after: cur });
    prev = cur;
  }
  return found;
}

/**
 * A VTIMEZONE for the zone covering [from, to]: one observance per offset change, each with
 * the local time it starts at (in the offset before it), so strict clients (Outlook, ical.js)
 * read the events' local times exactly as the zone had them, on both sides of a DST change.
 */
export function vtimezone(timeZone: string, from: Date, to: Date): string[] {
  const start = from.getTime();
  const initial = offsetMinutes(start, timeZone);
  const changes = transitions(timeZone, start, to.getTime());
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const observance = (at: number, before: number, after: number, daylight: boolean) => {
    const kind = daylight ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      // The local time of the change, read in the offset in force before it (RFC 5545 3.6.5).
      `DTSTART:${icsUtc(new Date(at + before * 60_000)).replace('Z', '')}`,
      `TZOFFSETFROM:${icsOffset(before)}`,
      `TZOFFSETTO:${icsOffset(after)}`,
      `TZNAME:${text(zoneName(at, timeZone))}`,
      `END:${kind}`,
    );
  };
  // Daylight time is the larger of the two offsets around a change.
  const standard = Math.min(initial, ...changes.map((c) => c.after));
  observance(start, initial, initial, initial > standard);
  for (const c of changes) observance(c.at, c.before, c.after, c.after > c.before);
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * A calendar file: an invitation (METHOD:REQUEST), its cancellation (METHOD:CANCEL), or a feed
 * (METHOD:PUBLISH) of several events. Event times are in `timeZone` with its VTIMEZONE.
 */
export function buildIcs(input: {
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  timeZone: string;
  events: IcsEvent[];
  organizer?: IcsPerson;
  attendees?: IcsPerson[];
  now?: Date;
}): string {
  const now = input.now ?? new Date();
  const times = input.events.map((e) => e.start.getTime());
  // The zone's rules from a little before the first event to a little after the last one.
  const from = new Date(Math.min(now.getTime(), ...times) - 30 * 86_400_000);
  const to = new Date(Math.max(now.getTime(), ...times) + 30 * 86_400_000);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem//Mentorship sessions//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method}`,
    ...vtimezone(input.timeZone, from, to),
  ];
  for (const e of input.events) {
    const end = new Date(e.start.getTime() + e.durationMinutes * 60_000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `SEQUENCE:${e.sequence}`,
      `DTSTAMP:${icsUtc(now)}`,
      `DTSTART;TZID=${input.timeZone}:${icsLocal(e.start, input.timeZone)}`,
      `DTEND;TZID=${input.timeZone}:${icsLocal(end, input.timeZone)}`,
      `SUMMARY:${text(e.summary)}`,
      `DESCRIPTION:${text(e.description)}`,
      `URL:${e.url}`,
      `STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    );
    if (input.organizer) lines.push(`ORGANIZER;CN=${param(input.organizer.name)}:mailto:${input.organizer.email}`);
    for (const a of input.attendees ?? []) {
      lines.push(`ATTENDEE;CN=${param(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${a.email}`);
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR', '');
  return lines.map(fold).join('\r\n');
}
