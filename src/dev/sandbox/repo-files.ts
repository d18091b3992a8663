import { createHash } from 'node:crypto';
import type { RepoFilesPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX Git files: the GitHub contents API's append (GET the file, PUT it with one more line) on
 * files kept in memory per repository, branch and path, so promote's and rollback's
 * `deploy_log.github` can be clicked through in local mode. A line already there is not added
 * again; each append is a commit with a made-up sha. No token is needed; nothing leaves the machine.
 */
export function sandboxRepoFiles(): RepoFilesPort & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    async appendLine(file, { line, message }) {
      const where = `${file.repo}@${file.branch}:${file.path}`;
      const before = files.get(where) ?? '';
      if (before.split('\n').includes(line)) return { already: true };
      const after = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n`;
      files.set(where, after);
      const commit = createHash('sha1').update(`${where}\n${message}\n${after}`).digest('hex');
      return { commit, already: false };
    },
  };
}
