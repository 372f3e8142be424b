// latency.mjs: the search page's speed as a reader sees it, for make bench.
// usage: node bench/latency.mjs [--runs N] [--phases] SITE_DIR QUERY...
//
// Over file:// in headless Chromium, for each query, the median of N runs
// (default 5) of the time from the keystroke to the results being done
// and painted, measured inside the page: from the 'input' event's
// timeStamp (a capture listener added before the page's own scripts) to
// the first frame after #results got data-state="done" for that query
// (a MutationObserver, then requestAnimationFrame and a task after it).
// The page shows results as their documents come in, in rank order, so
//   first  is the same for the first result of the cold query: the first
//          frame after #results got a new first child, a result ("-":
//          no result);
//   cold   a fresh page (new browser context), opened as a reader opens
//          it (search.js loads meta.js with the page and, when idle,
//          runs a made-up search to warm the engine up), the query typed
//          500 ms after the load event: its term and document files are
//          not loaded;
//   load   the same, but the query typed as soon as the load event came;
//   next   as cold, but typed after another query (党) was done (and
//          nfirst its first result);
//   again  the query typed again after that other query: all loaded.
//   KB     the bytes of search/ files the page loaded for the cold query
//          (meta.js included), median over the runs.
//   wall   cold again, but timed from outside (Date.now() around
//          page.fill() and a polling wait): harness overhead included.
// --phases also prints, for the first cold, next and again runs of each
// query, when each search/ file was asked for (<script> added; seen when
// the script's microtasks are done) and arrived (its loader call), and
// search.js's marks of its phases (it sets them when window.folioTrace
// is true, as here with --phases: the times then include the marks'
// small cost), in ms after the keystroke.  Prints, never asserts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { launch } = await import(pathToFileURL(path.join(here, '../tests/browser/lib.mjs')).href);

const args = process.argv.slice(2);
let runs = 5, phases = false;
while (args.length && args[0].startsWith('--')) {
	const a = args.shift();
	if (a === '--runs')
		runs = Math.max(1, parseInt(args.shift(), 10) || 1);
	else if (a === '--phases')
		phases = true;
	else {
		console.error(`latency.mjs: unknown option ${a}`);
		process.exit(2);
	}
}
const site = path.resolve(args[0]);
const queries = args.slice(1);
const url = pathToFileURL(path.join(site, 'search/index.html')).href;
const OTHER = '党';

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

/*
 * In the page before its scripts: the keystroke's time, and for
 * --phases when each search/ script was added and when its data came.
 */
