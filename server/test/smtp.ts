import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback (the `smtp-server` package) that keeps what it receives, parsed. */
export async function startSmtp(port = 0) {
  const received: ParsedMail[] = [];
  let refuse = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (refuse) {
        stream.resume();
        stream.on('end', () => callback(new Error('mailbox unavailable (test)')));
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    /** Answers every message with a 5xx while true. */
    refuseAll(value: boolean) {
      refuse = value;
    },
    /** Messages to one address. */
    to: (address: string) =>
      received.filter((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((t) => t.text.includes(address))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link of a message's text body that goes to `path` on the app. */
export function linkIn(mail: ParsedMail, path: string): string {
  const found = (mail.text ?? '').match(new RegExp(`https?://\\S+${path}\\S+`));
  if (!found) throw new Error(`no ${path} link in "${mail.subject}": ${mail.text}`);
  return found[0];
}
