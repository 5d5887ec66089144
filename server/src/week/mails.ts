import type { Locale } from '@tandem/shared';
import { compose, formatInZone, type MailMessage } from '../mail/messages.js';

/** Who an email is for: their name, language and zone. */
export interface Reader {
  name: string;
  locale: Locale;
  timeZone: string;
}

const hello = (r: Reader) => (r.locale === 'fr' ? `Bonjour ${r.name},` : `Hello ${r.name},`);

/** The emails of the week between calls, in the reader's language, times in the reader's zone. */
export const weekMails = {
  /** Sent with the iCalendar invitation of a booked, moved or cancelled session. */
  calendar(
    r: Reader,
    input: { title: string; at: Date; change: 'booked' | 'moved' | 'cancelled'; url: string; reason: string | null },
  ): MailMessage {
    const when = formatInZone(input.at, r.timeZone, r.locale);
    if (r.locale === 'fr') {
      const subject = { booked: 'Séance prévue', moved: 'Séance déplacée', cancelled: 'Séance annulée' }[input.change];
      const line = {
        booked: `Votre séance « ${input.title} » est prévue ${when}.`,
        moved: `Votre séance « ${input.title} » a lieu désormais ${when}.`,
        cancelled: `La séance « ${input.title} » du ${when} n'aura pas lieu.${input.reason ? ` Raison : ${input.reason}` : ''}`,
      }[input.change];
      return compose('fr', `${subject} : ${when}`, [hello(r), line, "L'invitation jointe met votre agenda à jour."], {
        label: 'Ouvrir Tandem',
        url: input.url,
      });
    }
    const subject = { booked: 'Session booked', moved: 'Session moved', cancelled: 'Session cancelled' }[input.change];
    const line = {
      booked: `Your session "${input.title}" is booked for ${when}.`,
      moved: `Your session "${input.title}" now takes place on ${when}.`,
      cancelled: `The session "${input.title}" of ${when} will not take place.${input.reason ? ` Reason: ${input.reason}` : ''}`,
    }[input.change];
    return compose('en', `${subject}: ${when}`, [hello(r), line, 'The attached invitation updates your calendar.'], {
      label: 'Open Tandem',
      url: input.url,
    });
  },

  reminder(
    r: Reader,
    input: { title: string; at: Date; which: 'day' | 'hour'; other: string; agenda: string[]; url: string },
  ): MailMessage {
    const when = formatInZone(input.at, r.timeZone, r.locale);
    const agenda = input.agenda.length > 0 ? input.agenda.map((l) => `• ${l}`).join('\n') : null;
    if (r.locale === 'fr') {
      return compose(
        'fr',
        `${input.which === 'day' ? 'Demain' : 'Dans une heure'} : séance avec ${input.other}`,
        [
          hello(r),
          `Rappel : votre séance « ${input.title} » avec ${input.other} a lieu ${when}.`,
          agenda
            ? `À l'ordre du jour pour l'instant :\n${agenda}`
            : "Rien n'est encore à l'ordre du jour : ajoutez vos points dans la note.",
        ],
        { label: 'Rejoindre la séance', url: input.url },
        'Vous pouvez désactiver ces rappels sur votre profil.',
      );
    }
    return compose(
      'en',
      `${input.which === 'day' ? 'Tomorrow' : 'In one hour'}: session with ${input.other}`,
      [
        hello(r),
        `A reminder: your session "${input.title}" with ${input.other} is on ${when}.`,
        agenda ? `On the agenda so far:\n${agenda}` : 'Nothing is on the agenda yet: add your talking points to the note.',
      ],
      { label: 'Join the session', url: input.url },
      'You can turn these reminders off on your profile.',
    );
  },

  moveProposed(r: Reader, input: { by: string; from: Date; to: Date; message: string; url: string }): MailMessage {
    const from = formatInZone(input.from, r.timeZone, r.locale);
    const to = formatInZone(input.to, r.timeZone, r.locale);
    if (r.locale === 'fr') {
      return compose(
        'fr',
        `${input.by} propose de déplacer votre séance`,
        [hello(r), `${input.by} propose de déplacer la séance du ${from} au ${to}.`, ...(input.message ? [`« ${input.message} »`] : [])],
        { label: 'Accepter ou refuser', url: input.url },
      );
    }
    return compose(
      'en',
      `${input.by} proposes to move your session`,
      [hello(r), `${input.by} proposes to move the session of ${from} to ${to}.`, ...(input.message ? [`"${input.message}"`] : [])],
      { label: 'Accept or decline', url: input.url },
    );
  },

  moveDeclined(r: Reader, input: { by: string; to: Date; url: string }): MailMessage {
    const to = formatInZone(input.to, r.timeZone, r.locale);
    if (r.locale === 'fr') {
      return compose(
        'fr',
        `${input.by} ne peut pas le ${to}`,
        [hello(r), `${input.by} a refusé de déplacer la séance au ${to}. Elle reste à son heure.`],
        {
          label: 'Ouvrir Tandem',
          url: input.url,
        },
      );
    }
    return compose(
      'en',
      `${input.by} cannot make ${to}`,
      [hello(r), `${input.by} declined moving the session to ${to}. It stays at its time.`],
      {
        label: 'Open Tandem',
        url: input.url,
      },
    );
  },

  digest(r: Reader, input: { from: string; title: string; lines: { at: Date; text: string }[]; url: string }): MailMessage {
    const body = input.lines.map((l) => `${formatInZone(l.at, r.timeZone, r.locale)}\n${l.text}`).join('\n\n');
    const n = input.lines.length;
    if (r.locale === 'fr') {
      return compose(
        'fr',
        `${input.from} vous a écrit (${n} message${n > 1 ? 's' : ''})`,
        [hello(r), `${input.from} vous a écrit dans « ${input.title} » :`, body],
        { label: 'Répondre', url: input.url },
        'Un seul résumé toutes les quelques heures au plus, seulement quand vous n’êtes pas connecté·e.',
      );
    }
    return compose(
      'en',
      `${input.from} wrote to you (${n} message${n > 1 ? 's' : ''})`,
      [hello(r), `${input.from} wrote to you in "${input.title}":`, body],
      { label: 'Reply', url: input.url },
      'At most one digest every few hours, and only while you are not online.',
    );
  },
};
