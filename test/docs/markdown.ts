/** The fenced code blocks of a Markdown text, with their info strings read as docs/contributing.md says. */
export interface Block {
  file: string;
  /** The line of the opening fence, counting from 1. */
  line: number;
  /** The whole info string, and its first word. */
  info: string;
  language: string;
  /** The words after the language: `needs=docker`, `skip="why"`, or a bare word such as `setup`. */
  attributes: Record<string, string | undefined>;
  text: string;
}

function attributesOf(words: string): Record<string, string | undefined> {
  const attributes: Record<string, string | undefined> = {};
  for (const [, name, quoted, bare] of words.matchAll(/([\w-]+)(?:="([^"]*)"|=(\S*))?/g)) attributes[name!] = quoted ?? bare ?? '';
  return attributes;
}

export function fencedBlocks(markdown: string, file: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[index]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim();
    const end = lines.findIndex((line, at) => at > index && line.startsWith(fence) && line.slice(fence.length).trim() === '');
    if (end === -1) throw new Error(`${file}:${index + 1}: a code block is never closed`);
    const [language = '', ...rest] = info.split(/\s+/);
    blocks.push({ file, line: index + 1, info, language, attributes: attributesOf(rest.join(' ')), text: `${lines.slice(index + 1, end).join('\n')}\n` });
    index = end;
  }
  return blocks;
}
