import { bodyOf, request, setup } from '../../../../helpers/queryApi';

describe('GET / (the dashboard)', () => {
  it('serves the page as HTML with a policy that allows its own origin only, revalidated by ETag', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringMatching(/^default-src 'self';/),
      'cache-control': 'no-cache',
      etag: expect.stringMatching(/^"[0-9a-f]{20}"$/),
    });
    expect(response.body).toMatch(/^<!doctype html>/);
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    // Prepare
    const { handle } = setup();
    const { headers } = await handle(request('/'));

    // Act
    const response = await handle(request('/', 'GET', { 'if-none-match': `W/"other", ${String(headers?.etag)}` }));

    // Assess
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({ etag: headers?.etag, 'cache-control': 'no-cache' });
  });
});

describe('GET /assets/{file}', () => {
  it('serves every asset the page names with its content type, cached for a year as immutable', async () => {
    // Prepare
    const { handle } = setup();
    const page = await handle(request('/'));
    const names = [...String(page.body).matchAll(/"assets\/([^"]+)"/g)].map((match) => match[1] as string);

    // Act
    const responses = await Promise.all(names.map((name) => handle(request(`/assets/${name}`))));

    // Assess
    expect(names.map((name) => name.split('.').pop())).toEqual(expect.arrayContaining(['js', 'css', 'svg']));
    for (const [index, response] of responses.entries()) {
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({
        'content-type': { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' }[String(names[index]?.split('.').pop())],
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
    }
  });

  it('returns 404 saying to reload for an asset name of another build', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/assets/dashboard.0000000000.js'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toBe('no dashboard asset "dashboard.0000000000.js"; reload the page at / to get the current ones');
  });
});
