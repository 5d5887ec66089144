import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { noteToHtml, noteToJSON, noteToMarkdown, noteToText, safeHref } from './render.js';
import { writeTemplate } from './template.js';

function sampleDoc(): Y.Doc {
  const doc = new Y.Doc();
  writeTemplate(doc, ['Check-in', 'Notes']);
  const fragment = doc.getXmlFragment('default');
  const para = fragment.get(1) as Y.XmlElement;
  const text = new Y.XmlText();
  para.insert(0, [text]);
  text.insert(0, 'Shipped ');
  text.insert(8, 'the page', { bold: {} });
  text.insert(16, ' <script>alert(1)</script> ', { bold: null });
  text.insert(text.length, 'docs', { link: { href: 'https://example.org/a b' } });
  text.insert(text.length, ' bad', { link: { href: 'javascript:alert(1)' } });
  const list = new Y.XmlElement('taskList');
  const item = new Y.XmlElement('taskItem');
  item.setAttribute('checked', true as unknown as string);
  const itemPara = new Y.XmlElement('paragraph');
  itemPara.insert(0, [new Y.XmlText('Write tests')]);
  item.insert(0, [itemPara]);
  list.insert(0, [item]);
  fragment.insert(fragment.length, [list]);
  return doc;
}

describe('note rendering', () => {
  it('turns the Yjs note into ProseMirror JSON', () => {
    const json = noteToJSON(sampleDoc());
    expect(json.type).toBe('doc');
    expect(json.content?.[0]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Check-in' }] });
    expect(json.content?.[1]?.content?.[1]).toEqual({ type: 'text', text: 'the page', marks: [{ type: 'bold' }] });
  });

  it('renders sanitised HTML: text escaped, unsafe links dropped', () => {
    const html = noteToHtml(noteToJSON(sampleDoc()));
    expect(html).toContain('<h2>Check-in</h2>');
    expect(html).toContain('<strong>the page</strong>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<a href="https://example.org/a b" rel="noopener noreferrer nofollow">docs</a>');
    expect(html).not.toContain('javascript:');
    expect(noteToHtml(noteToJSON(sampleDoc()), 1)).toContain('<h3>Check-in</h3>');
    // The checkbox is named by its task's text.
    expect(html).toMatch(
      /<li data-checked="true"><input type="checkbox" disabled checked aria-labelledby="(task-\d+)"> <div id="\1"><p>Write tests<\/p><\/div><\/li>/,
    );
  });

  it('renders Markdown and plain text', () => {
    const json = noteToJSON(sampleDoc());
    const md = noteToMarkdown(json);
    expect(md).toContain('## Check-in');
    expect(md).toContain('Shipped **the page** \\<script\\>alert\\(1\\)\\</script\\> [docs](https://example.org/a%20b) bad');
    expect(md).toContain('- [x] Write tests');
    expect(noteToText(json).split('\n')).toEqual([
      'Check-in',
      'Shipped the page <script>alert(1)</script> docs bad',
      'Notes',
      'Write tests',
    ]);
  });

  it('accepts only http, https and mailto links', () => {
    expect(safeHref('https://a.b')).toBe('https://a.b');
    expect(safeHref('mailto:x@y.z')).toBe('mailto:x@y.z');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' JavaScript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
  });
});
