// ── e-mail: SES v2 templated messages ────────────────────────────────────────────────────────────

export interface EmailPort {
  /** Sends one templated e-mail (SES v2 SendEmail with `Content.Template`). */
  sendTemplated(input: {
    from: string;
    to: string;
    template: string;
    data: Record<string, string>;
    region?: string;
  }): Promise<{ messageId: string }>;
}
