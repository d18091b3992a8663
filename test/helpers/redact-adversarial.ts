import fc from 'fast-check';

/**
 * Pieces that make redaction rules backtrack: separators, name characters, rule prefixes and
 * quotes. Repeating a few of them gives the strings a regular expression finds hardest.
 */
export const ADVERSARIAL_PIECES = [
  'token.',
  'token',
  'password',
  'api-key',
  '.',
  '-',
  '_',
  '=',
  ':',
  ' ',
  '"',
  "'",
  '\\"',
  '@',
  '/',
  '://',
  'a',
  'A',
  '0',
  '+',
  'eyJ',
  'eyJa.',
  'xoxb-',
  'Bearer ',
  'Basic ',
  'Authorization: ',
  '-----BEGIN ',
  '-----END ',
  'PRIVATE KEY-----',
  'AIza',
  'ghp_',
  'sk_live_',
  'AKIA',
  '{"token":',
] as const;

/** The adversarial strings the issue reported: each took seconds on 6,000 characters. */
export const KNOWN_ADVERSARIAL = ['token.', 'password-', 'eyJ-', 'a.token_'] as const;

/** A short unit of 1 to 4 pieces; repeated, it is the adversarial line. */
export const adversarialUnit = fc
  .array(fc.constantFrom(...ADVERSARIAL_PIECES), { minLength: 1, maxLength: 4 })
  .map((pieces) => pieces.join(''));

/** `unit` repeated to exactly `chars` characters. */
export function repeatTo(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}
