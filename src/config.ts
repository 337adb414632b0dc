/**
 * The exchange's configuration from the environment: every variable the product reads is declared
 * here once, with its type, default and meaning, and validated together with JSON Schema (ajv) the
 * first time anyone asks. A bad value is one error naming the variable and what it must be,
 * rather than a NaN found later by whichever file read it. `dx config` prints the result.
 */
import { Ajv } from 'ajv';

interface Variable {
  /** The environment variable. */
  name: string;
  schema: Record<string, unknown>;
  description: string;
  /** Masked wherever the configuration is shown (a Redis URL can carry a password). */
  secret?: 'url-password';
}

export const VARIABLES = [
  { name: 'REDIS_URL', schema: { type: 'string', pattern: '^rediss?://' }, description: 'Redis for the queued cycle (`dx cycle` enqueues, `dx worker` runs); unset: the cycle runs in-process', secret: 'url-password' },
  { name: 'DX_REDIS_CONNECT_TIMEOUT_MS', schema: { type: 'integer', minimum: 100, default: 10_000 }, description: 'how long `dx cycle` waits for Redis before saying it is unreachable (exit 69)' },
  { name: 'DX_THREADS', schema: { type: 'integer', minimum: 1, default: 2 }, description: 'DuckDB threads of a warehouse' },
  { name: 'DX_MEMORY_LIMIT', schema: { type: 'string', pattern: '^[0-9.]+ ?[KMGT]i?B$', default: '3GB' }, description: 'DuckDB memory limit of a warehouse (spills to data/tmp beyond it)' },
  { name: 'DX_CHECKPOINT_THRESHOLD', schema: { type: 'string', pattern: '^[0-9.]+ ?[KMGT]i?B$', default: '16MB' }, description: 'DuckDB WAL size that triggers a checkpoint' },
  { name: 'DX_COLLECT_CONCURRENCY', schema: { type: 'integer', minimum: 1, default: 2 }, description: 'department batches collected side by side' },
  { name: 'DX_CYCLE_CRON', schema: { type: 'string', minLength: 1 }, description: 'default of `dx worker --cron`: when the scheduled monthly cycle starts' },
  { name: 'DX_CYCLE_TZ', schema: { type: 'string', minLength: 1 }, description: 'default of `dx worker --timezone`: the schedule\'s time zone' },
  { name: 'DX_STEP_ATTEMPTS', schema: { type: 'integer', minimum: 1, default: 3 }, description: 'attempts of a cycle step before it fails' },
  { name: 'DX_STEP_BACKOFF_MS', schema: { type: 'integer', minimum: 1, default: 5000 }, description: 'wait before a step\'s second attempt (doubles after)' },
  { name: 'DX_JOB_LOCK_MS', schema: { type: 'integer', minimum: 1000, default: 30_000 }, description: 'a worker\'s lock on a queued step, renewed while it runs; a dead worker\'s step is taken over after it lapses' },
  { name: 'DX_WORKER_CONCURRENCY', schema: { type: 'integer', minimum: 1, default: 2 }, description: 'steps one `dx worker` runs at once' },
  { name: 'DX_WEBHOOK_ATTEMPTS', schema: { type: 'integer', minimum: 1, default: 6 }, description: 'attempts to deliver a subscriber\'s notification' },
  { name: 'DX_WEBHOOK_BACKOFF_MS', schema: { type: 'integer', minimum: 1, default: 2000 }, description: 'wait before a notification\'s second attempt (doubles after)' },
  { name: 'DX_MAX_EVENT_LOOP_DELAY_MS', schema: { type: 'integer', minimum: 0, default: 1000 }, description: 'the API answers 503 "overloaded" while its event loop lags more than this; 0 turns load shedding off (the tests do)' },
  { name: 'DX_PUBLISH_MAX_SHRINK', schema: { type: 'number', minimum: 0, maximum: 1, default: 0.2 }, description: 'the largest fraction a view may shrink against the served one before `dx publish` asks for --force' },
  { name: 'DX_SERVING_FORMAT', schema: { enum: ['mapped', 'loaded'], default: 'mapped' }, description: 'how the API holds the served views: mapped from the snapshot\'s served files, or loaded into the process (docs/scale.md)' },
  { name: 'DX_AUDIT_WITNESS', schema: { type: 'string', minLength: 1 }, description: 'witness folders (separated by :) that receive every audit chain\'s checkpoints (docs/audit.md)' },
  { name: 'DX_LINK_DEBUG', schema: { type: 'boolean', default: false }, description: 'record linkage: print the trained m-probabilities of each EM run' },
  { name: 'PORT', schema: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 }, description: 'the port of `npm run demo` (`dx serve` takes --port)' },
  { name: 'DX_DEMO_DIR', schema: { type: 'string', minLength: 1, default: 'data/demo' }, description: 'where `npm run demo` builds its city and data folder' },
  { name: 'DX_DEMO_PERSONS', schema: { type: 'integer', minimum: 100, default: 20_000 }, description: 'persons in the demo\'s city' },
  { name: 'DX_TRACE', schema: { type: 'boolean', default: false }, description: 'phase timings of a cycle on stderr' },
  { name: 'DX_RUSAGE_FILE', schema: { type: 'string', minLength: 1 }, description: 'benchmarks only: a dx process writes its peak memory and CPU time here on exit' },
] as const satisfies readonly Variable[];

