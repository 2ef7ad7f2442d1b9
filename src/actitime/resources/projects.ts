/** Projects (docs/actitime-model.md §2.4): list, read, create, update (a `customerId` change is a move), delete, comments, assigned users. */
import { ProjectListSchema, ProjectSchema, type ProjectList, type Project } from '../schemas.js';
import type { Sort } from './common.js';
import { scopeObjectEndpoints } from './scope-objects.js';

export interface ProjectsQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  customerIds?: number[];
  name?: string;
  words?: string;
  archived?: boolean;
  sort?: Sort;
  includeReferenced?: Array<'customers'>;
}

export interface ProjectCreate {
  customerId: number;
  name: string;
  description?: string | null;
  archived?: boolean;
}

export type ProjectPatch = Partial<ProjectCreate>;

const endpoints = scopeObjectEndpoints<ProjectsQuery, ProjectList, Project, ProjectCreate, ProjectPatch>(
  'projects',
  ProjectListSchema,
  ProjectSchema,
);

export const listProjects = endpoints.list;
export const listAllProjects = endpoints.listAll;
export const getProject = endpoints.get;
export const createProject = endpoints.create;
export const updateProject = endpoints.update;
export const deleteProject = endpoints.remove;
export const listProjectComments = endpoints.comments;
export const getProjectAssignedUsers = endpoints.assignedUsers;
