import * as Y from 'yjs';

/** The Y.XmlFragment Tiptap's Collaboration extension binds to. */
export const NOTE_FIELD = 'default';

/**
 * Writes the agenda into an empty note as ProseMirror-shaped Yjs content: a
 * level-2 heading per section followed by an empty paragraph. Done once, on
 * the server, so two clients opening a new note never both insert it.
 */
export function writeTemplate(
  doc: Y.Doc,
  sections: readonly string[],
  carriedTodos: readonly string[] = [],
  /** The pair's current project: linked under the agenda's project section ("Make progress on projects"). */
  project: { title: string; href: string } | null = null,
): void {
  const fragment = doc.getXmlFragment(NOTE_FIELD);
  const projectSection = project ? sections.findIndex((title) => /project|projet/i.test(title)) : -1;
  doc.transact(() => {
    const nodes: Y.XmlElement[] = [];
    sections.forEach((title, i) => {
      const heading = new Y.XmlElement('heading');
      heading.setAttribute('level', 2 as unknown as string);
      heading.insert(0, [new Y.XmlText(title)]);
      nodes.push(heading);
      // The first section (the check-in) opens with last week's unchecked to-dos, still unchecked.
      if (i === 0 && carriedTodos.length > 0) nodes.push(taskList(carriedTodos));
      if (i === projectSection && project) nodes.push(projectLine(project));
      nodes.push(new Y.XmlElement('paragraph'));
    });
    fragment.insert(0, nodes);
  });
}

/** A paragraph linking the current project (a Tiptap link mark on its title). */
function projectLine(project: { title: string; href: string }): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  text.insert(0, '→ ');
  text.insert(2, project.title, { link: { href: project.href, target: '_blank', rel: 'noopener noreferrer nofollow', class: null } });
  paragraph.insert(0, [text]);
  return paragraph;
}

/** A Tiptap task list of unchecked items. */
function taskList(items: readonly string[]): Y.XmlElement {
  const list = new Y.XmlElement('taskList');
  list.insert(
    0,
    items.map((text) => {
      const item = new Y.XmlElement('taskItem');
      item.setAttribute('checked', false as unknown as string);
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText(text)]);
      item.insert(0, [paragraph]);
      return item;
    }),
  );
  return list;
}

/** The note's plain text, one line per block (used by tests and, later, search). */
export function noteText(doc: Y.Doc): string {
  const lines: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment) => {
    if (node instanceof Y.XmlText) {
      lines[lines.length - 1] = (lines[lines.length - 1] ?? '') + node.toString().replace(/<[^>]+>/g, '');
      return;
    }
    if (node instanceof Y.XmlElement && !['listItem', 'taskItem'].includes(node.nodeName)) lines.push('');
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) walk(child);
    }
  };
  walk(doc.getXmlFragment(NOTE_FIELD));
  return lines.filter((l) => l !== '').join('\n');
}
