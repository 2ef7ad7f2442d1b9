/** Tasks (docs/actitime-model.md §2.5): list, read, create, update (a `projectId` change is a move), delete, comments, assigned users. */
import { TaskListSchema, TaskSchema, type TaskList, type Task } from '../schemas.js';
import type { Sort } from './common.js';
import { scopeObjectEndpoints } from './scope-objects.js';

export interface TasksQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  name?: string;
  words?: string;
  sort?: Sort;
  customerIds?: number[];
  projectIds?: number[];
  typeOfWorkIds?: number[];
  workflowStatusIds?: number[];
  status?: 'open' | 'completed';
  includeReferenced?: Array<'customers' | 'projects' | 'typesOfWork' | 'workflowStatuses'>;
}

export interface TaskCreate {
  projectId: number;
  name: string;
  description?: string | null;
  /** Send either `status` or `workflowStatusId`. */
  status?: 'open' | 'completed';
  workflowStatusId?: number;
  typeOfWorkId?: number;
  /** `YYYY-MM-DD`, or null to clear. */
  deadline?: string | null;
  /** Minutes. */
  estimatedTime?: number | null;
}

export type TaskPatch = Partial<TaskCreate>;

const endpoints = scopeObjectEndpoints<TasksQuery, TaskList, Task, TaskCreate, TaskPatch>(
  'tasks',
  TaskListSchema,
  TaskSchema,
);

export const listTasks = endpoints.list;
export const listAllTasks = endpoints.listAll;
export const getTask = endpoints.get;
export const createTask = endpoints.create;
export const updateTask = endpoints.update;
export const deleteTask = endpoints.remove;
export const listTaskComments = endpoints.comments;
export const getTaskAssignedUsers = endpoints.assignedUsers;
