import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REDIS_SERVER } from '../../scripts/lib/apt.mjs';
import { startRedisServer } from '../../scripts/lib/redis.mjs';
import { freePort } from './process.js';

/** True when a redis-server can be started here (the test command installs Debian's). */
export const haveRedis = fs.existsSync(process.env.TEST_REDIS_SERVER ?? REDIS_SERVER);

/** A throw-away Redis on loopback for one test, which it may stop and start again on the same port. */
export async function startRedis() {
  return startRedisServer({
    port: await freePort(),
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-redis-')),
    bin: process.env.TEST_REDIS_SERVER ?? REDIS_SERVER,
  });
}
