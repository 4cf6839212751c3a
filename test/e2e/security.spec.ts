// The localhost host's and the renderer's security properties: the token is required on every
// request but those for the built assets, it never leaves its server (no cookie), the CSP is in
// place both ways, and the page cannot reach Node.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, openApp, test } from './fixtures.ts';

test('requests without the token, or with a wrong one, are refused with 403', async ({ server, request }) => {
  // The page and its assets are public (static, no data); everything else needs the token.
  for (const p of ['/', '/index.html']) expect((await request.get(`${server.origin}${p}`)).status(), p).toBe(200);
  const paths = ['/api/events'];
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

test('the token stays with its server: no cookie, nothing of it sent to another server on 127.0.0.1', async ({ page, server, context }) => {
  // Another local server, as any program on this machine may run one: it records what the
  // browser sends it. Cookies ignore ports, so a cookie set by goroscope serve would reach it.
  const received: string[] = [];
  const other = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another server</title><p>another server</p>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    await openApp(page, server);
    // The page works (it listed the library through the API) with the token in its address only.
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // A page of the other server in the same browser, and its own request back to its server.
    const otherPage = await context.newPage();
    await otherPage.goto(`${otherOrigin}/`);
    await expect(otherPage.getByText('another server')).toBeVisible();
    await otherPage.evaluate(async () => void (await fetch('/probe', { credentials: 'include' })));
    // The app's page navigating to the other server (a link in a trace's log, say).
    await page.goto(`${otherOrigin}/from-the-app`);
    expect(received.length).toBeGreaterThanOrEqual(3);
    for (const r of received) expect(r).not.toContain(server.token);
  } finally {
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
  }
});
