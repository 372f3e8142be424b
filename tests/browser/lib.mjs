// lib.mjs: shared helpers for folio's browser tests: launch Debian's
// headless chromium through playwright-core, and a tiny static file
// server on 127.0.0.1 for the http:// runs.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--headless', '--disable-gpu',
		    '--disable-background-networking', '--disable-component-update',
		    '--disable-sync', '--no-first-run'],
	});
}

const TYPES = {
	'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
	'.png': 'image/png', '.svg': 'image/svg+xml',
};

// Serve dir on 127.0.0.1 (a free port); resolves to {url, close()}.
export function serve(dir) {
	const root = path.resolve(dir);
	const server = http.createServer((req, res) => {
		const u = new URL(req.url, 'http://127.0.0.1');
		const p = path.normalize(path.join(root, decodeURIComponent(u.pathname)));
		if (!p.startsWith(root)) { res.writeHead(403); res.end(); return; }
		fs.readFile(p, (err, data) => {
			if (err) { res.writeHead(404); res.end('not found'); return; }
			res.writeHead(200, { 'content-type': TYPES[path.extname(p)] || 'application/octet-stream' });
			res.end(data);
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			resolve({ url: `http://127.0.0.1:${server.address().port}/`,
			    close: () => new Promise((r) => server.close(r)) });
		});
	});
}
