/** The words of an `/ops` command line: `<command> [positional …] [key=value …] [--flag …]`. */
export interface CommandLine {
  command: string;
  positional: string[];
  named: Record<string, string>;
  flags: string[];
}

export class SyntaxProblem extends Error {}

const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

/** Splits on whitespace, keeping quoted runs (straight or Slack's curly quotes) together. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let closing: string | undefined;
  for (const char of text) {
    if (closing !== undefined) {
      if (char === closing) closing = undefined;
      else current += char;
      continue;
    }
    const close = OPENING_QUOTES[char];
    if (close !== undefined) {
      closing = close;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (closing !== undefined) throw new SyntaxProblem(`a quote is not closed (expected ${closing})`);
  if (inWord) words.push(current);
  return words;
}

export function tokenize(text: string): CommandLine {
  const words = splitWords(text.trim());
  const [command = '', ...rest] = words;
  const line: CommandLine = {
    command: command.toLowerCase(),
    positional: [],
    named: Object.create(null),
    flags: [],
  };
  for (const word of rest) {
    if (word.startsWith('--') && word.length > 2) {
      line.flags.push(word.slice(2).toLowerCase());
      continue;
    }
    const equals = word.indexOf('=');
    if (equals > 0 && /^[A-Za-z_][\w-]*$/.test(word.slice(0, equals))) {
      const key = word.slice(0, equals).replace(/-/g, '_');
      if (Object.hasOwn(line.named, key)) throw new SyntaxProblem(`${key} is given twice`);
      line.named[key] = word.slice(equals + 1);
      continue;
    }
    line.positional.push(word);
  }
  return line;
}
