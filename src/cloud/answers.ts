import { CloudError } from './errors.js';
import type { Job, JobEvent, ProjectRef, TenantEnv, TenantRef, TenantStatus } from './types.js';
import { isRecord } from '../util/records.js';

type Json = Record<string, unknown>;

/**
 * One object of an answer, read field by field. A field of the wrong type is a `service` error that
 * names the field's path, never its value (a value may be a secret).
 */
export class Fields {
  private constructor(
    private readonly operation: string,
    private readonly path: string,
    private readonly value: Json,
  ) {}

  static root(operation: string, data: unknown): Fields {
    if (!isRecord(data)) throw unexpected(operation, 'data', 'an object');
    return new Fields(operation, 'data', data);
  }

  fail(key: string, expected: string): never {
    throw unexpected(this.operation, `${this.path}.${key}`, expected);
  }

  string(key: string): string {
    const value = this.value[key];
    return typeof value === 'string' ? value : this.fail(key, 'a string');
  }

  nullableString(key: string): string | null {
    return this.value[key] === null ? null : this.string(key);
  }

  boolean(key: string): boolean {
    const value = this.value[key];
    return typeof value === 'boolean' ? value : this.fail(key, 'a boolean');
  }

  nullableBoolean(key: string): boolean | null {
    return (this.value[key] ?? null) === null ? null : this.boolean(key);
  }

  unknown(key: string): unknown {
    return this.value[key] ?? null;
  }

  object(key: string): Fields {
    const value = this.value[key];
    return isRecord(value) ? new Fields(this.operation, `${this.path}.${key}`, value) : this.fail(key, 'an object');
  }

  nullableObject(key: string): Fields | null {
    return this.value[key] === null ? null : this.object(key);
  }

  list(key: string): Fields[] {
    const value = this.value[key];
    if (!Array.isArray(value)) this.fail(key, 'a list');
    return value.map((item: unknown, i) =>
      isRecord(item) ? new Fields(this.operation, `${this.path}.${key}[${i}]`, item) : this.fail(`${key}[${i}]`, 'an object'),
    );
  }

  stringMap(key: string): Record<string, string> {
    const map = this.object(key);
    return Object.fromEntries(Object.keys(map.value).map((name) => [name, map.string(name)]));
  }
}

function unexpected(operation: string, path: string, expected: string): CloudError {
  return new CloudError('service', operation, `${operation} failed: unexpected answer from the service: ${path} is not ${expected}`);
}

export function readProject(project: Fields): ProjectRef {
  return {
    id: project.string('id'),
    name: project.string('name'),
    endpoint: project.string('endpoint'),
    tenant: readTenantRef(project.nullableObject('tenant')),
  };
}

function readTenantRef(tenant: Fields | null): TenantRef | null {
  return tenant && { id: tenant.string('id'), maintenance_mode: tenant.boolean('maintenance_mode') };
}

/** Their types are not documented: a text is kept, anything else but null is shown as JSON. */
const asText = (value: unknown): string | null => (value === null || typeof value === 'string' ? value : JSON.stringify(value));

/** Read as leniently as their being undocumented asks: a field may be missing or null. */
export function readTenantStatus(tenant: Fields): TenantStatus {
  const status = tenant.unknown('status') === null ? undefined : tenant.object('status');
  return {
    tenantId: tenant.string('id'),
    active: tenant.nullableBoolean('active'),
    health: asText(tenant.unknown('health_status')),
    isActive: status?.nullableBoolean('is_active') ?? null,
    inconsistentMetadata: status?.nullableBoolean('has_inconsistent_metadata') ?? null,
    message: asText(status?.unknown('message') ?? null),
  };
}

/** `{hash, envVars: {environment: {KEY: "value"}}}` as getTenantEnv and both env writes answer. */
export function readTenantEnv(answer: Fields): TenantEnv {
  const hash = answer.string('hash');
  if (hash === '') answer.fail('hash', 'a non-empty string');
  return { hash, env: answer.object('envVars').stringMap('environment') };
}

export function readJob(job: Fields): Job {
  return {
    id: job.string('id'),
    status: job.string('status'),
    tasks: job.list('tasks').map((task) => ({
      id: task.string('id'),
      name: task.string('name'),
      task_events: task.list('task_events').map(readJobEvent),
    })),
  };
}

function readJobEvent(event: Fields): JobEvent {
  return {
    id: event.string('id'),
    event_type: event.string('event_type'),
    public_event_data: event.unknown('public_event_data'),
    error: event.nullableString('error'),
  };
}
