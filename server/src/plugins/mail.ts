import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { MailWorker, smtpTransport } from '../mail/worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    mail: {
      /** True when mail leaves over SMTP; false keeps it in the outbox table for admins. */
      smtp: boolean;
      /** Looks at the queue now (call after committing what queued mail). */
      kick(): void;
      /** Resolves when the worker has nothing in hand (tests). */
      idle(): Promise<void>;
    };
  }
}

/** The mail worker: started with the app, stopped (its current message finished) before the database closes. */
export default fp<{ mail: Config['mail']; pollMs?: number; onKept?: ConstructorParameters<typeof MailWorker>[4] }>(
  async (app, opts) => {
    const transport = opts.mail.smtpUrl ? smtpTransport(opts.mail.smtpUrl, opts.mail.from) : null;
    const worker = new MailWorker(app.db, transport, app.log, opts.pollMs, opts.onKept);
    app.decorate('mail', { smtp: Boolean(transport), kick: () => worker.kick(), idle: () => worker.idle() });
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  },
  { name: 'mail', dependencies: ['db'] },
);
