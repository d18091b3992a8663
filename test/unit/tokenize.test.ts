import { describe, expect, it } from 'vitest';
import { closest } from '../../src/intake/suggest.ts';
import { SyntaxProblem, tokenize } from '../../src/intake/tokenize.ts';

describe('tokenize', () => {
  it('splits positional, key=value and flags, keeping quoted values whole', () => {
    expect(tokenize('revoke-connection c-9 reason="leaked in a ticket" --plan')).toEqual({
      command: 'revoke-connection',
      positional: ['c-9'],
      named: { reason: 'leaked in a ticket' },
      flags: ['plan'],
    });
  });

  it("accepts Slack's curly quotes", () => {
    expect(tokenize('note “disk full on db-1”').positional).toEqual(['disk full on db-1']);
  });

  it('refuses an unclosed quote and a key given twice', () => {
    expect(() => tokenize('note "oops')).toThrow(SyntaxProblem);
    expect(() => tokenize('promote a 1 alias=prod alias=dev')).toThrow('alias is given twice');
  });

  it('suggests the closest command names', () => {
    expect(closest('promot', ['promote', 'rollback', 'restart'])).toEqual(['promote']);
    expect(closest('zzzzzzzz', ['promote'])).toEqual([]);
  });
});
