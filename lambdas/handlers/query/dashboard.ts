/**
 * Serving the dashboard: the page at `/` and its bundled assets at `/assets/<name>`. The files are
 * strings in a generated module (built from `dashboard/` by `npm run build:dashboard`), so the
 * Lambda bundle and the twin, which runs this TypeScript as it is, serve the same bytes without a
 * file system or a loader.
 *
 * Asset names carry a hash of their content, so they are cached for a year and a new deployment
 * is picked up by the page, which is always revalidated (by ETag). A Content-Security-Policy
 * of `'self'` keeps the page from loading or sending anything to another origin.
 */
import { DASHBOARD_ASSETS, DASHBOARD_PAGE } from './dashboardBundle.generated';
import { notFound } from './errors';

/** One file of the dashboard, as the build step emits it. */
export interface StaticFile {
  /** Name under `/assets/` (hashed); `index.html` for the page. */
  readonly name: string;
  /** The `content-type` header it is served with. */
  readonly contentType: string;
  /** Strong ETag (quoted), from the hash of the body. */
  readonly etag: string;
  readonly body: string;
}

/**
 * Everything the page needs comes from its own origin: scripts, styles, the icon, and the API it
 * fetches (`connect-src` falls back to `default-src`). No inline script or style is allowed, so
 * an injected `<script>` would not run; the dashboard only sets styles through the CSSOM, which
 * the policy permits.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'none'";

// The page is tiny and names the current assets, so browsers revalidate it on every load.
const PAGE_CACHE_CONTROL = 'no-cache';
// Hashed names never change content: a year, and no revalidation while it lasts.
const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const ASSETS_BY_NAME: ReadonlyMap<string, StaticFile> = new Map(DASHBOARD_ASSETS.map((file) => [file.name, file]));

/**
 * Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for
 * `If-None-Match`: a `W/` prefix is ignored; `*` matches any).
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

function serve(file: StaticFile, ifNoneMatch: string | undefined, extraHeaders: Readonly<Record<string, string>>): Response {
  const headers = { etag: file.etag, 'x-content-type-options': 'nosniff', ...extraHeaders };
  if (matchesEtag(ifNoneMatch, file.etag)) return new Response(null, { status: 304, headers });
  return new Response(file.body, { status: 200, headers: { 'content-type': file.contentType, ...headers } });
}

/**
 * `GET /`: the dashboard page, with the policy that confines it to its origin.
 *
 * @param ifNoneMatch - the request's `If-None-Match`; a 304 without a body when it names the page
 */
export function dashboardPage(ifNoneMatch: string | undefined): Response {
  return serve(DASHBOARD_PAGE, ifNoneMatch, {
    'cache-control': PAGE_CACHE_CONTROL,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'referrer-policy': 'no-referrer',
  });
}

/**
 * `GET /assets/{file}`: one bundled asset.
 *
 * @throws ApiError 404 for a name the current build does not have (an old page after a deployment
 *   asks for the old hash; reloading the page fixes it)
 */
export function dashboardAsset(file: string, ifNoneMatch: string | undefined): Response {
  const asset = ASSETS_BY_NAME.get(file);
  if (!asset) {
    throw notFound(`no dashboard asset ${JSON.stringify(file)}; reload the page at / to get the current ones`);
  }
  return serve(asset, ifNoneMatch, { 'cache-control': ASSET_CACHE_CONTROL });
}

/** Names of the assets of this build, for the OpenAPI document. */
export function dashboardAssetNames(): string[] {
  return [...ASSETS_BY_NAME.keys()];
}

/** Content types of the assets of this build, each once, for the OpenAPI document. */
export function dashboardAssetContentTypes(): string[] {
  return [...new Set(DASHBOARD_ASSETS.map((file) => file.contentType))];
}
