import * as Y from 'yjs';
import { mdCode, mdFence, mdText } from '../lib/markdown.js';
import { NOTE_FIELD } from './template.js';

/** Ids for task items, unique within a page however many records it shows. */
let taskIds = 0;

/** A ProseMirror node as JSON (what Tiptap's getJSON() gives). */
export interface PMNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PMNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** The note's Yjs fragment as ProseMirror JSON, the shape y-prosemirror binds (node name = type, attributes = attrs). */
export function noteToJSON(doc: Y.Doc): PMNode {
  const convert = (node: Y.XmlElement | Y.XmlText): PMNode[] => {
    if (node instanceof Y.XmlText) {
      const delta = node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
      return delta
        .filter((d): d is { insert: string; attributes?: Record<string, unknown> } => typeof d.insert === 'string' && d.insert.length > 0)
        .map((d) => {
          const marks = Object.entries(d.attributes ?? {}).map(([type, attrs]) =>
            attrs && typeof attrs === 'object' && Object.keys(attrs).length > 0
              ? { type, attrs: attrs as Record<string, unknown> }
              : { type },
          );
          return marks.length > 0 ? { type: 'text', text: d.insert, marks } : { type: 'text', text: d.insert };
        });
    }
    const attrs = node.getAttributes() as Record<string, unknown>;
    const content = node.toArray().flatMap((c) => (c instanceof Y.XmlElement || c instanceof Y.XmlText ? convert(c) : []));
    return [{ type: node.nodeName, ...(Object.keys(attrs).length > 0 ? { attrs } : {}), ...(content.length > 0 ? { content } : {}) }];
  };
  const content = doc
    .getXmlFragment(NOTE_FIELD)
    .toArray()
    .flatMap((c) => (c instanceof Y.XmlElement || c instanceof Y.XmlText ? convert(c) : []));
  return { type: 'doc', content };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Only these link targets survive: no javascript:, data: or other schemes. */
export function safeHref(href: unknown): string | null {
  if (typeof href !== 'string') return null;
  try {
    const url = new URL(href, 'https://placeholder.invalid');
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? href : null;
  } catch {
    return null;
  }
}

const blockTags: Record<string, string> = {
  paragraph: 'p',
  blockquote: 'blockquote',
  bulletList: 'ul',
  orderedList: 'ol',
  listItem: 'li',
  horizontalRule: 'hr',
};

/**
 * Sanitised HTML by construction: only known nodes and marks become tags,
 * every text and attribute is escaped, links keep safe schemes only. Anything
 * unknown is reduced to its text. `headingOffset` nests the note's headings
 * under a page's own (the record shows them below its "Notes" heading).
 */
export function noteToHtml(node: PMNode, headingOffset = 0): string {
  const children = () => (node.content ?? []).map((c) => noteToHtml(c, headingOffset)).join('');
  switch (node.type) {
    case 'doc':
      return children();
    case 'text': {
      let html = escapeHtml(node.text ?? '');
      for (const mark of node.marks ?? []) {
        if (mark.type === 'bold') html = `<strong>${html}</strong>`;
        else if (mark.type === 'italic') html = `<em>${html}</em>`;
        else if (mark.type === 'code') html = `<code>${html}</code>`;
        else if (mark.type === 'strike') html = `<s>${html}</s>`;
        else if (mark.type === 'underline') html = `<u>${html}</u>`;
        else if (mark.type === 'link') {
          const href = safeHref(mark.attrs?.href);
          if (href) html = `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow">${html}</a>`;
        }
      }
      return html;
    }
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 2) + headingOffset);
      return `<h${level}>${children()}</h${level}>`;
    }
    case 'hardBreak':
      return '<br>';
    case 'codeBlock':
      return `<pre><code>${children()}</code></pre>`;
    case 'taskList':
      return `<ul data-type="taskList">${children()}</ul>`;
    case 'taskItem': {
      const checked = node.attrs?.checked === true || node.attrs?.checked === 'true';
      // The checkbox is named by its task's text (an unnamed checkbox says nothing to a screen reader).
      const id = `task-${++taskIds}`;
      return `<li data-checked="${checked}"><input type="checkbox" disabled${checked ? ' checked' : ''} aria-labelledby="${id}"> <div id="${id}">${children()}</div></li>`;
    }
    default: {
      const tag = blockTags[node.type];
      if (tag === 'hr') return '<hr>';
      return tag ? `<${tag}>${children()}</${tag}>` : children();
    }
  }
}

/** The note as Markdown (GitHub flavour: task lists). */
export function noteToMarkdown(node: PMNode, indent = ''): string {
  const inline = (n: PMNode): string =>
    (n.content ?? [])
      .map((c) => {
        if (c.type === 'hardBreak') return '  \n';
        if (c.type !== 'text') return inline(c);
        let t = (c.marks ?? []).some((m) => m.type === 'code') ? mdCode(c.text ?? '') : mdText(c.text ?? '');
        for (const m of c.marks ?? []) {
          if (m.type === 'bold') t = `**${t}**`;
          else if (m.type === 'italic') t = `*${t}*`;
          else if (m.type === 'strike') t = `~~${t}~~`;
          else if (m.type === 'link') {
            const href = safeHref(m.attrs?.href);
            if (href) t = `[${t}](${href.replace(/[()\s]/g, encodeURIComponent)})`;
          }
        }
        return t;
      })
      .join('');
  const blocks = (n: PMNode, ind: string): string[] => {
    switch (n.type) {
      case 'doc':
        return (n.content ?? []).flatMap((c) => blocks(c, ind));
      case 'heading':
        return [`${'#'.repeat(Math.min(6, Math.max(1, Number(n.attrs?.level) || 2)))} ${inline(n)}`];
      case 'paragraph':
        return [`${ind}${inline(n)}`];
      case 'blockquote':
        return (n.content ?? []).flatMap((c) => blocks(c, ind)).map((l) => `> ${l}`);
      case 'codeBlock':
        return [mdFence((n.content ?? []).map((c) => c.text ?? '').join(''), ind)];
      case 'horizontalRule':
        return ['---'];
      case 'bulletList':
      case 'orderedList':
      case 'taskList':
        return [
          (n.content ?? [])
            .map((item, i) => {
              const bullet =
                n.type === 'orderedList' ? `${i + 1}.` : n.type === 'taskList' ? `- [${item.attrs?.checked === true ? 'x' : ' '}]` : '-';
              const [first = '', ...rest] = (item.content ?? []).flatMap((c) => blocks(c, `${ind}  `));
              return [`${ind}${bullet} ${first.trimStart()}`, ...rest].join('\n');
            })
            .join('\n'),
        ];
      default:
        return [`${ind}${inline(n)}`];
    }
  };
  return `${blocks(node, indent)
    .filter((b) => b.trim() !== '')
    .join('\n\n')}\n`;
}

/** The note's plain text, one block per line (for search and summaries). */
export function noteToText(node: PMNode): string {
  const lines: string[] = [];
  const walk = (n: PMNode) => {
    if (n.type === 'text') {
      lines[lines.length - 1] = (lines[lines.length - 1] ?? '') + (n.text ?? '');
      return;
    }
    if (['paragraph', 'heading', 'codeBlock'].includes(n.type)) lines.push('');
    for (const c of n.content ?? []) walk(c);
  };
  walk(node);
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}
