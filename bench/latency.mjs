// latency.mjs: the search page's speed as a reader sees it, for make bench.
// usage: node bench/latency.mjs SITE_DIR QUERY...
// For each query, over file:// in headless Chromium: time from filling the
// box to the results list being done (cold: a fresh page, nothing loaded;
// warm: the same query typed again after another one), and the bytes of
// search/*.js the page had loaded by then.  Prints, never asserts.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/browser/package.json'));
const { launch } = await import(pathToFileURL(path.join(here, '../tests/browser/lib.mjs')).href);
void require;

const site = path.resolve(process.argv[2]);
const queries = process.argv.slice(3);
const url = pathToFileURL(path.join(site, 'search/index.html')).href;

/* Bytes of search/ files the page asked for (requests seen). */
function loadedBytes(urls) {
	let n = 0;
	for (const s of new Set(urls)) {
		if (!s.includes('/search/') || !s.startsWith('file:'))
			continue;
		try { n += fs.statSync(fileURLToPath(s)).size; } catch (e) { /* not a file */ }
	}
	return n;
}

async function run(page, q) {
	const t0 = Date.now();
	await page.fill('#q', q);
	await page.waitForFunction((q) => {
		const l = document.getElementById('results');
		return l && l.getAttribute('data-q') === q.trim() && l.getAttribute('data-state') === 'done';
	}, q, { timeout: 120000 });
	const ms = Date.now() - t0;
	const count = await page.getAttribute('#results', 'data-count');
	return { ms, count };
}

const browser = await launch();
console.log('query              results   cold ms   warm ms   loaded KB (cold)');
for (const q of queries) {
	const page = await browser.newPage();
	const urls = [];
	page.on('request', (r) => urls.push(r.url()));
	await page.goto(url);
	const cold = await run(page, q);
	const kb = Math.round(loadedBytes(urls) / 1024);
	await run(page, '党');	/* another query in between */
	const warm = await run(page, q);
	console.log(`${q.padEnd(16)} ${String(cold.count).padStart(9)} ${String(cold.ms).padStart(9)} ${String(warm.ms).padStart(9)} ${String(kb).padStart(12)}`);
	await page.close();
}
await browser.close();
