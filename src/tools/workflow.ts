/**
 * The `workflow` toolset (opt-in): workflow statuses, the stages a task moves through. Two tools so the hints
 * stay honest: creating and changing statuses is a write; deleting one is destructive.
 */
import { z } from 'zod';

import {
  createWorkflowStatus,
  deleteWorkflowStatus,
  updateWorkflowStatus,
  type WorkflowStatusPatch,
} from '../actitime/resources/workflowStatuses.js';
import type { WorkflowStatus } from '../actitime/schemas.js';
import { invalid } from '../domain/errors.js';
import { resolveWorkflowStatus } from '../domain/resolve/reference-lists.js';
import { nameInput } from '../domain/sanitize.js';
import { listTasks } from '../actitime/resources/tasks.js';
import {
  confirmInput,
  confirmOutput,
  confirmStep,
  confirmWrite,
  fingerprintOf,
  type Assessment,
} from './confirm.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import { refInput } from './inputs.js';
import { num } from './outputs.js';

const StatusType = z.enum(['open', 'completed']);
const StatusOut = z.looseObject({ id: num, name: z.string(), type: z.string() });

function statusOut(s: WorkflowStatus) {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    ...(s.allowedActions?.canDelete == null ? {} : { canDelete: s.allowedActions.canDelete }),
  };
}

export const manageWorkflowStatus = defineTool({
  name: 'manage_workflow_status',
  title: 'Create or change a workflow status',
  description:
    'Create a workflow status (name and type open|completed) or update one (status: id or name; new name ' +
    'and/or type). A task’s status open/completed follows its workflow status type. Names are unique (key ' +
    'workflow_status_exists). Returns the status.',
  toolset: 'workflow',
  access: 'write',
  // A create adds a status: repeating it is refused as a duplicate, but the tool may create, so not idempotent.
  idempotent: false,
  inputSchema: z.object({
    action: z.enum(['create', 'update']).describe('create or update a status'),
    status: refInput('update: the status').optional(),
    name: nameInput('e.g. "In review"').optional(),
    type: StatusType.optional().describe('open or completed'),
    confirm: confirmInput,
  }),
  // Held for confirmation, `status` is the string 'confirmation_required' (confirm.ts), not a status.
  outputSchema: z.looseObject({ action: z.string().optional(), status: z.union([StatusOut, z.string()]) }),
  async handler(args, ctx) {
    const held = await confirmWrite(ctx, 'manage_workflow_status', args, `${args.action} workflow status`);
    if (held) return held;
    const opts = { signal: ctx.signal };
    if (args.action === 'create') {
      if (args.status !== undefined) throw invalid('status', 'status: only for action=update');
      if (args.name === undefined) throw invalid('name', 'name: required to create a status');
      if (args.type === undefined)
        throw invalid('type', 'type: required to create a status (open or completed)');
      const created = await createWorkflowStatus(
        ctx.client,
        { name: args.name.trim(), type: args.type },
        opts,
      );
      return { action: 'created', status: statusOut(created) };
    }
    if (args.status === undefined) throw invalid('status', 'status: which status to update (id or name)');
    const before = await resolveWorkflowStatus(ctx, args.status, { field: 'status' });
    const patch: WorkflowStatusPatch = {};
    const name = args.name?.trim();
    if (name !== undefined && name !== before.name) patch.name = name;
    if (args.type !== undefined && args.type !== before.type) patch.type = args.type;
    if (args.name === undefined && args.type === undefined) {
      throw invalid('name', 'update: give a new name and/or type');
    }
    if (Object.keys(patch).length === 0) {
      return { action: 'unchanged', status: statusOut(before) };
    }
    const after = await updateWorkflowStatus(ctx.client, before.id, patch, opts);
    return {
      action: 'updated',
      status: statusOut(after),
      before: { name: before.name, type: before.type },
    };
  },
});

export const deleteWorkflowStatusTool = defineTool({
  name: 'delete_workflow_status',
  title: 'Delete a workflow status',
  description:
    'Delete a workflow status (id or name), after the user confirms. actiTIME refuses while tasks use it ' +
    '(key workflow_status_in_use) or for the last of its type (key last_workflow_status). Returns what went.',
  toolset: 'workflow',
  access: 'destructive',
  idempotent: true,
  inputSchema: z.object({ status: refInput('id or name'), confirm: confirmInput }),
  outputSchema: z.looseObject({ deleted: StatusOut.optional(), ...confirmOutput }),
  async handler(args, ctx) {
    const status = await resolveWorkflowStatus(ctx, args.status, { field: 'status' });
    const assess = () => statusDeleteImpact(ctx, status);
    const step = await confirmStep(ctx, 'delete_workflow_status', args, 'destructive', assess);
    if (!step.proceed) return step.result;
    const result = await deleteWorkflowStatus(ctx.client, status.id, { signal: ctx.signal });
    return {
      deleted: { id: status.id, name: status.name, type: status.type },
      ...(result.goneOnRetry ? { firstAttemptProbablyDeleted: true } : {}),
    };
  },
});

/** Deleting a status: the tasks that use it (actiTIME then refuses), read in one request. */
async function statusDeleteImpact(ctx: ToolContext, status: WorkflowStatus): Promise<Assessment> {
  const tasks = await listTasks(
    ctx.client,
    { workflowStatusIds: [status.id], limit: 100 },
    { signal: ctx.signal },
  );
  const taskIds = tasks.items.map((t) => t.id).sort((a, b) => a - b);
  return {
    impact: {
      action: 'Delete workflow status',
      path: status.name,
      tasks: taskIds.length,
      ...(taskIds.length >= 100 ? { countsAreMinimums: true } : {}),
    },
    fingerprint: fingerprintOf({ id: status.id, name: status.name, type: status.type, taskIds }),
  };
}

export const workflowTools: AnyTool[] = [manageWorkflowStatus, deleteWorkflowStatusTool] as AnyTool[];
