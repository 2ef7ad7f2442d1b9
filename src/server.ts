/**
 * buildServer: one McpServer offering the selected tools and the resources. Tool calls go through one
 * dispatcher (callTool below) so every call is validated, run and formatted the same way.
 */
import { getUiCapability, RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps/server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type ClientCapabilities,
  CallToolRequestSchema,
  ListToolsRequestSchema,
  ErrorCode,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';

import type { CallScope } from './actitime/call-scope.js';
import { TimeoutError } from './actitime/errors.js';
import { capUntrusted } from './domain/sanitize.js';
import { recordsFor } from './journal/records.js';
import { Journal, journalPath, journalUrl, type JournalKey } from './journal/store.js';
import { JOURNAL_TEXT } from './journal/text.js';
import { registerPrompts } from './prompts/index.js';
import { registerResources } from './resources/index.js';
import { ConfirmTokens } from './tools/confirm-tokens.js';
import { createToolContext, SessionLookups, type ServerContext, type UserAnswer } from './tools/context.js';
import { annotationsOf, strictInput, type AnyTool } from './tools/define.js';
import { formatError, formatSuccess, zodErrorBody, type ToolResult } from './tools/format.js';
import { listedSchema } from './tools/list-schema.js';
import { instructionsFor, selectTools } from './tools/registry.js';
import { VERSION } from './config.js';

export interface BuildServerOptions {
  /** The tools to offer instead of the configured selection (tests). */
  tools?: readonly AnyTool[];
  /** Tools offered in addition to the selection (tests, e.g. a tool that throws on purpose). */
  extraTools?: readonly AnyTool[];
  /**
   * Confirmation tokens shared with other servers (stateless HTTP: one server per request); default a store
   * of this server's own.
   */
  tokens?: ConfirmTokens;
}

export function buildServer(ctx: ServerContext, options: BuildServerOptions = {}): McpServer {
  const tools = [...(options.tools ?? selectTools(ctx.config)), ...(options.extraTools ?? [])];
  const server = new McpServer(
    { name: 'actitime-mcp', title: 'actiTIME', version: VERSION },
    {
      capabilities: { tools: { listChanged: false }, resources: {} },
      instructions: instructionsFor(tools, ctx.config.readOnly),
    },
  );

  const byName = new Map<string, { tool: AnyTool; input: ReturnType<typeof strictInput> }>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`duplicate tool name ${tool.name}`);
    const input = strictInput(tool);
    byName.set(tool.name, { tool, input });
    // The SDK lists the tool and converts its zod schemas to JSON Schema; calls never reach this callback
    // because the tools/call handler is replaced below.
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: input,
        outputSchema: tool.outputSchema,
        annotations: annotationsOf(tool),
      },
      () => {
        throw new Error('unreachable: tools/call is dispatched by buildServer');
      },
    );
  }

  // Listed by us, not the SDK, so the schemas go out compacted (list-schema.ts). Converting them to JSON Schema
  // is the largest part of building a server (~20 ms for the default tools), so it waits for the first
  // tools/list rather than delaying the answer to initialize, and each tool's entry is kept for every later
  // server in this process (one per --http session).
  let listed: ListedTool[] | undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    listed ??= tools.map((tool) => listedTool(tool, byName.get(tool.name)!.input));
    // A view is named only to hosts that render MCP Apps (the others would pay for it in every tools/list).
    return { tools: offersViews(server.server.getClientCapabilities()) ? listed.map(withView) : listed };
  });

  const lookups = new SessionLookups(ctx.client);
  const tokens = options.tokens ?? new ConfirmTokens(ctx.now ?? Date.now);
  const journal = openJournal(ctx);

  /**
   * Replaces the SDK's tools/call handler, which would answer invalid arguments with its own plain-text
   * message: ours returns the structured `{error: {kind: 'validation', field}}` body, strictly before any
   * request to actiTIME (SEC-IN-01), and sends every result through format.ts.
   */
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const name = request.params.name;
    const entry = byName.get(name);
    if (!entry) {
      // Hidden tools (read-only mode, deny list, disabled toolsets) are indistinguishable from unknown ones.
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${capUntrusted(name, 64)}`);
    }
    const { tool, input } = entry;
    const parsed = await input.safeParseAsync(request.params.arguments ?? {});
    if (!parsed.success) {
      return { content: [{ type: 'text', text: JSON.stringify(zodErrorBody(parsed.error)) }], isError: true };
    }
    // One signal, one deadline and one request budget for everything this call sends; ending the scope drops
    // whatever it still has queued (docs/reliability.md).
    const scope = ctx.client.openCall(extra.signal);
    const askUser = async (message: string): Promise<UserAnswer> => {
      if (server.server.getClientCapabilities()?.elicitation === undefined) return 'unsupported';
      // The answer must come while the call can still apply it: a share of what is left of its deadline.
      const left = scope.remainingMs();
      const timeout = Math.max(1000, left - Math.min(15_000, left / 3));
      try {
        const answer = await server.server.elicitInput(
          {
            mode: 'form',
            message,
            requestedSchema: {
              type: 'object',
              properties: { confirm: { type: 'boolean', title: 'Apply this change?' } },
              required: ['confirm'],
            },
          },
          { signal: scope.signal, timeout, relatedRequestId: extra.requestId },
        );
        if (answer.action !== 'accept') return answer.action;
        return answer.content?.confirm === true ? 'accept' : 'decline';
      } catch (err) {
        ctx.logger.debug('elicitation got no answer', { error: String(err) });
        return 'no_answer';
      }
    };
    const note: Record<string, unknown> = {};
    const toolCtx = createToolContext(ctx, lookups, {
      ...extra,
      signal: scope.signal,
      askUser,
      tokens,
      ...(journal === undefined ? {} : { journal }),
      noteForJournal: (n) => Object.assign(note, n),
    });
    const started = Date.now();
    try {
      const result = await withinDeadline(tool.handler(parsed.data, toolCtx), scope);
      ctx.logger.debug(`tool ${name} succeeded`, { ms: Date.now() - started });
      const journaled = tool.access === 'read' ? result : journalWrite(name, parsed.data, result, note);
      return withJournalNote(
        formatSuccess(name, journaled, tool.outputSchema, ctx.logger, tool.access !== 'read'),
        journaled,
      );
    } catch (err) {
      ctx.logger.debug(`tool ${name} failed`, { ms: Date.now() - started, kind: errorKind(err) });
      return formatError(name, err, ctx.logger);
    } finally {
      scope.end();
    }
  });

  /**
   * Appends the journal records of a successful write (src/journal/records.ts). A journal that cannot be
   * written never undoes the actiTIME write: the result then says the change is not undoable.
   */
  function journalWrite(
    name: string,
    args: unknown,
    result: unknown,
    note: Record<string, unknown>,
  ): unknown {
    if (journal === undefined) return result;
    try {
      journal.store.append(journal.key, recordsFor(name, args, result, note));
      return result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      ctx.logger.warn('journal not written', { tool: name, error: String(err) });
      const reason = `the journal file could not be written${typeof code === 'string' ? ` (${code})` : ''}`;
      return typeof result === 'object' && result !== null
        ? { ...result, journal: JOURNAL_TEXT.notRecorded(reason) }
        : result;
    }
  }

  registerResources(server, ctx);
  registerPrompts(server, ctx);
  return server;
}

type ListedTool = {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object' };
  outputSchema: { type: 'object' };
  annotations: ReturnType<typeof annotationsOf>;
  _meta?: Record<string, unknown>;
};

/** The views of listed tools, by their listing. */
const VIEWS = new WeakMap<ListedTool, string>();

/**
 * A host that declared the MCP Apps extension renders views. A stateless HTTP server never saw the client's
 * initialize (another request carried it), so it cannot tell and names them: hosts without the extension ignore
 * `_meta`.
 */
function offersViews(capabilities: ClientCapabilities | undefined): boolean {
  return capabilities === undefined || getUiCapability(capabilities) !== undefined;
}

/** ext-apps' registerAppTool sets both keys (the flat one for hosts of the first drafts); so does this. */
function withView(entry: ListedTool): ListedTool {
  const uri = VIEWS.get(entry);
  if (uri === undefined) return entry;
  return { ...entry, _meta: { ui: { resourceUri: uri }, [RESOURCE_URI_META_KEY]: uri } };
}

/** Tool definitions are module constants, so one listing per tool serves every server of the process. */
const LISTED = new WeakMap<AnyTool, ListedTool>();

function listedTool(tool: AnyTool, input: ReturnType<typeof strictInput>): ListedTool {
  let entry = LISTED.get(tool);
  if (entry === undefined) {
    entry = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: listedSchema(input, 'input') as { type: 'object' },
      outputSchema: listedSchema(tool.outputSchema, 'output') as { type: 'object' },
      annotations: annotationsOf(tool),
    };
    if (tool.view !== undefined) VIEWS.set(entry, tool.view);
    LISTED.set(tool, entry);
  }
  return entry;
}

/** The journal named by ACTITIME_JOURNAL (or the default one), keyed by this server's URL and user. */
function openJournal(ctx: ServerContext): { store: Journal; key: JournalKey } | undefined {
  if (ctx.journal !== undefined) return ctx.journal ?? undefined;
  const file = journalPath(ctx.config.journal);
  if (file === undefined) return undefined;
  return {
    store: new Journal(file, ctx.now ? { now: ctx.now } : {}),
    key: { url: journalUrl(ctx.config.client.baseUrl), user: ctx.config.client.username },
  };
}

/**
 * A strict output schema drops the `journal` note from the structured result; the note then follows as a second
 * text item, so the result still says the change is not undoable without growing every schema in tools/list.
 */
function withJournalNote(formatted: ToolResult, result: unknown): ToolResult {
  const note = (result as { journal?: unknown } | null)?.journal;
  if (typeof note !== 'string' || formatted.isError || formatted.structuredContent?.journal === note) {
    return formatted;
  }
  return {
    ...formatted,
    content: [...formatted.content, { type: 'text', text: JSON.stringify({ journal: note }) }],
  };
}
/** Longest a handler may run past its deadline before the call is answered without it. */
const DEADLINE_GRACE_MS = 1000;

/**
 * The handler's outcome, or a call timeout shortly after the deadline if the handler has not finished by then:
 * the deadline aborts every request of the call, so a handler normally reports within milliseconds; this is the
 * backstop that keeps the answer ahead of the MCP client's own timeout whatever a handler awaits.
 */
function withinDeadline<T>(work: Promise<T>, scope: CallScope): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        work.catch(() => undefined);
        reject(new TimeoutError('call', scope.deadlineMs));
      },
      Math.max(0, scope.remainingMs()) + Math.min(DEADLINE_GRACE_MS, scope.deadlineMs / 10),
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function errorKind(err: unknown): string {
  if (err && typeof err === 'object' && 'kind' in err && typeof err.kind === 'string') return err.kind;
  return err instanceof Error ? err.name : typeof err;
}
