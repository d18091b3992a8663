import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailPort } from '../sdk/ports/index.ts';
import type { ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

/** SES v2 templated e-mail (`SendEmail` with `Content.Template`). */
export function emailAdapter(client: ClientFor<SESv2Client>): EmailPort {
  return {
    async sendTemplated({ from, to, template, data, region }) {
      const out = await awsCall(
        { action: 'ses:SendEmail', resource: `template ${template} from ${from}` },
        () =>
          client(region).send(
            new SendEmailCommand({
              FromEmailAddress: from,
              Destination: { ToAddresses: [to] },
              Content: { Template: { TemplateName: template, TemplateData: JSON.stringify(data) } },
            }),
          ),
      );
      return { messageId: out.MessageId ?? '' };
    },
  };
}
