// ── files in a Git repository: the GitHub contents API ─────────────────────────────────────────────

export interface RepoFileRef {
  apiUrl: string;
  /** `owner/name`. */
  repo: string;
  path: string;
  branch: string;
  /** Secrets Manager id of the token; the token never leaves the adapter. */
  tokenSecret: string;
  region?: string;
}

export interface RepoFilesPort {
  /**
   * Appends a line to a file (created when missing) with one commit: GET the file for its sha,
   * PUT the new content with that sha. A line already in the file is not added again (a retried
   * run). A sha that changed meanwhile (409) is read again.
   */
  appendLine(
    file: RepoFileRef,
    input: { line: string; message: string },
  ): Promise<{ commit?: string; already: boolean }>;
}
