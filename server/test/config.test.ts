import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = { LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 'x'.repeat(32) };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults to a minimal valid environment', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3000);
    expect(config.publicOrigin).toBe('http://localhost:3000');
    expect(config.database.kind).toBe('sqlite');
    expect(config.livekit.tokenTtlSeconds).toBeLessThanOrEqual(900);
    expect(config.livekit.iceServers).toBeUndefined();
  });

  it('turns on cluster mode with REDIS_URL on PostgreSQL only, and gives a draining node a grace then', () => {
    expect(loadConfig(valid)).toMatchObject({ cluster: undefined, drainGraceMs: 0 });
    const pg = { ...valid, DATABASE_URL: 'postgres://tandem@127.0.0.1:5432/tandem' };
    expect(loadConfig({ ...pg, REDIS_URL: 'redis://127.0.0.1:6379', NODE_NAME: 'node-1' })).toMatchObject({
      cluster: { redisUrl: 'redis://127.0.0.1:6379', nodeName: 'node-1' },
      drainGraceMs: 3000,
    });
    expect(loadConfig({ ...pg, REDIS_URL: 'redis://127.0.0.1:6379', DRAIN_GRACE_SECONDS: '0' }).drainGraceMs).toBe(0);
    expect(problemsOf({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379' })[0]).toMatch(/REDIS_URL .*needs DATABASE_URL/);
    expect(problemsOf({ ...pg, REDIS_URL: 'http://127.0.0.1:6379' })[0]).toMatch(/^REDIS_URL must be a redis:\/\//);
    expect(problemsOf({ ...pg, REDIS_URL: 'redis://127.0.0.1:6379', NODE_NAME: 'a b' })[0]).toMatch(/^NODE_NAME /);
  });

  it('names every missing LiveKit variable', () => {
    const problems = problemsOf({});
    expect(problems.find((p) => p.startsWith('LIVEKIT_URL'))).toMatch(/required/);
    expect(problems.find((p) => p.startsWith('LIVEKIT_API_KEY'))).toMatch(/required/);
    expect(problems.find((p) => p.startsWith('LIVEKIT_API_SECRET'))).toMatch(/required/);
  });

  it('rejects a bad port with what it expects', () => {
    expect(problemsOf({ ...valid, PORT: 'abc' })[0]).toMatch(/^PORT .*integer.*"abc"/);
    expect(problemsOf({ ...valid, PORT: '70000' })[0]).toMatch(/^PORT /);
  });

  it('rejects a short secret without echoing it', () => {
    const [problem] = problemsOf({ ...valid, LIVEKIT_API_SECRET: 'short' });
    expect(problem).toMatch(/^LIVEKIT_API_SECRET must be at least 32 characters/);
    expect(problem).not.toContain('short"');
  });

  it('rejects a DATABASE_URL that is not PostgreSQL and a bad PUBLIC_ORIGIN', () => {
    expect(problemsOf({ ...valid, DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL must be a postgres:\/\//);
    expect(problemsOf({ ...valid, PUBLIC_ORIGIN: 'not a url' })[0]).toMatch(/^PUBLIC_ORIGIN /);
    expect(problemsOf({ ...valid, LIVEKIT_URL: 'ftp://x' })[0]).toMatch(/^LIVEKIT_URL /);
  });

  it('caps the token TTL at 15 minutes', () => {
    expect(problemsOf({ ...valid, LIVEKIT_TOKEN_TTL_SECONDS: '3600' })[0]).toMatch(/^LIVEKIT_TOKEN_TTL_SECONDS must be at most 900/);
  });

  it('parses ICE servers: none, JSON, or an error', () => {
    expect(loadConfig({ ...valid, LIVEKIT_ICE_SERVERS: 'none' }).livekit.iceServers).toEqual([]);
    expect(loadConfig({ ...valid, LIVEKIT_ICE_SERVERS: '[{"urls":"stun:127.0.0.1:3478"}]' }).livekit.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:3478' },
    ]);
    expect(problemsOf({ ...valid, LIVEKIT_ICE_SERVERS: '{oops' })[0]).toMatch(/^LIVEKIT_ICE_SERVERS must be "none" or a JSON array/);
  });

  it('derives allowed origins from PUBLIC_ORIGIN and ALLOWED_ORIGINS', () => {
    const config = loadConfig({ ...valid, PUBLIC_ORIGIN: 'https://tandem.example.org/', ALLOWED_ORIGINS: 'http://localhost:5173' });
    expect(config.allowedOrigins).toEqual(['https://tandem.example.org', 'http://localhost:5173']);
  });
});
