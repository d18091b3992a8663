import type { FileConfig } from '../config/file.ts';
import { intakeText, type Registry } from '../intake/validate.ts';
import type { RequestInfo, Verdict } from '../sdk/command.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { CheckGate } from './check-policy.ts';

/** One check's verdict in a checklist run, named by its command line (`health drop`). */
export interface CheckResult extends Verdict {
  check: string;
  ms: number;
}

export interface RunChecksInput {
  checks: string[];
  timeoutMs: number;
  registry: Registry;
  targets: FileConfig['targets'];
  ports: Ports;
  incidents: IncidentsPort;
  request: RequestInfo;
  /** The check's own command policy, for the checklist's requester; absent: not checked. */
  gate?: CheckGate;
}

/**
 * Runs every check at once, each under its own timeout: a slow or broken check becomes ✗ with the
 * reason, and never holds back the others or the digest. Results come back in the listed order.
 */
export function runChecks(input: RunChecksInput): Promise<CheckResult[]> {
  return Promise.all(input.checks.map((check) => runCheck(check, input)));
}

async function runCheck(check: string, input: RunChecksInput): Promise<CheckResult> {
  const started = performance.now();
  const done = (verdict: Verdict): CheckResult => ({
    check,
    ...verdict,
    reason: oneLine(verdict.reason),
    ms: Math.round(performance.now() - started),
  });
  const intake = intakeText(check, input.registry, input.targets);
  if (intake.kind !== 'valid' || !intake.command.check)
    return done({ status: 'fail', reason: 'not a check opsbot knows (see the config)' });
  const command = intake.command;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Verdict>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'fail', reason: `timed out after ${seconds(input.timeoutMs)}` }),
      input.timeoutMs,
    );
  });
  try {
    // The policy lookup (a Slack user group may be fetched) counts against the check's timeout.
    const verdict = (async (): Promise<Verdict> => {
      const refused = await input.gate?.(input.request, command, intake.environment);
      if (refused) return { status: 'fail', reason: refused };
      return command.check!({
        args: intake.args,
        request: input.request,
        targets: input.targets,
        ports: input.ports,
        incidents: input.incidents,
      });
    })();
    return done(await Promise.race([verdict, timeout]));
  } catch (error) {
    return done({ status: 'fail', reason: `check failed: ${(error as Error).message}` });
  } finally {
    clearTimeout(timer);
  }
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
