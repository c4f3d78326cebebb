import { CONTENT_SECURITY_POLICY, dashboardAsset, dashboardPage, matchesEtag } from '../../../../lambdas/handlers/query/dashboard';
import { DASHBOARD_ASSETS, DASHBOARD_PAGE } from '../../../../lambdas/handlers/query/dashboardBundle.generated';

describe('matchesEtag', () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
  ])('reads If-None-Match %s as %s for "abc"', (header, expected) => {
    // Act
    const matched = matchesEtag(header, '"abc"');

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches nothing without the header', () => {
    // Assess
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });
});

describe('dashboardPage', () => {
  it('confines the page to its own origin: no inline code, no other origin, no framing', () => {
    // Act
    const response = dashboardPage(undefined);

    // Assess
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]),
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
  });

  it('serves the built page with its ETag', async () => {
    // Act
    const response = dashboardPage(undefined);

    // Assess
    expect([response.status, await response.text(), response.headers.get('etag')]).toEqual([200, DASHBOARD_PAGE.body, DASHBOARD_PAGE.etag]);
  });
});

describe('dashboardAsset', () => {
  it('answers 304 without a body for a current copy, keeping the caching headers', () => {
    // Prepare
    const asset = DASHBOARD_ASSETS[0];

    // Act
    const response = dashboardAsset(String(asset?.name), String(asset?.etag));

    // Assess
    expect(response.status).toBe(304);
    expect(response.body).toBeNull();
    expect(Object.fromEntries(response.headers)).toMatchObject({ etag: asset?.etag, 'cache-control': 'public, max-age=31536000, immutable' });
  });

  it('throws a 404 naming the unknown asset', () => {
    // Act
    const serve = () => dashboardAsset('missing.js', undefined);

    // Assess
    expect(serve).toThrow('no dashboard asset "missing.js"; reload the page at / to get the current ones');
  });
});
