import fs from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { catalogues, errorText, i18n, pickLanguage } from './index';

/** "a.b.c" → text, for every leaf of a catalogue. */
function flatten(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v as object, key)) out.set(kk, vv);
  }
  return out;
}
const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

describe('the catalogues', () => {
  const english = flatten(en);
  const french = flatten(fr);

  it('have the same keys in English and French, none empty', () => {
    expect([...french.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [lang, table] of [
      ['en', english],
      ['fr', french],
    ] as const)
      for (const [key, text] of table) expect(text.trim(), `${lang}: ${key}`).not.toBe('');
  });

  it('use the same {{variables}} and markup in both languages', () => {
    for (const [key, text] of english) {
      expect(variables(french.get(key) ?? ''), key).toEqual(variables(text));
      expect(tags(french.get(key) ?? ''), key).toEqual(tags(text));
    }
  });

  it('give every plural both its "one" and "other" forms, and French its "many" through "other"', () => {
    for (const table of [english, french])
      for (const key of table.keys()) if (key.endsWith('_one')) expect(table.has(key.replace(/_one$/, '_other')), key).toBe(true);
    const t = i18n.getFixedT('fr');
    expect(t('call.newMessages', { count: 1 })).toBe('1 nouveau message');
    expect(t('call.newMessages', { count: 2 })).toBe('2 nouveaux messages');
    expect(t('call.newMessages', { count: 1_000_000 })).toBe('1000000 nouveaux messages');
    expect(i18n.getFixedT('en')('call.newMessages', { count: 0 })).toBe('0 new messages');
  });

  it('are complete: no French text is left equal to the English one but names and symbols', () => {
    const same = [...english].filter(([key, text]) => french.get(key) === text && /[a-z]{3}/i.test(text.replace(/\{\{\w+\}\}/g, '')));
    // Words that are the same in both languages.
    const allowed = new Set([
      ...['app.name', 'languages.en', 'languages.fr', 'header.role.mentor', 'header.role.admin', 'goals.owners.mentor'],
      ...['notes.region', 'notes.tools.code', 'review.notes', 'review.kinds.note', 'call.tabs.notes', 'call.shortTabs.notes'],
      ...['time.minutes_one', 'time.minutes_other', 'time.hoursMinutes'],
      ...['header.programme', 'programme.title', 'programme.tabs.invitations', 'programme.audit.system', 'programme.pairs.mentor'],
      ...['week.messages', 'week.thread', 'projects.versions', 'after.engagement', 'charts.minutes'],
    ]);
    expect(same.map(([k]) => k).filter((k) => !allowed.has(k))).toEqual([]);
    expect(Object.keys(catalogues).sort()).toEqual(['en', 'fr']);
  });
});

describe('the language', () => {
  it('is the stored choice, else the browser’s first language Tandem speaks, else English', () => {
    expect(pickLanguage('fr', ['en-US'])).toBe('fr');
    expect(pickLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage('xx', ['de-DE'])).toBe('en');
  });

  it('translates server errors by their code', async () => {
    await i18n.changeLanguage('fr');
    expect(errorText({ code: 'INVALID_CREDENTIALS', message: 'Wrong email or password.' })).toBe('E-mail ou mot de passe incorrect.');
    expect(errorText({ code: 'SOMETHING_NEW' as 'INTERNAL', message: 'As the server says.' })).toBe('As the server says.');
    await i18n.changeLanguage('en');
  });
});

// ---- No text in the client's markup but through the catalogues ----

type Node = { type: string; [k: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

function* walk(node: Node, parent: Node | null, grandparent: Node | null): Generator<[Node, Node | null, Node | null]> {
  yield [node, parent, grandparent];
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) if (isNode(child)) yield* walk(child, node, parent);
    if (isNode(value)) yield* walk(value, node, parent);
  }
}

/** A string or template literal's text parts. */
function literalText(node: Node): string | null {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return (node.quasis as Node[]).map((q) => String((q.value as { raw: string }).raw)).join('…');
  return null;
}

/** Attributes people read or hear. */
const SPOKEN = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label']);
const hasWords = (s: string) => /\p{L}{2,}/u.test(s);

function untranslated(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  const { program, errors } = parseSync(file, code);
  expect(errors, file).toEqual([]);
  const found: string[] = [];
  const where = (n: Node) => `${path.relative(process.cwd(), file)}:${code.slice(0, Number(n.start)).split('\n').length}`;
  for (const [node, parent, grandparent] of walk(program as unknown as Node, null, null)) {
    if (node.type === 'JSXText' && hasWords(String(node.value))) found.push(`${where(node)} text “${String(node.value).trim()}”`);
    const attribute = (n: Node | null) => (n?.type === 'JSXAttribute' ? String((n.name as Node).name) : null);
    // name="Text", or name={'Text'} / name={`Text`}, on attributes people read or hear.
    if (node.type === 'JSXAttribute' && node.value && SPOKEN.has(attribute(node) ?? '')) {
      const text = literalText(node.value as Node);
      if (text !== null && hasWords(text)) found.push(`${where(node)} ${attribute(node)}="${text}"`);
    }
    if (parent?.type === 'JSXExpressionContainer') {
      const text = literalText(node);
      const inAttribute = attribute(grandparent);
      if (text !== null && hasWords(text) && (inAttribute === null ? true : SPOKEN.has(inAttribute)))
        found.push(`${where(node)} {${text}}`);
    }
  }
  return found;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.tsx') && !e.name.includes('.test.') ? [full] : [];
  });
}

describe('the client’s markup', () => {
  const files = sources(path.join(import.meta.dirname, '..'));

  it('has every text a person sees or hears through the catalogues', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(files.flatMap(untranslated)).toEqual([]);
  });

  it('is checked by a scan that catches a forgotten string', () => {
    const probe = path.join(import.meta.dirname, '__probe.tsx');
    fs.writeFileSync(probe, 'export const P = () => <p title="Hello there">Sign in {"now please"}</p>;\n');
    try {
      expect(untranslated(probe)).toHaveLength(3);
    } finally {
      fs.rmSync(probe);
    }
  });
});
