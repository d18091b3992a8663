import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../../util/sleep.ts';

/**
 * SANDBOX. A tiny Lambda API over real HTTP (the SDK's REST-JSON protocol for GetAlias, UpdateAlias and
 * ListVersionsByFunction), so that bot processes started as children can be pointed at it with
 * AWS_ENDPOINT_URL. It counts mutations, can delay UpdateAlias (to kill a worker mid-step) and
 * can answer with throttling errors. Local mode points the real Lambda adapter at it (`sandbox/lambda.ts`).
 */
export class FakeLambda {
  readonly aliases = new Map<
    string,
    { version: string; revision: number; weights?: Record<string, number> }
  >();
  readonly versions = new Map<string, string[]>();
  /** Every UpdateAlias that changed an alias, in order. */
  readonly updates: { fn: string; alias: string; from: string; to: string }[] = [];
  updateDelayMs = 0;
  /** Most UpdateAlias calls ever in flight at once on one alias, and how many failed on a stale revision. */
  maxConcurrentUpdates = 0;
  staleRevisions = 0;
  private inFlight = new Map<string, number>();

  /** UpdateAlias calls being answered right now, on any alias. */
  updatesInFlight(): number {
    return [...this.inFlight.values()].reduce((a, b) => a + b, 0);
  }
  throttleNext = 0;
  private server: Server | undefined;
  url = '';

  addFunction(fn: string, versions: string[], aliases: Record<string, string>) {
    this.versions.set(fn, versions);
    for (const [alias, version] of Object.entries(aliases))
      this.aliases.set(`${fn}:${alias}`, { version, revision: 1 });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => res.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      return error(res, 429, 'TooManyRequestsException', 'Rate exceeded');
    }
    const alias = /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/.exec(url.pathname);
    if (alias) {
      const fn = decodeURIComponent(alias[1]!);
      const name = decodeURIComponent(alias[2]!);
      const state = this.aliases.get(`${fn}:${name}`);
      if (!state)
        return error(res, 404, 'ResourceNotFoundException', `Alias not found: ${fn}:${name}`);
      if (req.method === 'PUT') {
        const key = `${fn}:${name}`;
        this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
        this.maxConcurrentUpdates = Math.max(this.maxConcurrentUpdates, this.inFlight.get(key)!);
        try {
          if (this.updateDelayMs) await sleep(this.updateDelayMs);
        } finally {
          this.inFlight.set(key, this.inFlight.get(key)! - 1);
        }
        if (body.RevisionId && body.RevisionId !== `rev-${state.revision}`) {
          this.staleRevisions += 1;
          return error(
            res,
            412,
            'PreconditionFailedException',
            'The RevisionId provided does not match the latest RevisionId',
          );
        }
        if (!(this.versions.get(fn) ?? []).includes(body.FunctionVersion)) {
          return error(
            res,
            404,
            'ResourceNotFoundException',
            `Version not found: ${body.FunctionVersion}`,
          );
        }
        if (state.version !== body.FunctionVersion)
          this.updates.push({ fn, alias: name, from: state.version, to: body.FunctionVersion });
        state.version = body.FunctionVersion;
        // As AWS: an update without RoutingConfig keeps the alias's weights.
        if (body.RoutingConfig) state.weights = { ...body.RoutingConfig.AdditionalVersionWeights };
        state.revision += 1;
      }
      const weighted = state.weights && Object.keys(state.weights).length > 0;
      return json(res, 200, {
        AliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${fn}:${name}`,
        Name: name,
        FunctionVersion: state.version,
        RevisionId: `rev-${state.revision}`,
        ...(weighted ? { RoutingConfig: { AdditionalVersionWeights: state.weights } } : {}),
      });
    }
    const versions = /^\/2015-03-31\/functions\/([^/]+)\/versions$/.exec(url.pathname);
    if (versions) {
      const fn = decodeURIComponent(versions[1]!);
      const all = this.versions.get(fn);
      if (!all) return error(res, 404, 'ResourceNotFoundException', `Function not found: ${fn}`);
      const start = Number(url.searchParams.get('Marker') ?? 0);
      const size = Number(url.searchParams.get('MaxItems') ?? 50);
      const page = ['$LATEST', ...all].slice(start, start + size);
      const next = start + size < all.length + 1 ? String(start + size) : undefined;
      return json(res, 200, {
        Versions: page.map((v) => ({ FunctionName: fn, Version: v })),
        ...(next ? { NextMarker: next } : {}),
      });
    }
    return error(res, 404, 'UnknownOperationException', `no route ${req.method} ${url.pathname}`);
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake' })
    .end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': 'fake',
  });
  res.end(JSON.stringify({ Type: 'User', message }));
}
