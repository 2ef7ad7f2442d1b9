/**
 * The `work` toolset: find, read, create, change and delete customers, projects and tasks. Every object argument
 * takes an id or a name (src/domain/resolve/), so "create a project Apollo for Big Bang Company" is one call.
 * Lists are paged by the caller (limit ≤ 100, `hasMore`/`nextOffset`), never read to the end (SEC-OUT-02).
 */
import type { AnyTool } from './define.js';
import { getWorkItem, searchProjects, searchTasks } from './work-read.js';
import {
  createCustomerTool,
  createProjectTool,
  createTaskTool,
  deleteWorkItem,
  updateWorkItem,
} from './work-write.js';

export const workTools: AnyTool[] = [
  searchTasks,
  searchProjects,
  getWorkItem,
  createCustomerTool,
  createProjectTool,
  createTaskTool,
  updateWorkItem,
  deleteWorkItem,
] as AnyTool[];
