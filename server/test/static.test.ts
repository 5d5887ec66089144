import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, closeTestApps } from './helpers.js';

afterEach(closeTestApps);

describe('serving the built client', () => {
  it('serves index.html for client routes, files as they are, and JSON 404s under /api', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-client-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tandem test</title>');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const app = await buildTestApp({ CLIENT_DIR: dir });

    const page = await app.inject({ method: 'GET', url: '/sessions/abc' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tandem test');
    expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).body).toBe('console.log(1)');
    const api = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
  });

  it('answers JSON 404s when no client is built', async () => {
    const app = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/sessions/abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});