function instrument(trace) {
	const L = window.__lat = { t0: null, log: [] };
	window.folioTrace = trace;
	window.addEventListener('input', (e) => {
		if (L.t0 === null)
			L.t0 = e.timeStamp;
	}, true);
	new MutationObserver((ms) => {
		for (const m of ms)
			for (const n of m.addedNodes)
				if (n.tagName === 'SCRIPT' && n.src.includes('/search/'))
					L.log.push(['ask', n.src.replace(/.*\//, ''), performance.now()]);
	}).observe(document, { childList: true, subtree: true });
	let fs = null;
	Object.defineProperty(window, 'folioSearch', {
		configurable: true,
		get() { return fs; },
		set(v) {
			fs = v;
			for (const k of ['meta', 'terms', 'docs']) {
				const f = v[k];
				if (typeof f === 'function')
					v[k] = function (id) {
						L.log.push(['got', k + (k === 'meta' ? '' : ' ' + id), performance.now()]);
						return f.apply(this, arguments);
					};
			}
		},
	});
}

/* Arm the page for query q: forget the last keystroke, watch #results. */
function arm(q) {
	const L = window.__lat, list = document.getElementById('results');
	L.t0 = null;
	L.done = L.paint = L.first = null;
	L.log = [];
	L.q = q;
	const old = list.firstElementChild;
	const painted = (k) => requestAnimationFrame(() => setTimeout(() => { L[k] = performance.now(); }, 0));
	const check = () => {
		const top = list.firstElementChild;
		if (L.first === null && top && top !== old && top.classList.contains('result') &&
		    list.getAttribute('data-q') === q) {
			L.first = 0;
			painted('first');
		}
		if (L.done !== null || list.getAttribute('data-state') !== 'done' ||
		    list.getAttribute('data-q') !== q)
			return;
		L.done = performance.now();
		painted('paint');
	};
	if (L.obs)
		L.obs.disconnect();
	L.obs = new MutationObserver(check);
	L.obs.observe(list, { attributes: true, attributeFilter: ['data-state', 'data-q'], childList: true });
}

async function run(page, q) {
	await page.evaluate(arm, q.trim());
	const w0 = Date.now();
	await page.fill('#q', q);
	await page.waitForFunction(() => window.__lat.paint !== null, null, { timeout: 120000 });
	const wall = Date.now() - w0;
	const r = await page.evaluate(() => {
		const L = window.__lat;
		const marks = performance.getEntriesByType('mark').filter((m) =>
		    m.name.startsWith('folio:') && m.startTime >= L.t0).map((m) =>
		    ['mark', m.name.slice(6), m.startTime]);
		performance.clearMarks();
		const log = L.log.concat(marks).sort((a, b) => a[2] - b[2]);
		return { ms: L.paint - L.t0, done: L.done - L.t0, first: L.first ? L.first - L.t0 : null, log: log.map((e) => [e[0], e[1], e[2] - L.t0]),
		    count: document.getElementById('results').getAttribute('data-count') };
	});
	r.wall = wall;
	return r;
}

/* A new page (and browser context); pause ms after its load event. */
async function freshPage(browser, urls, pause) {
	const page = await browser.newPage();
	await page.addInitScript(instrument, phases);
	page.on('request', (r) => urls.push(r.url()));
	await page.goto(url);
	/* Playwright's own page script, compiled on its first use (some
	 * 13 ms): here, not in the middle of the first timed query. */
	await page.waitForFunction(() => true);
	if (pause)
		await page.waitForTimeout(pause);
	return page;
}

function median(v) {
	const s = v.slice().sort((a, b) => a - b), m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const f0 = (x) => String(Math.round(x));
const browser = await launch();
console.log(`median of ${runs} runs, ms from the keystroke to results painted (in the page); wall: cold timed by the harness`);
console.log('query              results   first    cold    load  nfirst    next   again   KB cold   wall cold');
for (const q of queries) {
	const first = [], cold = [], load = [], nfirst = [], next = [], again = [], kb = [], wall = [];
	let count = null, shown = null, shownNext = null, shownAgain = null;
	for (let i = 0; i < runs; i++) {
		let urls = [];
		let page = await freshPage(browser, urls, 500);
		const c = await run(page, q);
		cold.push(c.ms);
		if (c.first !== null)
			first.push(c.first);
		wall.push(c.wall);
		kb.push(loadedBytes(urls) / 1024);
		count = c.count;
		if (phases && shown === null)
			shown = c;
		await run(page, OTHER);
		const a = await run(page, q);
		again.push(a.ms);
		if (phases && shownAgain === null)
			shownAgain = a;
		await page.close();
		page = await freshPage(browser, [], 0);
		load.push((await run(page, q)).ms);
		await page.close();
		page = await freshPage(browser, [], 500);
		await run(page, OTHER);
		const n = await run(page, q);
		next.push(n.ms);
		if (n.first !== null)
			nfirst.push(n.first);
		if (phases && shownNext === null)
			shownNext = n;
		await page.close();
	}
	const m0 = (v) => (v.length ? f0(median(v)) : '-').padStart(7);
	console.log(`${q.padEnd(16)} ${String(count).padStart(9)} ${m0(first)} ${m0(cold)} ` +
	    `${m0(load)} ${m0(nfirst)} ${m0(next)} ${m0(again)} ` +
	    `${f0(median(kb)).padStart(9)} ${f0(median(wall)).padStart(11)}`);
	for (const [name, r] of [['cold', shown], ['next', shownNext], ['again', shownAgain]]) {
		if (!r)
			continue;
		console.log(`    ${name} run 1: first result painted ${r.first === null ? '-' : f0(r.first)} ms, ` +
		    `done ${f0(r.done)} ms, painted ${f0(r.ms)} ms; files (ms after the keystroke):`);
		for (const e of r.log)
			console.log(`      ${f0(e[2]).padStart(6)}  ${e[0]} ${e[1]}`);
	}
}
await browser.close();
