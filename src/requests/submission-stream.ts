import type { Logger } from '../log.ts';
import { gaugeFrom, metrics } from '../metrics/metrics.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { sleep } from '../util/sleep.ts';
import { RequestNotices, type RequestRenderer } from './request-notices.ts';
import type { EnqueueSubmission, Submission } from './submission.ts';

/** The consumer group every worker reads submissions in (each submission goes to one worker). */
export const SUBMITTERS = 'submitters';

/**
 * The web role's whole share of a request after the ack: one `XADD` of the validated submission
 * onto the submissions stream. Policy, plan, request card and queueing happen in a worker
 * (`SubmissionConsumer`), so the process that answers Slack holds no AWS credentials and spends
 * one Redis write per command. If Redis refuses, the requester is told at once that nothing ran.
 */
export function createEnqueueSubmission(deps: {
  redis: Redis;
  keys: Keys;
  writer: SlackWriter;
  renderer: RequestRenderer;
  log: Logger;
}): EnqueueSubmission {
  const notices = new RequestNotices(deps.writer, deps.renderer);
  return async (submission) => {
    try {
      await deps.redis.xadd(deps.keys.submissions(), '*', 'submission', JSON.stringify(submission));
    } catch (error) {
      deps.log.error(
        { stage: 'enqueueSubmission', err: (error as Error).message, command: submission.command },
        'could not hand the submission to the workers',
      );
      metrics.requests.inc({ command: submission.command, outcome: 'unreachable' });
      await notices.queueUnreachable(submission);
    }
  };
}

/** `opsbot_submissions_waiting`: handed over by a web process, not yet finished by a worker. */
export function submissionsWaitingGauge(redis: Redis, keys: Keys) {
  return gaugeFrom(
    'opsbot_submissions_waiting',
    'Submissions the web role handed over that no worker has finished yet',
    () => redis.xlen(keys.submissions()),
  );
}

export interface SubmissionConsumerDeps {
  /** A connection of its own: it blocks in `XREADGROUP`. */
  reader: Redis;
  /** Acknowledges and reclaims (the process's shared connection). */
  redis: Redis;
  keys: Keys;
  log: Logger;
  /**
   * The worker's stage: turns a submission into a request (`createRequest`). `delivery` is the stream entry's id, the
   * same when a dead worker's entry is handed over again; retried submissions are recognised there.
   */
  createRequest: (submission: Submission, delivery: string) => Promise<unknown>;
  consumer: string;
  /** How long a submission may sit with a consumer that died before another takes it. */
  reclaimAfterMs?: number;
  blockMs?: number;
}

type StreamEntry = [id: string, fields: string[]];

/** How long a submission may sit unacknowledged with a worker before another takes it over. */
const RECLAIM_AFTER_MS = 60_000;

/** Submissions one worker has in hand at most; past it, it reads no more until one is finished. */
const MAX_IN_HAND = 100;

/**
 * Acknowledges handled entries and deletes them, together (KEYS[1] the stream, ARGV[1] the group,
 * the rest their ids; at most MAX_IN_HAND). A script rather than MULTI…EXEC: ioredis builds a
 * pipeline object for each MULTI and copies onto it every script defined on the connection, which
 * is the one BullMQ's ~60 scripts are defined on: about 2 % of the bot's CPU samples at C=20.
 */
const ACK_AND_DELETE = `
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
`;

/**
 * A worker's reader of the submissions stream. Entries are read through the consumer group and
 * each is handled as soon as it is read, while the reader goes back for more (a slow one never
 * holds up those read after it); each is acknowledged and deleted once handled (acks that finish
 * together go in one script). At most `MAX_IN_HAND` are in hand. An entry whose consumer died
 * before acknowledging it is reclaimed after `reclaimAfterMs` and handed over again with the same
 * id: `createRequest` finishes what the dead worker left, and does nothing if the request was made.
 */
export class SubmissionConsumer {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastReclaim = 0;
  private readonly reclaimAfterMs: number;
  /** Entries being handled, by stream id. */
  private readonly inHand = new Map<string, Promise<void>>();
  /** Handled entries not yet acknowledged, and the pending acknowledgement of them. */
  private toAck: string[] = [];
  private acking: Promise<void> | undefined;

  constructor(private readonly deps: SubmissionConsumerDeps) {
    this.reclaimAfterMs = deps.reclaimAfterMs ?? RECLAIM_AFTER_MS;
  }

  start() {
    this.loop ??= this.run();
  }

  /** Stops reading; the entries in hand are finished and acknowledged first. */
  async stop() {
    this.stopping = true;
    // Breaks the blocking read; the loop sees `stopping` and ends after the entries in hand.
    this.deps.reader.disconnect();
    await this.loop;
  }

