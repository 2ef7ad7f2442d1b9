/** Customers (docs/actitime-model.md §2.3): list, read, create, update, delete, comments, assigned users. */
import { CustomerListSchema, CustomerSchema, type CustomerList, type Customer } from '../schemas.js';
import type { Sort } from './common.js';
import { scopeObjectEndpoints } from './scope-objects.js';

export type { DeleteOptions } from './scope-objects.js';

export interface CustomersQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  name?: string;
  words?: string;
  archived?: boolean;
  sort?: Sort;
}

export interface CustomerCreate {
  name: string;
  description?: string | null;
  archived?: boolean;
}

export type CustomerPatch = Partial<CustomerCreate>;

const endpoints = scopeObjectEndpoints<CustomersQuery, CustomerList, Customer, CustomerCreate, CustomerPatch>(
  'customers',
  CustomerListSchema,
  CustomerSchema,
);

export const listCustomers = endpoints.list;
export const listAllCustomers = endpoints.listAll;
export const getCustomer = endpoints.get;
export const createCustomer = endpoints.create;
export const updateCustomer = endpoints.update;
export const deleteCustomer = endpoints.remove;
export const listCustomerComments = endpoints.comments;
export const getCustomerAssignedUsers = endpoints.assignedUsers;
