/**
 * Text written by people, made inert in Markdown: every character a renderer could read as
 * markup (emphasis, links, images, raw HTML, entities, tables) is backslash-escaped and line
 * breaks become spaces, so a title or a chat message stays one line of plain text.
 */
export const mdText = (s: string): string => s.replace(/\r?\n|\r/g, ' ').replace(/([\\`*_[\]{}()#<>|!&~])/g, '\\$1');

/** A fenced code block whose fence is longer than any backtick run inside it, so the content cannot close it. */
export function mdFence(content: string, indent = ''): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${indent}${fence}\n${content}\n${indent}${fence}`;
}

/** An inline code span that its content cannot close. */
export function mdCode(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks} ${content.replace(/\r?\n|\r/g, ' ')} ${ticks}`;
}
