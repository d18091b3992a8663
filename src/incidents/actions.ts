import type { AuditSink } from '../audit/sink.ts';
import type { AlertsConfig } from '../config/alerts.ts';
import type { FileConfig } from '../config/file.ts';
import { SyntaxProblem } from '../intake/tokenize.ts';
import { type Registry, validateArgs } from '../intake/validate.ts';
import type { SubmitRequest } from '../requests/submit.ts';
import { escapeText, user } from '../slack/blocks/format.ts';
import { simple } from '../slack/blocks/replies.ts';
import type { MessageContent } from '../slack/blocks/types.ts';
import { own } from '../util/own.ts';
import { escalatedReply, resolvedReply, slackDate } from './render.ts';
import { mappingMatches, parseRunbookValue } from './runbooks.ts';
import type { IncidentService } from './service.ts';
import type { IncidentStore } from './store.ts';
import { type FilledCommand, fillTemplate } from './templates.ts';

export interface IncidentActionsDeps {
  store: IncidentStore;
  service: IncidentService;
  config: AlertsConfig;
  file: FileConfig;
  registry: Registry;
  submit: SubmitRequest;
  audit: AuditSink;
  isMember: IsMember;
}

/** Whether `user` is in any of the groups `names` (a Slack user group is fetched fresh). */
export type IsMember = (user: string, names: string[]) => Promise<boolean>;

export interface Clicker {
  user: string;
  triggerId: string;
}

const UNKNOWN = simple(
  ':warning: opsbot does not know this incident (it may have expired). Nothing was changed.',
);

/** What the incident buttons do. Each returns a private reply for the clicker, or nothing. */
export class IncidentActions {
  constructor(private readonly deps: IncidentActionsDeps) {}

