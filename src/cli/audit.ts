import { readFile } from 'node:fs/promises';
import { AnchorCheck, parseAnchors } from '../audit/anchors.ts';
import { JsonlProblem, parseJsonl } from '../audit/jsonl.ts';
import { type ChainReport, describeReport, verifyEntries } from '../audit/verify.ts';

const USAGE =
  'usage: opsbot audit verify --file <export.jsonl> [--head <hash>] [--anchors <file with the anchor posts>]';

async function anchorsFrom(path: string): Promise<AnchorCheck> {
  const found = parseAnchors(await readFile(path, 'utf8'));
  return found.length
    ? new AnchorCheck(found)
    : new AnchorCheck([], `no "opsbot-audit-anchor seq=… hash=…" line in ${path}`);
}

/**
 * Verifies an export file offline (no AWS, no Slack). `head`: a head hash recorded elsewhere.
 * `anchorsPath`: a file holding the audit channel's anchor posts (copied text or a Slack export):
 * every `opsbot-audit-anchor seq=… hash=…` line in it is checked, and an export that ends before
 * an anchor's seq is reported as truncated (give the anchors posted up to the export's end).
 */
export async function verifyExportFile(
  path: string,
  head?: string,
  anchorsPath?: string,
): Promise<ChainReport> {
  const text = await readFile(path, 'utf8');
  const anchors = anchorsPath ? await anchorsFrom(anchorsPath) : undefined;
  const report = await verifyEntries(parseJsonl(text), undefined, anchors);
  if (report.ok && head && report.head?.hash !== head) {
    const seq = report.head?.seq ?? 0;
    return {
      ok: false,
      count: report.count,
      seq,
      problem: 'link',
      reason: `seq ${seq}: the file's head hash ${report.head?.hash ?? 'none'} is not the expected ${head} (entries were changed, added or cut off)`,
    };
  }
  return report;
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** `opsbot audit verify --file export.jsonl`: exit 0 when the chain holds, 1 when broken, 2 on misuse. */
export async function runAuditCli(args: string[]): Promise<void> {
  const file = option(args, '--file');
  if (args[0] !== 'verify' || !file) {
    console.error(USAGE);
    process.exit(2);
  }
  let report: ChainReport;
  try {
    report = await verifyExportFile(file, option(args, '--head'), option(args, '--anchors'));
  } catch (error) {
    if (error instanceof JsonlProblem) {
      console.error(`${file}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  console.log(describeReport(report));
  process.exit(report.ok ? 0 : 1);
}
