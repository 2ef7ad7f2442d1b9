/** Customers by id or name. */
import type { Customer } from '../../actitime/schemas.js';
import { byName, type NameAdapter } from './by-name.js';
import { LOOKUP_LIMIT, SUGGEST_LIMIT } from './match.js';
import { loadById, parseRef } from './ref.js';
import { withArchivedHint } from './refusals.js';
import { workOf, type Ref, type ResolveOptions, type ResolvedCustomer, type Resolver } from './types.js';

export const customers: NameAdapter<Customer> = {
  what: 'customer',
  async find(r, filter, includeArchived) {
    const page = await workOf(r).customers({
      ...filter,
      archived: includeArchived ? undefined : false,
      limit: LOOKUP_LIMIT,
      sort: 'name',
    });
    return { items: page.items, fetched: page.items.length };
  },
  async probe(r, words, includeArchived) {
    const page = await workOf(r).customers({
      words,
      archived: includeArchived ? undefined : false,
      limit: SUGGEST_LIMIT,
    });
    return page.items;
  },
  path: (c) => c.name,
};

function customerOut(c: Customer): ResolvedCustomer {
  return { id: c.id, name: c.name, path: c.name, customer: c };
}

export function resolveCustomer(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions = {},
): Promise<ResolvedCustomer> {
  return withArchivedHint(resolveCustomerByRef(r, ref, options), options);
}

async function resolveCustomerByRef(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions,
): Promise<ResolvedCustomer> {
  const field = options.field ?? 'customer';
  const parsed = parseRef(ref, field);
  const byId = await loadById(ref, parsed, 'customer', field, (id) => workOf(r).customer(id));
  if (byId) return customerOut(byId);
  return customerOut(await byName(customers, r, parsed.text, field, options.includeArchived === true));
}
