import type { AuditSink } from '../audit/sink.ts';
import type { AlertsConfig } from '../config/alerts.ts';
import type { FileConfig } from '../config/file.ts';
import { SyntaxProblem } from '../intake/tokenize.ts';
import { type Registry, validateArgs } from '../intake/validate.ts';
import type { SubmitRequest } from '../requests/submit.ts';
import { date, mention } from '../sdk/output.ts';
import { own } from '../util/own.ts';
import type { Oncall, Refusal } from './notices.ts';
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
  /** Where the clicked button is: the message (`ts`) and, for a reply, its thread (`threadTs`). */
  message?: { channel: string; ts: string; threadTs?: string };
}

/**
 * The incident thread a button's request reports into: the parent's stored ts, or, in the moment
 * between the parent being posted and its ts being stored, the thread of the message clicked
 * (the parent itself or one of its replies) when it is in the incident's channel.
 */
function incidentThread(incident: { channel: string; ts?: string }, who: Clicker) {
  if (incident.ts) return incident.ts;
  if (who.message?.channel !== incident.channel) return undefined;
  return who.message.threadTs ?? who.message.ts;
}

const UNKNOWN: Refusal =
  ':warning: opsbot does not know this incident (it may have expired). Nothing was changed.';

/** What the incident buttons do. Each returns a refusal for the clicker alone, or nothing. */
export class IncidentActions {
  constructor(private readonly deps: IncidentActionsDeps) {}

  async acknowledge(id: string, who: Clicker): Promise<Refusal | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'acknowledge');
    if (refused) return refused;
    const incident = await this.deps.store.get(id);
    if (!incident) return UNKNOWN;
    if (incident.status !== 'open') return 'This incident is already resolved.';
    if (!(await this.deps.store.claim(id, 'acked_by', who.user)))
      return ['Already acknowledged by ', mention(incident.ackedBy ?? ''), '.'];
    await this.deps.store.set(id, { acked_at: Date.now() });
    this.deps.audit.append({
      action: 'incident.acknowledged',
      actor: who.user,
      data: { incident_id: id, key: incident.key },
    });
    this.deps.service.editParent(id);
    return undefined;
  }

  async resolve(id: string, who: Clicker): Promise<Refusal | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'resolve');
    if (refused) return refused;
    if (!(await this.deps.store.get(id))) return UNKNOWN;
    if (!(await this.deps.store.resolveByHand(id, who.user)))
      return 'This incident is already resolved.';
    const incident = (await this.deps.store.get(id))!;
    this.deps.audit.append({
      action: 'incident.resolved',
      actor: who.user,
      data: { incident_id: id, key: incident.key, count: incident.count },
    });
    this.deps.service.editParent(id);
    this.deps.service.reply(incident, { kind: 'resolved', incident });
    return undefined;
  }

  async escalate(id: string, who: Clicker): Promise<Refusal | undefined> {
    const refused = await this.refuseUnlessResponder(who, 'escalate');
    if (refused) return refused;
    const incident = await this.deps.store.get(id);
    if (!incident) return UNKNOWN;
    const oncall = this.oncall();
    if (!oncall)
      return ':warning: No on-call group is configured (`alerts.oncall_group`); nobody was paged.';
    const windowMinutes = this.deps.config.escalate_window_minutes;
    const claim = await this.deps.store.takeEscalation(id, who.user, windowMinutes * 60_000);
    if (!claim.taken)
      return [
        'Already escalated by ',
        mention(claim.by),
        ' at ',
        date(claim.at),
        `; nobody was paged again (one page per incident per ${windowMinutes} min, \`alerts.escalate_window_minutes\`).`,
      ];
    this.deps.audit.append({
      action: 'incident.escalated',
      actor: who.user,
      data: { incident_id: id, key: incident.key, group: this.deps.config.oncall_group },
    });
    this.deps.service.editParent(id);
    this.deps.service.reply(incident, { kind: 'escalated', by: who.user, oncall });
    return undefined;
  }

  /** A runbook button: looks the command up on the server, validates it, and submits a request. */
  async runbook(value: string, who: Clicker): Promise<Refusal | undefined> {
    const ref = parseRunbookValue(value);
    if (!ref) return ':warning: That button is not one opsbot made. Nothing was run.';
    const incident = await this.deps.store.get(ref.incidentId);
    if (!incident) return UNKNOWN;
    const mapping = this.deps.config.runbooks.find((m) => m.name === ref.mapping);
    const button = mapping?.buttons[ref.index];
    if (!mapping || !button || !mappingMatches(mapping, incident.alert))
      return ':warning: That runbook is no longer configured for this incident. Nothing was run.';
    const thread = incidentThread(incident, who);
    if (button.runbook !== undefined) {
      // A guided runbook: the `runbook` command starts it, and its card lives in the incident thread.
      await this.deps.submit({
        submissionKey: `incident-${who.triggerId}`,
        command: 'runbook',
        args: { line: `start ${button.runbook}` },
        environment: 'default',
        requester: who.user,
        channel: incident.channel,
        ...(thread ? { threadTs: thread } : {}),
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
        return `:warning: The runbook command cannot be read: ${error.message}`;
      throw error;
    }
    if (!filled.ok)
      return `:warning: The runbook \`${commandLine}\` cannot use this alert: ${filled.problem}. Nothing was run.`;
    const line = filled.line;
    const command = this.deps.registry.find(line.command);
    if (!command)
      return `:warning: \`${line.command}\` is not available on this opsbot yet. Nothing was run.`;
    const intake = validateArgs(command, line, this.deps.file.targets);
    if (intake.kind !== 'valid') {
      const problems =
        intake.kind === 'invalid'
          ? intake.problems.map((p) => `\`${p.field}\`: ${p.message}`)
          : ['arguments missing'];
      return `:warning: The runbook \`${commandLine}\` is not valid here: ${problems.join('; ')}. Nothing was run.`;
    }
    // The request card and the run report into the incident thread, in whichever channel it is.
    await this.deps.submit({
      submissionKey: `incident-${who.triggerId}`,
      command: command.name,
      args: intake.args,
      environment: intake.environment,
      requester: who.user,
      channel: incident.channel,
      ...(thread ? { threadTs: thread } : {}),
      source: 'button',
    });
    return undefined;
  }

  /** Acknowledge, Resolve and Escalate are for `alerts.responders` only (finding 6 of issue 16). */
  private async refuseUnlessResponder(who: Clicker, verb: string): Promise<Refusal | undefined> {
    const groups = this.deps.config.responders;
    if (await this.deps.isMember(who.user, groups)) return undefined;
    return `:no_entry: Only members of ${groups.join(' or ')} (\`alerts.responders\`) may ${verb} incidents. Nothing changed.`;
  }

  /** The configured on-call group, which an escalation pages. */
  private oncall(): Oncall | undefined {
    const name = this.deps.config.oncall_group;
    return name ? own(this.deps.file.groups, name) : undefined;
  }
}
