import type { EmailPort } from '../../sdk/ports/index.ts';

/** One e-mail the sandbox "sent": SES v2 SendEmail's fields, kept in memory. */
export interface SandboxEmailSent {
  messageId: string;
  from: string;
  to: string;
  template: string;
  data: Record<string, string>;
}

/**
 * SANDBOX e-mail: SES v2 `SendEmail` with a template, answered with a message id and kept in
 * memory (`sent`); nothing is delivered. The duckling notes of rotate-key, revoke-connection and
 * expire-cert can be clicked through in local mode.
 */
export function sandboxEmail(): EmailPort & { sent: SandboxEmailSent[] } {
  const sent: SandboxEmailSent[] = [];
  return {
    sent,
    async sendTemplated({ from, to, template, data }) {
      const messageId = `sandbox-${String(sent.length + 1).padStart(6, '0')}`;
      sent.push({ messageId, from, to, template, data });
      return { messageId };
    },
  };
}
