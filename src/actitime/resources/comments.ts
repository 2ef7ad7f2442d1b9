/** Comment lists (docs/actitime-model.md §2.6) shared by customers, projects and tasks; read-only. */
export interface CommentsQuery {
  offset?: number;
  limit?: number;
  includeReferenced?: Array<'users'>;
}

export type { CommentList } from '../schemas.js';
