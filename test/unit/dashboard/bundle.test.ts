import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUILD_COMMAND, buildDashboard, GENERATED_MODULE, renderDashboardModule } from '../../../dashboard/build';
import { DASHBOARD_ASSETS, DASHBOARD_PAGE } from '../../../lambdas/handlers/query/dashboardBundle.generated';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Budgets that keep the page quick on a slow link; raise one deliberately, not by accident. */
const BUDGET_GZIP_BYTES = { js: 12_000, css: 4_000, svg: 1_000, html: 2_000 } as const;

describe('dashboard bundle', () => {
  it(`is what the sources build (when this fails, run ${BUILD_COMMAND} and commit the result)`, async () => {
    // Prepare
    const committed = fs.readFileSync(path.join(ROOT, GENERATED_MODULE), 'utf8');

    // Act
    const built = renderDashboardModule(await buildDashboard());

    // Assess
    if (built !== committed) throw new Error(`${GENERATED_MODULE} is stale: the dashboard sources changed since it was built; run ${BUILD_COMMAND}`);
  });

  it('names in the page exactly the assets it serves', () => {
    // Act
    const named = [...DASHBOARD_PAGE.body.matchAll(/(?:src|href)="assets\/([^"]+)"/g)].map((match) => match[1]);

    // Assess
    expect(named.sort()).toEqual(DASHBOARD_ASSETS.map((asset) => asset.name).sort());
  });

  it.each([DASHBOARD_PAGE, ...DASHBOARD_ASSETS].map((file) => [file.name.replace(/\.[0-9a-f]{10}\./, '.'), file] as const))('keeps %s within its gzip budget', (name, file) => {
    // Act
    const gzipped = gzipSync(file.body, { level: 9 }).length;

    // Assess
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES[name.split('.').pop() as keyof typeof BUDGET_GZIP_BYTES]);
  });

  it('refers to no other origin: every link in the page is relative, and scripts and styles name no URL', () => {
    // Act
    const links = [...DASHBOARD_PAGE.body.matchAll(/(?:src|href|action)="([^"]*)"/g)].map((match) => match[1] as string);
    const urls = DASHBOARD_ASSETS.flatMap((asset) => asset.body.match(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? []);

    // Assess
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^(?!\/\/)(?![a-z][\w+.-]*:)/i);
    // The SVG namespace is a name, not a request.
    expect(urls.filter((url) => url !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(DASHBOARD_ASSETS.find((asset) => asset.name.endsWith('.css'))?.body).not.toMatch(/@import|url\(/);
  });
});
