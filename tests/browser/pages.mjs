// pages.mjs: accessibility and structure of every page of a built site,
// in headless chromium (one browser, one tab reused).  Each page is
// served over http on 127.0.0.1 and checked at phone (375x740) and
// desktop (1280x900) widths, in light and dark colour schemes, with
// axe-core (WCAG 2.0/2.1 A and AA); a serious or critical violation
// fails the page.  Also, per page: one h1, lang="zh-CN", the header,
// nav, main and footer landmarks, a skip link to #main, no request
// leaving 127.0.0.1, no link to a bare folder, no script error.
// Screenshots of one page of each kind go to the screens folder.
// Prints one line per page: "ok NAME" or "not ok NAME: why".
//   node tests/browser/pages.mjs SITE_DIR [SCREENS_DIR|"" [PAGE...]]
// With PAGE arguments (paths in the site), only those are checked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, serve } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const [site, screens, ...only] = process.argv.slice(2);
if (!site) {
	console.error('usage: node pages.mjs SITE_DIR [SCREENS_DIR|"" [PAGE...]]');
	process.exit(2);
}
const SIZES = [['desktop', 1280, 900], ['phone', 375, 740]];	// desktop first: the page opens at that size
const SHOT_MAX = 3200;	// screenshots stop this far down the page
const SCHEMES = ['light', 'dark'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The WCAG rules whose outcome can change with the viewport or the
// colour scheme, run at every size and scheme on every page.
const LAYOUT_RULES = ['color-contrast', 'link-in-text-block', 'scrollable-region-focusable',
    'meta-viewport', 'css-orientation-lock', 'frame-focusable-content'];

function htmlFiles(dir, rel = '') {
	let out = [];
	for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
		const r = rel ? `${rel}/${e.name}` : e.name;
		if (e.isDirectory()) out = out.concat(htmlFiles(dir, r));
		else if (e.name.endsWith('.html')) out.push(r);
	}
	return out.sort();
}

// The kind of a page, for screenshots: its folder, or its own name.
function kind(rel) {
	const i = rel.indexOf('/');
	if (i < 0) return rel.replace(/\.html$/, '');
	const dir = rel.slice(0, i);
	return rel.endsWith('/index.html') && rel.split('/').length === 2 ? `${dir}-index` : dir;
}

// Screenshot names of the kinds of page.
const SHOT_NAMES = {
	'index': 'home', 'articles': 'article', 'list-index': 'list', 'search-index': 'search',
	'regions': 'region', 'topics': 'topic', 'orgs': 'org', 'authors': 'author',
	'pages-index': 'sources', 'pages': 'source', 'archive': 'month',
};

// One sample page of each kind, checked with every rule at every size
// and scheme and photographed: the first page of the kind, except for
// articles the one with the most headings and figures, and for source
// pages the one with the most articles.
function pickScreens(files) {
	const pick = new Map();
	for (const f of files) if (!pick.has(kind(f))) pick.set(kind(f), f);
	const score = (f) => {
		const s = fs.readFileSync(path.join(site, f), 'utf8');
		return (s.match(/<h2 id=/g) || []).length + 3 * (s.match(/<figure/g) || []).length;
	};
	const arts = files.filter((f) => f.startsWith('articles/'));
	if (arts.length) pick.set('articles', arts.reduce((a, b) => (score(b) > score(a) ? b : a)));
	// A source page with several articles shows the most.
	const srcs = files.filter((f) => f.startsWith('pages/') && f !== 'pages/index.html');
	if (srcs.length) {
		const n = (f) => (fs.readFileSync(path.join(site, f), 'utf8').match(/segment-article/g) || []).length;
		pick.set('pages', srcs.reduce((a, b) => (n(b) > n(a) ? b : a)));
	}
	return new Set(pick.values());
}

// Structure checks run in the page; returns a list of problems.
function structure() {
	const bad = [];
	const h1 = document.querySelectorAll('h1').length;
	if (h1 !== 1) bad.push(`${h1} h1 elements`);
	if (document.documentElement.lang !== 'zh-CN') bad.push(`lang="${document.documentElement.lang}"`);
	for (const [sel, what] of [['body > header, [role=banner]', 'header'], ['nav', 'nav'],
	    ['main', 'main'], ['body > footer, [role=contentinfo]', 'footer']])
		if (!document.querySelector(sel)) bad.push(`no ${what} landmark`);
	if (document.querySelectorAll('main').length > 1) bad.push('several main elements');
	const skip = document.querySelector('a.skip');
	if (!skip || !document.getElementById(skip.hash.slice(1))) bad.push('no working skip link');
	for (const a of document.querySelectorAll('a[href]')) {
		const h = a.getAttribute('href');
		if (/^[a-z]+:/i.test(h) || h.startsWith('#')) continue;
		if (h === '' || h.split('#')[0].split('?')[0].endsWith('/')) bad.push(`link to a folder: "${h}"`);
	}
	const search = document.querySelector(`form[role=search][action$="search/index.html"] input[name=q]`);
	if (!search || !search.labels || !search.labels.length) bad.push('no labelled header search box');
	return bad;
}

