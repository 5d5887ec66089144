import { demoAccounts } from '@tandem/shared';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { seedDemo } from './db/demo.js';
import { createSetupLink, hasAdmin } from './programme/invitations.js';

// Process concerns only: configuration, listen, demo data, graceful close.
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const app = await buildApp(config, {
    // With no SMTP server, mail stays in the outbox (admins see it) and its links are printed here.
    onMailKept: ({ to, subject, links }) =>
      process.stdout.write(`✉ Mail to ${to}: "${subject}"${links.map((l) => `\n    ${l}`).join('')}\n`),
  });
  // A promise someone forgot to handle must not take every live session down with it: log it and go on.
  process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  if (config.seedDemo) await seedDemo(app.db);

  let closing = false;
  const close = async (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'draining: no new connections, the open ones move to another node, writes finish');
    await app.drain();
    // Behind a load balancer: requests still come (on its open connections) until its health checks
    // take this node out; they are answered normally until then, not cut off.
    if (config.drainGraceMs > 0) await new Promise((r) => setTimeout(r, config.drainGraceMs));
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicOrigin.replace(/:\d+$/, '') === 'http://localhost' ? `http://localhost:${port}` : config.publicOrigin;
  const lines = config.cluster
    ? [`Tandem node ${config.cluster.nodeName} listens on port ${port}; people open ${config.publicOrigin} (the load balancer)`]
    : [`Tandem is running at ${url}`];
  if (config.seedDemo) {
    lines.push('Demo sign-ins:');
    for (const a of demoAccounts) lines.push(`  ${a.displayName.padEnd(14)} ${a.email.padEnd(22)} ${a.password}`);
  }
  // An empty programme: a one-time link (24 h) makes the first administrator.
  if (!(await hasAdmin(app.db))) {
    const setup = await createSetupLink(app.db, config.publicOrigin);
    lines.push('No administrator yet. Open this link within 24 hours to set up the first one (it works once):');
    lines.push(`  ${setup.url}`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Tandem server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
