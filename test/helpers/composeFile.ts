/**
 * `docker-compose.local.yml` parsed the way docker compose reads it: YAML 1.2 with merge keys
 * (`<<: *anchor`) resolved, so each service shows its effective settings.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { COMPOSE_FILE } from '../../twin/backends/docker/compose';

/** A healthcheck as the compose file writes it. */
export interface ComposeHealthcheck {
  test: string | string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

/** The parts of a compose service the tests look at. */
export interface ComposeServiceSpec {
  image?: string;
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: ComposeHealthcheck;
}

/** The parts of the compose file the tests look at. */
export interface ComposeFileSpec {
  name?: string;
  services: Record<string, ComposeServiceSpec>;
  volumes?: Record<string, unknown>;
}

/** The compose file's text. */
export function composeFileText(file: string = COMPOSE_FILE): string {
  return fs.readFileSync(file, 'utf8');
}

/** Parses compose YAML as docker compose does; throws on YAML errors (duplicate keys included). */
export function parseCompose(text: string): ComposeFileSpec {
  return parse(text, { merge: true, uniqueKeys: true, prettyErrors: true }) as ComposeFileSpec;
}

/** One published port, `host_ip:published:target`. */
export interface PublishedPort {
  hostIp: string | undefined;
  published: number;
  target: number;
}

/** Parses the short port syntax the compose file uses (`127.0.0.1:9092:9092`). */
export function parsePort(port: string): PublishedPort {
  const parts = port.split(':');
  const [target, published, hostIp] = [parts.pop(), parts.pop(), parts.pop()];
  return { hostIp, published: Number(published), target: Number(target) };
}