const files = only.length ? only : htmlFiles(site);
const sample = pickScreens(files);
if (screens) fs.mkdirSync(screens, { recursive: true });
// The search page once more, with a query and its results.
const urls = files.map((f) => ({ name: f, file: f, url: f }));
const searchPage = files.find((f) => f === 'search/index.html');
if (searchPage)
	urls.push({ name: 'search/index.html?q=…', file: searchPage,
	    url: `${searchPage}?q=${encodeURIComponent('基层治理')}`, shot: 'search-results' });

const server = await serve(site);
const browser = await launch();
const axeSource = fs.readFileSync(AXE, 'utf8');
let failed = 0;

// Check one page in tab t (a {page, outside, errors} record).
async function check(t, u) {
	const { page } = t;
	const problems = [];
	const full = sample.has(u.file) || !!u.shot;
	const t0 = Date.now();
	t.outside = [];
	t.errors = [];
	try {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.emulateMedia({ colorScheme: 'light' });
		await page.goto(server.url + u.url, { waitUntil: 'load' });
		if (u.url.includes('?q=')) {
			await page.waitForFunction(() => (document.getElementById('count') || {}).textContent, null,
			    { timeout: 10000 }).catch(() => problems.push('search showed no count within 10 s'));
		}
		problems.push(...await page.evaluate(structure));
		for (const [sname, w, h] of SIZES) {
			await page.setViewportSize({ width: w, height: h });
			for (const scheme of SCHEMES) {
				await page.emulateMedia({ colorScheme: scheme });
				// Every rule in the first run; then, unless the page is its
				// kind's sample, the rules whose outcome depends on the
				// width or the colours.
				const first = sname === SIZES[0][0] && scheme === 'light';
				const run = full || first ? { type: 'tag', values: TAGS } : { type: 'rule', values: LAYOUT_RULES };
				const r = await page.evaluate((o) => axe.run(document,
				    { runOnly: o, resultTypes: ['violations'] }), run);
				for (const v of r.violations) {
					const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
					const line = `${v.id} (${v.impact}) ${sname} ${scheme}: ${where}` +
					    (v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : '');
					if (v.impact === 'serious' || v.impact === 'critical') problems.push(line);
					else console.log(`# note ${u.name}: ${line}`);
				}
				const shot = u.shot || (full && u.file === u.url ? kind(u.file) : null);
				if (shot && screens) {
					const height = Math.min(SHOT_MAX, await page.evaluate(() => document.documentElement.scrollHeight));
					await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: w, height },
					    path: path.join(screens, `theme-${SHOT_NAMES[shot] || shot}-${sname}-${scheme}.png`) });
				}
			}
		}
	} catch (e) {
		problems.push(`check crashed: ${String(e.message || e).split('\n')[0]}`);
	}
	if (t.outside.length) problems.push(`requests outside the site: ${[...new Set(t.outside)].slice(0, 3).join(' ')}`);
	if (t.errors.length) problems.push(`script errors: ${[...new Set(t.errors)].slice(0, 3).join(' | ')}`);
	const uniq = [...new Set(problems)];
	if (process.env.TIMING) console.log(`# time ${u.name} ${Date.now() - t0} ms`);
	if (uniq.length) {
		failed++;
		console.log(`not ok ${u.name}: ${uniq.join('; ')}`);
	} else
		console.log(`ok ${u.name}`);
}

// A few tabs share the queue (the machine's cores, at most 4).
async function worker(queue) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	await context.addInitScript({ content: axeSource });	// compiled once, cached
	const t = { page: await context.newPage(), outside: [], errors: [] };
	t.page.on('request', (q) => {
		const h = new URL(q.url());
		if (h.hostname !== '127.0.0.1' && h.protocol !== 'data:') t.outside.push(h.href);
	});
	t.page.on('pageerror', (e) => t.errors.push(String(e.message || e).slice(0, 200)));
	t.page.on('console', (m) => { if (m.type() === 'error') t.errors.push(m.text().slice(0, 200)); });
	for (let u; (u = queue.shift()) !== undefined; )
		await check(t, u);
	await context.close();
}
const queue = [...urls];
const jobs = Math.max(1, Math.min(4, Number(process.env.PAGES_JOBS) || os.availableParallelism()));
await Promise.all(Array.from({ length: jobs }, () => worker(queue)));
await browser.close();
await server.close();
console.log(`# ${urls.length} pages (${sample.size + 1} with every rule at every size and scheme), ${failed} failed`);
