import { Agent, request } from 'node:http';
import { commandForm, SignedSlackClient } from '../../src/dev/signed-client.ts';

/**
 * Sends signed slash commands over kept-alive connections with `node:http`, one socket per lane.
 * The bodies and signatures are Slack's (`commandForm`, `SignedSlackClient.sign`); only the
 * transport is leaner than `fetch`, whose own CPU per request was as large as a Bolt app's ack
 * and so set the pace of the whole measurement on a 2-core machine.
 */
export class SlashSender {
  private readonly agent: Agent;
  private readonly signer: SignedSlackClient;
  private readonly url: URL;

  constructor(baseUrl: string, signingSecret: string, concurrency: number) {
    this.url = new URL('/slack/events', baseUrl);
    this.signer = new SignedSlackClient(baseUrl, signingSecret);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** Sends one command and resolves with the HTTP status once the ack's body has arrived. */
  send(text: string, user: { id: string }, triggerId: string): Promise<number> {
    const body = commandForm(text, user, { triggerId });
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      ...this.signer.sign(body),
    };
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'POST', agent: this.agent, headers }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(body);
    });
  }

  close() {
    this.agent.destroy();
  }
}
