import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PermanentError, TransientError } from '../sdk/errors.ts';
import type { RepoFileRef, RepoFilesPort } from '../sdk/ports/index.ts';
import { arnRegion, type ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

/**
 * The GitHub REST contents API (`GET`/`PUT /repos/{owner}/{repo}/contents/{path}`) behind the
 * repo-files port. The token is read from Secrets Manager for each append and stays in memory.
 */

const TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

interface ContentsFile {
  sha: string;
  content?: string;
  encoding?: string;
}

export function githubContentsAdapter(secrets: ClientFor<SecretsManagerClient>): RepoFilesPort {
  async function token(file: RepoFileRef) {
    const out = await awsCall(
      {
        action: 'secretsmanager:GetSecretValue',
        resource: `secret ${file.tokenSecret} (GitHub token)`,
      },
      () =>
        secrets(arnRegion(file.tokenSecret) ?? file.region).send(
          new GetSecretValueCommand({ SecretId: file.tokenSecret }),
        ),
    );
    const value = out.SecretString?.trim();
    if (!value) {
      throw new PermanentError('github_token_missing', `secret ${file.tokenSecret} holds no token`);
    }
    return value;
  }

  async function call(
    file: RepoFileRef,
    bearer: string,
    init: { method: string; body?: unknown },
    query = '',
  ) {
    const path = file.path.split('/').map(encodeURIComponent).join('/');
    const url = `${file.apiUrl.replace(/\/$/, '')}/repos/${file.repo}/contents/${path}${query}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${bearer}`,
          'x-github-api-version': '2022-11-28',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch (error) {
      throw new TransientError(
        'github_unreachable',
        `could not reach GitHub (${file.apiUrl}): ${(error as Error).name}`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: response.status, json };
  }

  const where = (file: RepoFileRef) => `${file.repo}:${file.path} on ${file.branch}`;

  return {
    async appendLine(file, { line, message }) {
      const bearer = await token(file);
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const got = await call(
          file,
          bearer,
          { method: 'GET' },
          `?ref=${encodeURIComponent(file.branch)}`,
        );
        if (got.status !== 200 && got.status !== 404) {
          throw new PermanentError(
            'github_read_failed',
            `GitHub answered ${got.status} reading ${where(file)}: ${String((got.json as { message?: string })?.message ?? '')}`,
          );
        }
        const existing = got.status === 200 ? (got.json as ContentsFile) : undefined;
        const before = existing?.content
          ? Buffer.from(existing.content, 'base64').toString('utf8')
          : '';
        if (before.split('\n').includes(line)) return { already: true };
        const after = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${line}\n`;
        const put = await call(file, bearer, {
          method: 'PUT',
          body: {
            message,
            content: Buffer.from(after, 'utf8').toString('base64'),
            branch: file.branch,
            ...(existing ? { sha: existing.sha } : {}),
          },
        });
        if (put.status === 200 || put.status === 201) {
          const commit = (put.json as { commit?: { sha?: string } })?.commit?.sha;
          return { already: false, ...(commit ? { commit } : {}) };
        }
        // 409: the file changed since the GET (someone else committed); read it again.
        if (put.status !== 409) {
          throw new PermanentError(
            'github_write_failed',
            `GitHub answered ${put.status} writing ${where(file)}: ${String((put.json as { message?: string })?.message ?? '')}`,
          );
        }
      }
      throw new TransientError('github_conflict', `${where(file)} kept changing; retrying`);
    },
  };
}
