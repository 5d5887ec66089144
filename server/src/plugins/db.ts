import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { connectDatabase, migrateToLatest } from '../db/connect.js';
import type { Database } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

/** Opens the database, migrates it at start, closes it with the app. */
export default fp<{ database: Config['database'] }>(
  async (app, opts) => {
    const db = connectDatabase(opts.database);
    await migrateToLatest(db);
    app.decorate('db', db);
    app.addHook('onClose', async () => db.destroy());
  },
  { name: 'db' },
);
