import type { Locale, Role } from '@tandem/shared';

/** One email, ready to queue: both bodies in the recipient's language. */
export interface MailMessage {
  subject: string;
  text: string;
  html: string;
}

const PRODUCT = 'Tandem';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Paragraphs and one button-like link: the same words in the text body and the HTML body, no tracking. */
export function compose(
  locale: Locale,
  subject: string,
  paragraphs: string[],
  link?: { label: string; url: string },
  footer?: string,
): MailMessage {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), ...(footer ? [footer] : []), `— ${PRODUCT}`].join('\n\n');
  const html = [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24;max-width:36rem;margin:0 auto;padding:1.5rem">',
    `<p style="font-weight:700;font-size:1.1rem">${PRODUCT}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`),
    link
      ? `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:.6rem 1rem;background:#2952cc;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(link.label)}</a></p><p style="font-size:.85rem;color:#555">${escapeHtml(link.url)}</p>`
      : '',
    footer ? `<p style="font-size:.85rem;color:#555">${escapeHtml(footer)}</p>` : '',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

const roleName: Record<Locale, Record<Role, string>> = {
  en: { mentor: 'a mentor', student: 'a student', admin: 'a member of the programme staff' },
  fr: { mentor: 'mentor', student: 'étudiant·e', admin: "membre de l'équipe du programme" },
};

/** When, in the recipient's zone and language, with the zone named. */
export function formatInZone(at: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
}

export const messages = {
  invite(locale: Locale, input: { name: string; role: Role; inviter: string | null; url: string; expiresAt: Date; timeZone: string }) {
    const until = formatInZone(input.expiresAt, input.timeZone, locale);
    if (locale === 'fr') {
      return compose(
        'fr',
        `Invitation à rejoindre ${PRODUCT}`,
        [
          `Bonjour ${input.name},`,
          `${input.inviter ?? "L'équipe du programme"} vous invite à rejoindre ${PRODUCT} en tant que ${roleName.fr[input.role]}.`,
          `Ouvrez le lien ci-dessous pour choisir votre mot de passe. Il ne sert qu'une fois et expire le ${until}.`,
        ],
        { label: 'Accepter l’invitation', url: input.url },
        "Si vous n'attendiez pas cette invitation, ignorez ce message.",
      );
    }
    return compose(
      'en',
      `You are invited to ${PRODUCT}`,
      [
        `Hello ${input.name},`,
        `${input.inviter ?? 'The programme staff'} invited you to join ${PRODUCT} as ${roleName.en[input.role]}.`,
        `Open the link below to choose your password. It works once and expires on ${until}.`,
      ],
      { label: 'Accept the invitation', url: input.url },
      'If you did not expect this invitation, you can ignore this email.',
    );
  },

  reset(locale: Locale, input: { name: string; url: string }) {
    if (locale === 'fr') {
      return compose(
        'fr',
        `Réinitialiser votre mot de passe ${PRODUCT}`,
        [
          `Bonjour ${input.name},`,
          "Quelqu'un (vous, sans doute) a demandé à réinitialiser votre mot de passe. Le lien sert une fois et expire dans une heure.",
        ],
        { label: 'Choisir un nouveau mot de passe', url: input.url },
        "Si ce n'était pas vous, ignorez ce message : votre mot de passe ne change pas.",
      );
    }
    return compose(
      'en',
      `Reset your ${PRODUCT} password`,
      [`Hello ${input.name},`, 'Someone (probably you) asked to reset your password. The link works once and expires in one hour.'],
      { label: 'Choose a new password', url: input.url },
      'If this was not you, ignore this email: your password stays as it is.',
    );
  },

  paired(
    locale: Locale,
    input: { name: string; other: string; otherRole: 'mentor' | 'student'; title: string; firstAt: Date; timeZone: string; url: string },
  ) {
    const when = formatInZone(input.firstAt, input.timeZone, locale);
    if (locale === 'fr') {
      return compose(
        'fr',
        `Votre mentorat « ${input.title} » commence`,
        [
          `Bonjour ${input.name},`,
          `Vous êtes en binôme avec ${input.other} (${input.otherRole === 'mentor' ? 'votre mentor' : 'votre étudiant·e'}) pour « ${input.title} ».`,
          `Première séance : ${when}. Les suivantes ont lieu chaque semaine au même créneau.`,
        ],
        { label: 'Ouvrir Tandem', url: input.url },
      );
    }
    return compose(
      'en',
      `Your mentorship "${input.title}" is starting`,
      [
        `Hello ${input.name},`,
        `You are paired with ${input.other} (${input.otherRole === 'mentor' ? 'your mentor' : 'your student'}) for "${input.title}".`,
        `First session: ${when}. The next ones take place every week at the same time.`,
      ],
      { label: 'Open Tandem', url: input.url },
    );
  },
};
