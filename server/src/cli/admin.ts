import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { connectDatabase, migrateToLatest } from '../db/connect.js';
import { createSetupLink } from '../programme/invitations.js';

const usage = `Usage: npm run admin -- create --email <email> --name <display name>

Prints a one-time link (valid 24 hours) that creates an administrator with that email and
name: the person opens it, chooses a password, and is signed in. Uses the same database as
the server (DATABASE_URL, or the SQLite file under DATA_DIR, default ./data).`;

/** `npm run admin -- create --email … --name …`: a set-up link from the shell, for servers without a terminal on the web. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (values.help || positionals[0] !== 'create') {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 64;
  }
  const parsed = z
    .object({
      email: z.string().trim().toLowerCase().email('--email must be an email address').max(254),
      name: z.string().trim().min(1, '--name must not be empty').max(80),
    })
    .safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => i.message).join('\n')}\n\n${usage}\n`);
    return 64;
  }
  const origin = new URL(env.PUBLIC_ORIGIN ?? `http://localhost:${env.PORT ?? 3000}`).origin;
  const db = connectDatabase(
    env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'sqlite', file: path.resolve(env.DATA_DIR ?? 'data', 'tandem.sqlite') },
  );
  try {
    await migrateToLatest(db);
    const existing = await db.selectFrom('users').select('id').where('email', '=', parsed.data.email).executeTakeFirst();
    if (existing) {
      process.stderr.write(`${parsed.data.email} has an account already.\n`);
      return 65;
    }
    const link = await createSetupLink(db, origin, { email: parsed.data.email, displayName: parsed.data.name });
    process.stdout.write(
      `Administrator set-up link for ${parsed.data.name} <${parsed.data.email}> (works once, until ${link.expiresAt}):\n${link.url}\n`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
