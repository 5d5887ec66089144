import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('never stores the password itself', async () => {
    const hash = await hashPassword('visible-secret');
    expect(hash).not.toContain('visible-secret');
  });

  it('treats malformed or hostile hashes as a mismatch instead of throwing', async () => {
    for (const stored of [
      '',
      'plain',
      'bcrypt$1$2$3$4$5',
      'scrypt$99999999$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAA',
      'scrypt$1024$8$1$$',
    ]) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });

  it('normalises Unicode so the same visible password matches', async () => {
    const hash = await hashPassword('caf\u00e9', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });
});