  async acknowledge(id: string, who: Clicker): Promise<MessageContent | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'acknowledge');
    if (refused) return refused;
    const incident = await this.deps.store.get(id);
    if (!incident) return UNKNOWN;
    if (incident.status !== 'open') return simple('This incident is already resolved.');
    if (!(await this.deps.store.claim(id, 'acked_by', who.user)))
      return simple(`Already acknowledged by ${user(incident.ackedBy ?? '')}.`);
    await this.deps.store.set(id, { acked_at: Date.now() });
    this.deps.audit.append({
      action: 'incident.acknowledged',
      actor: who.user,
      data: { incident_id: id, key: incident.key },
    });
    this.deps.service.editParent(id);
    return undefined;
  }

  async resolve(id: string, who: Clicker): Promise<MessageContent | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'resolve');
    if (refused) return refused;
    if (!(await this.deps.store.get(id))) return UNKNOWN;
    if (!(await this.deps.store.resolveByHand(id, who.user)))
      return simple('This incident is already resolved.');
    const incident = (await this.deps.store.get(id))!;
    this.deps.audit.append({
      action: 'incident.resolved',
      actor: who.user,
      data: { incident_id: id, key: incident.key, count: incident.count },
    });
    this.deps.service.editParent(id);
    this.deps.service.reply(incident, resolvedReply(incident));
    return undefined;
  }

  async escalate(id: string, who: Clicker): Promise<MessageContent | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'escalate');
    if (refused) return refused;
    const incident = await this.deps.store.get(id);
    if (!incident) return UNKNOWN;
    const mention = this.oncallMention();
    if (!mention)
      return simple(
        ':warning: No on-call group is configured (`alerts.oncall_group`); nobody was paged.',
      );
    const windowMinutes = this.deps.config.escalate_window_minutes;
    const claim = await this.deps.store.takeEscalation(id, who.user, windowMinutes * 60_000);
    if (!claim.taken)
      return simple(
        `Already escalated by ${user(claim.by)} at ${slackDate(claim.at)}; nobody was paged again (one page per incident per ${windowMinutes} min, \`alerts.escalate_window_minutes\`).`,
      );
    this.deps.audit.append({
      action: 'incident.escalated',
      actor: who.user,
      data: { incident_id: id, key: incident.key, group: this.deps.config.oncall_group },
    });
    this.deps.service.editParent(id);
    this.deps.service.reply(incident, escalatedReply(who.user, mention));
    return undefined;
  }

  /** A runbook button: looks the command up on the server, validates it, and submits a request. */
  async runbook(value: string, who: Clicker): Promise<MessageContent | undefined> {
    const ref = parseRunbookValue(value);
    if (!ref) return simple(':warning: That button is not one opsbot made. Nothing was run.');
    const incident = await this.deps.store.get(ref.incidentId);
    if (!incident) return UNKNOWN;
    const mapping = this.deps.config.runbooks.find((m) => m.name === ref.mapping);
    const button = mapping?.buttons[ref.index];
    if (!mapping || !button || !mappingMatches(mapping, incident.alert))
      return simple(
        ':warning: That runbook is no longer configured for this incident. Nothing was run.',
      );
    if (button.runbook !== undefined) {
      // A guided runbook: the `runbook` command starts it, and its card lives in the incident thread.
      await this.deps.submit({
        submissionKey: `incident-${who.triggerId}`,
        command: 'runbook',
        args: { line: `start ${button.runbook}` },
        environment: 'default',
        requester: who.user,
        channel: incident.channel,
        ...(incident.ts ? { threadTs: incident.ts } : {}),
        source: 'button',
      });
      return undefined;
    }
    // Values from the alert ({{labels.source_ip}}) fill argument values only, then face the
    // command's own argument schema below: nothing is queued unless they pass.
    const commandLine = button.command ?? '';
    let filled: FilledCommand;
    try {
      filled = fillTemplate(commandLine, incident.alert);
    } catch (error) {
      if (error instanceof SyntaxProblem)
        return simple(`:warning: The runbook command cannot be read: ${escapeText(error.message)}`);
      throw error;
    }
    if (!filled.ok)
      return simple(
        `:warning: The runbook \`${escapeText(commandLine)}\` cannot use this alert: ${escapeText(filled.problem)}. Nothing was run.`,
      );
    const line = filled.line;
    const command = this.deps.registry.find(line.command);
    if (!command)
      return simple(
        `:warning: \`${escapeText(line.command)}\` is not available on this opsbot yet. Nothing was run.`,
      );
    const intake = validateArgs(command, line, this.deps.file.targets);
    if (intake.kind !== 'valid') {
      const problems =
        intake.kind === 'invalid'
          ? intake.problems.map((p) => `\`${escapeText(p.field)}\`: ${escapeText(p.message)}`)
          : ['arguments missing'];
      return simple(
        `:warning: The runbook \`${escapeText(commandLine)}\` is not valid here: ${problems.join('; ')}. Nothing was run.`,
      );
    }
    // The request card and the run report into the incident thread, in whichever channel it is.
    await this.deps.submit({
      submissionKey: `incident-${who.triggerId}`,
      command: command.name,
      args: intake.args,
      environment: intake.environment,
      requester: who.user,
      channel: incident.channel,
      ...(incident.ts ? { threadTs: incident.ts } : {}),
      source: 'button',
    });
    return undefined;
  }

  /** Acknowledge, Resolve and Escalate are for `alerts.responders` only (finding 6 of issue 16). */
  private async refuseUnlessResponder(
    who: Clicker,
    verb: string,
  ): Promise<MessageContent | undefined> {
    const groups = this.deps.config.responders;
    if (await this.deps.isMember(who.user, groups)) return undefined;
    return simple(
      `:no_entry: Only members of ${groups.join(' or ')} (\`alerts.responders\`) may ${verb} incidents. Nothing changed.`,
    );
  }

  private oncallMention(): string | undefined {
    const name = this.deps.config.oncall_group;
    const group = name ? own(this.deps.file.groups, name) : undefined;
    if (!group) return undefined;
    return 'usergroup' in group
      ? `<!subteam^${group.usergroup}>`
      : group.users.map((u) => `<@${u}>`).join(' ');
  }
}