  private async run() {
    await this.ensureGroup();
    // A slow plan (AWS retries, Slack backoff) must not look like a dead worker: while entries are
    // in hand, their idle time is reset well before another worker would take them over.
    const renew = setInterval(() => this.renew(), this.reclaimAfterMs / 3);
    try {
      while (!this.stopping) {
        try {
          if (this.inHand.size >= MAX_IN_HAND) await Promise.race(this.inHand.values());
          const room = MAX_IN_HAND - this.inHand.size;
          const entries = [...(await this.reclaimed(room)), ...(await this.read(room))];
          for (const [id, fields] of entries) this.take(id, fields);
        } catch (error) {
          if (this.stopping) break;
          const message = (error as Error).message;
          if (message.includes('NOGROUP')) {
            // Redis lost the stream (a restart without persistence): make the group again.
            await this.ensureGroup();
            continue;
          }
          this.deps.log.warn({ err: message }, 'submissions stream read failed; retrying');
          await sleep(500);
        }
      }
      await Promise.all(this.inHand.values());
    } finally {
      clearInterval(renew);
    }
    await this.acking;
  }

  private take(id: string, fields: string[]) {
    if (this.inHand.has(id)) return;
    const handled = this.handleOne(id, fields).finally(() => {
      this.inHand.delete(id);
      this.acknowledge(id);
    });
    this.inHand.set(id, handled);
  }

  /**
   * Acknowledges and deletes a handled entry. Entries handled while an acknowledgement is on its
   * way wait for it and go together in the next one. A failed acknowledgement leaves them pending:
   * they are reclaimed and handed over again, and `createRequest` knows them.
   */
  private acknowledge(id: string) {
    this.toAck.push(id);
    if (this.acking) return;
    this.acking = (async () => {
      while (this.toAck.length > 0) {
        const ids = this.toAck;
        this.toAck = [];
        const { redis, keys } = this.deps;
        await redis
          .eval(ACK_AND_DELETE, 1, keys.submissions(), SUBMITTERS, ...ids)
          .catch((error: Error) =>
            this.deps.log.warn({ err: error.message }, 'could not acknowledge submissions'),
          );
      }
      this.acking = undefined;
    })();
  }

  private renew() {
    const ids = [...this.inHand.keys()];
    if (ids.length === 0) return;
    const { redis, keys, consumer } = this.deps;
    redis
      .call('XCLAIM', keys.submissions(), SUBMITTERS, consumer, 0, ...ids, 'JUSTID')
      .catch(() => {});
  }

  private async ensureGroup() {
    for (;;) {
      try {
        // From the stream's start: entries handed over before any worker existed are read too.
        await this.deps.reader.xgroup(
          'CREATE',
          this.deps.keys.submissions(),
          SUBMITTERS,
          '0',
          'MKSTREAM',
        );
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (message.includes('BUSYGROUP') || this.stopping) return;
        this.deps.log.warn({ err: message }, 'could not create the submitters group; retrying');
        await sleep(500);
      }
    }
  }

  private async read(count: number): Promise<StreamEntry[]> {
    const { reader, keys, consumer } = this.deps;
    const reply = (await reader.xreadgroup(
      'GROUP',
      SUBMITTERS,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      this.deps.blockMs ?? 2000,
      'STREAMS',
      keys.submissions(),
      '>',
    )) as [string, StreamEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Entries a dead consumer held for longer than `reclaimAfterMs` (checked every few seconds). */
  private async reclaimed(count: number): Promise<StreamEntry[]> {
    const after = this.reclaimAfterMs;
    if (Date.now() - this.lastReclaim < Math.min(after, 5000)) return [];
    this.lastReclaim = Date.now();
    const { redis, keys, consumer } = this.deps;
    const reply = (await redis.xautoclaim(
      keys.submissions(),
      SUBMITTERS,
      consumer,
      after,
      '0-0',
      'COUNT',
      count,
    )) as [string, (StreamEntry | null)[]];
    return reply[1].filter((entry): entry is StreamEntry => entry !== null);
  }

  private async handleOne(id: string, fields: string[]) {
    let submission: Submission;
    try {
      submission = JSON.parse(fields[fields.indexOf('submission') + 1] ?? '') as Submission;
    } catch {
      this.deps.log.error({ entry: id }, 'submissions stream entry is not a submission; dropped');
      return;
    }
    try {
      await this.deps.createRequest(submission, id);
    } catch (error) {
      // createRequest tells the requester about every failure it expects; this is a bug.
      this.deps.log.error(
        {
          stage: 'createRequest',
          err: (error as Error).message,
          entry: id,
          command: submission.command,
        },
        'createRequest failed',
      );
    }
  }
}
