// The localhost host's and the renderer's security properties: the token is required on every
// request, the CSP is in place both ways, and the page cannot reach Node.

import { expect, openApp, test } from './fixtures.ts';

test('requests without the token, or with a wrong one, are refused with 403', async ({ server, request }) => {
  const paths = ['/', '/index.html', '/api/events'];
  for (const p of paths) {
    expect((await request.get(`${server.origin}${p}`)).status(), p).toBe(403);
    expect((await request.get(`${server.origin}${p}?token=wrong`)).status(), `${p} wrong token`).toBe(403);
  }
  const call = await request.post(`${server.origin}/api/listArtefacts`, { data: [] });
  expect(call.status()).toBe(403);
  expect(await call.json()).toEqual({ error: expect.stringContaining('token') });
  const upload = await request.post(`${server.origin}/api/upload?name=x.trace`, { data: Buffer.from('go 1.22 trace\0\0\0') });
  expect(upload.status()).toBe(403);
  // The same calls with the token succeed.
  const ok = await request.post(`${server.origin}/api/listArtefacts`, { data: [], headers: { Authorization: `Bearer ${server.token}` } });
  expect(ok.status()).toBe(200);
  expect(Array.isArray(await ok.json())).toBe(true);
});

test('a page from another host name is refused even with the token (DNS rebinding)', async ({ server, request }) => {
  const r = await request.get(`${server.origin}/?token=${server.token}`, { headers: { Host: `evil.example:${new URL(server.origin).port}` } });
  expect(r.status()).toBe(403);
});

test('the renderer has a strict CSP and cannot reach Node', async ({ page, server }) => {
  const response = await page.goto(server.url);
  const header = response!.headers()['content-security-policy'];
  expect(header).toContain("default-src 'self'");
  expect(header).toContain("script-src 'self'");
  expect(header).toContain("frame-ancestors 'none'");
  expect(header).not.toMatch(/https?:/);
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toContain("default-src 'self'");
  expect(meta).toContain("connect-src 'self'");
  expect(meta).not.toMatch(/https?:/);
  const reach = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
  }));
  expect(reach).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' });
  // An inline script is blocked by the CSP.
  const inlineRan = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as Record<string, unknown>).__inline === 1;
  });
  expect(inlineRan).toBe(false);
});

test('the token moves into an HttpOnly cookie the page cannot read', async ({ page, server, context }) => {
  await openApp(page, server);
  const cookies = await context.cookies(server.origin);
  const cookie = cookies.find((c) => c.name === `goroscope-${new URL(server.origin).port}`);
  expect(cookie?.value).toBe(server.token);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).toBe('');
});
