/**
 * `Customer / Project / Task` paths, both ways: the path shown for an object, and the parts of a path given as a
 * ref. Names may hold a bare slash ("I/O testing"), so only the spaced form is taken as a path outright.
 */
import type { Project, Task } from '../../actitime/schemas.js';

/** `Customer / Project / Task` for a task object (names the API sends with every task). */
export function taskPath(task: Pick<Task, 'name' | 'projectName' | 'customerName'>): string {
  return [task.customerName, task.projectName, task.name].filter((p) => p != null && p !== '').join(' / ');
}

export function projectPath(project: Pick<Project, 'name' | 'customerName'>): string {
  return [project.customerName, project.name].filter((p) => p != null && p !== '').join(' / ');
}

/** The parts of a `A / B / C` path; a ref without a slash is one part. Empty parts are dropped. */
export function splitPath(text: string, spacedOnly: boolean): string[] {
  const re = spacedOnly ? /\s+\/\s+/ : /\s*\/\s*/;
  return text
    .split(re)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