type Name = (typeof VARIABLES)[number]['name'];
type ValueOf<S> = S extends { enum: readonly (infer E)[] } ? E : S extends { type: 'integer' | 'number' } ? number : S extends { type: 'boolean' } ? boolean : string;
type WithDefault<V> = V extends { schema: { default: unknown } } ? true : false;
export type ExchangeConfig = {
  [V in (typeof VARIABLES)[number] as V['name']]: WithDefault<V> extends true ? ValueOf<V['schema']> : ValueOf<V['schema']> | undefined;
};

export class ConfigError extends Error {}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
const validate = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(VARIABLES.map((v) => [v.name, v.schema])),
});

/** Booleans as people write them in an environment: 1/0, true/false, yes/no, on/off. */
function normaliseBoolean(value: string): boolean | string {
  const lower = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return value;
}

/** Validate the environment's variables; an empty value counts as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExchangeConfig {
  const input: Record<string, unknown> = {};
  for (const variable of VARIABLES) {
    const raw = env[variable.name];
    if (raw === undefined || raw.trim() === '') continue;
    input[variable.name] = 'type' in variable.schema && variable.schema.type === 'boolean' ? normaliseBoolean(raw) : raw.trim();
  }
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '');
      return `${name}=${JSON.stringify(String(input[name]))} ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`bad environment: ${problems.join('; ')}`);
  }
  return input as ExchangeConfig;
}

let cached: ExchangeConfig | undefined;

/** The process's configuration, validated once. */
export function config(): ExchangeConfig {
  cached ??= loadConfig();
  return cached;
}

/** For tests that change the environment. */
export function resetConfig(): void {
  cached = undefined;
}

export function maskSecret(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '****';
    if (url.username && !url.password) url.username = '****';
    return url.toString();
  } catch {
    return '****';
  }
}

export interface ConfigRow {
  name: Name;
  value: string | number | boolean | null;
  source: 'environment' | 'default' | 'unset';
  description: string;
}

/** The effective configuration, each secret masked: what `dx config` prints. */
export function describeConfig(env: NodeJS.ProcessEnv = process.env): ConfigRow[] {
  const effective = loadConfig(env) as Record<string, string | number | boolean | undefined>;
  return VARIABLES.map((variable) => {
    const given = env[variable.name] !== undefined && env[variable.name]!.trim() !== '';
    const value = effective[variable.name];
    const shown = value !== undefined && 'secret' in variable && typeof value === 'string' ? maskSecret(value) : value;
    return { name: variable.name, value: shown ?? null, source: given ? 'environment' : value === undefined ? 'unset' : 'default', description: variable.description };
  });
}
