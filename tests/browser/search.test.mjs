// search.test.mjs: the search page in headless chromium, over file://
// and over http on 127.0.0.1.  On the sites sites.mjs builds (the search
// fixture, or SITE_DIR, and a larger copy with term shards), takes
// `folio search` (brute force) as the oracle and checks that
// #results[data-count] equals it for every query, plus highlighting,
// ?q= round trips, keyboard navigation, facets and the normalization
// against C's.  Screenshots go to build/screens/.
//   FOLIO=build/folio node --test tests/browser/search.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, serve } from './lib.mjs';
import { SCREENS, run, oracle, prepare, allSameAsOracle } from './sites.mjs';

const S = prepare(), OUT = S.out, expected = S.expected, tmp = S.tmp;
// The larger generated site (term shards in use): its own oracle.
const big = { ...S.big, server: null };
let browser, server;

before(async () => {
	browser = await launch();
	server = await serve(OUT);
	big.server = await serve(big.out);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.close();
	if (big.server)
		await big.server.close();
	fs.rmSync(tmp, { recursive: true, force: true });
});

const bases = () => ({
	file: pathToFileURL(OUT).href + '/',
	http: server.url,
});

async function open(page, base, q) {
	await page.goto(`${base}search/index.html?q=${encodeURIComponent(q)}`);
	return settled(page, q);
}

// Wait until the page has finished the query q; returns data-count.
async function settled(page, q) {
	await page.waitForFunction((q) => {
		const r = document.getElementById('results');
		return r && r.getAttribute('data-state') === 'done' &&
		    (q === '' || r.getAttribute('data-q') === q.trim());
	}, q, { timeout: 15000 });
	return Number(await page.getAttribute('#results', 'data-count'));
}

/*
 * The page's ?q= once it is q (the page changes its address after the
 * results' frame), or what it still is after 5 s.
 */
async function addressed(page, q) {
	await page.waitForFunction((q) => new URLSearchParams(location.search).get('q') === q,
	    q, { timeout: 5000 }).catch(() => {});
	return new URL(page.url()).searchParams.get('q');
}

for (const site of ['small', 'big']) {
	for (const mode of ['file', 'http']) {
		test(`result counts equal brute force (${site} site, ${mode})`, async () => {
			const out = site === 'big' ? big.out : OUT;
			const base = mode === 'file' ? pathToFileURL(out).href + '/' :
			    (site === 'big' ? big.server : server).url;
			const exp = site === 'big' ? big.expected : expected;
			const shards = JSON.parse(fs.readFileSync(path.join(out, 'search/meta.js'), 'utf8')
			    .match(/"shards":(\d+)/)[1]);
			assert.ok(site === 'big' ? shards > 0 : shards === 0, `${site}: ${shards} shards`);
			const page = await browser.newPage();
			await allSameAsOracle(page, `${site} ${mode}`, exp, (q) => open(page, base, q));
		});
	}
}

// search.js warms the engine up on made-up terms of CJK extension A
// letters (U+3400-3404) once the page is idle; afterwards they must be
// gone.
test('the warm-up leaves no made-up term behind (big site, file)', async () => {
	const page = await browser.newPage();
	await page.goto(`${pathToFileURL(big.out).href}/search/index.html`);
	await page.waitForSelector('#search[data-warm="done"]', { state: 'attached', timeout: 15000 });
	for (const q of ['\u3400\u3401\u3402', '\u3404', '\u3403\u3404', '业委会', '"\u3400\u3401"',
	    '\u3400\u3401\u3402\u3403 -\u3404']) {
		await page.fill('#q', q);
		assert.equal(await settled(page, q), oracle(big.dir, q).length, `"${q}"`);
	}
	await page.close();
});

// search.js inflates the document chunks itself: every chunk of the
// big site must come out as zlib (node's) inflates it, and bytes that
// are not DEFLATE must throw, not hang or return something.
test('document chunks inflate as zlib does (big site, every chunk)', async () => {
	const dir = path.join(big.out, 'search');
	const files = fs.readdirSync(dir).filter((f) => /^d-\d+\.js$/.test(f)).sort();
	assert.ok(files.length >= 10, `${files.length} chunks`);
	const chunks = files.map((f) => {
		const text = fs.readFileSync(path.join(dir, f)).toString('utf16le');
		const m = /folioSearch\.docs\((\d+),(\d+),"([^"]*)"\)/.exec(text);
		assert.ok(m, `${f}: a docs call`);
		const len = Number(m[2]), s = m[3], bytes = Buffer.alloc(len);
		for (let j = 0, acc = 0, n = 0, i = 0; j < len; j++) {	/* 15 bits a unit */
			if (n < 8) {
				acc = (acc << 15 | (s.charCodeAt(i++) - 0x3000)) & 0x7fffff;
				n += 15;
			}
			n -= 8;
			bytes[j] = (acc >>> n) & 0xff;
		}
		return { f, len, s, want: zlib.inflateRawSync(bytes).toString('utf16le') };
	});
	const page = await browser.newPage();
	await open(page, bases().file, 'x');
	const got = await page.evaluate((cs) => cs.map((c) => window.folioSearch.inflate(c.len, c.s)),
	    chunks.map((c) => ({ len: c.len, s: c.s })));
	for (let i = 0; i < chunks.length; i++)
		assert.equal(got[i], chunks[i].want, chunks[i].f);
	// A stored block, a fixed-code block and a bad block type.
	const pack = (buf) => {
		let out = '', acc = 0, nb = 0;
		for (const x of buf) {
			acc = acc << 8 | x;
			nb += 8;
			if (nb >= 15) {
				nb -= 15;
				out += String.fromCharCode(0x3000 + (acc >>> nb & 0x7fff));
				acc &= (1 << nb) - 1;
			}
		}
		if (nb > 0)
			out += String.fromCharCode(0x3000 + (acc << (15 - nb) & 0x7fff));
		return { len: buf.length, s: out };
	};
	const text = Buffer.from('业委会，业委会，业委会。abc', 'utf16le');
	const cases = [zlib.deflateRawSync(text, { level: 0 }), zlib.deflateRawSync(text, { strategy: zlib.constants.Z_FIXED }),
	    Buffer.from([0x07, 0x00, 0x00])].map(pack);
	const r = await page.evaluate((cs) => cs.map((c) => {
		try { return window.folioSearch.inflate(c.len, c.s); } catch (e) { return 'throws: ' + e.message; }
	}), cases);
	assert.deepEqual(r.slice(0, 2), [text.toString('utf16le'), text.toString('utf16le')]);
	assert.match(r[2], /^throws: inflate/);
	await page.close();
});

test('highlights are the query words, title and snippet', async () => {
	const page = await browser.newPage();
	for (const q of ['红色物业', '业委会 光泽县', 'ＣＯＶＩＤ']) {
		await open(page, bases().file, q);
		const words = await page.evaluate((q) => window.folioSearch.parse(q).map((w) => w.text), q);
		const marks = await page.$$eval('#results mark', (ms) => ms.map((m) => m.textContent));
		assert.ok(marks.length > 0, `"${q}": no <mark>`);
		for (const m of marks) {
			const n = await page.evaluate((m) => window.folioSearch.norm(m), m);
			assert.ok(words.some((w) => n.includes(w)), `"${q}": <mark>${m}</mark>`);
		}
	}
	await page.screenshot({ path: path.join(SCREENS, 'search-highlight.png'), fullPage: true });
	await page.close();
});

test('?q= round trip: typing, submit, back and forward', async () => {
	for (const mode of ['file', 'http']) {
		const page = await browser.newPage();
		await page.goto(`${bases()[mode]}search/index.html`);
		await settled(page, '');
		await page.fill('#q', '光泽县');
		await settled(page, '光泽县');
		assert.equal(await addressed(page, '光泽县'), '光泽县', `${mode}: typing sets ?q=`);
		await page.fill('#q', '郭文治');
		await page.press('#q', 'Enter');
		const n = await settled(page, '郭文治');
		assert.equal(n, expected.get('郭文治').length);
		assert.equal(await addressed(page, '郭文治'), '郭文治');
		await page.goBack();
		await settled(page, '光泽县');
		assert.equal(await page.inputValue('#q'), '光泽县', `${mode}: back restores the query`);
		assert.equal(Number(await page.getAttribute('#results', 'data-count')), expected.get('光泽县').length);
		await page.goForward();
		await settled(page, '郭文治');
		await page.screenshot({ path: path.join(SCREENS, `search-${mode}.png`), fullPage: true });
		await page.close();
	}
});

test('keyboard: / focuses, arrows move, Enter opens the article', async () => {
	const page = await browser.newPage();
	await open(page, bases().file, '业委会');
	await page.click('h1');
	await page.keyboard.press('/');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
	await page.keyboard.press('ArrowDown');
	const first = await page.evaluate(() => document.activeElement.getAttribute('href'));
	assert.match(first, /articles\/.+\.html$/);
	await page.keyboard.press('ArrowDown');
	const second = await page.evaluate(() => document.activeElement.getAttribute('href'));
	assert.notEqual(second, first);
	await page.keyboard.press('ArrowUp');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), first);
	await page.keyboard.press('Enter');
	await page.waitForURL(/articles\/.+\.html$/);
	assert.ok(fs.existsSync(fileURLToPath(page.url())), 'the result links to an existing page');
	await page.close();
});

test('facets filter with counts; empty state suggests terms and regions', async () => {
	const page = await browser.newPage();
	const all = await open(page, bases().http, '业委会');
	const btn = page.locator('#facets button[data-facet="province"]').first();
	const label = Number(await btn.locator('.facet-n').textContent());
	await btn.click();
	await page.waitForFunction((n) => document.getElementById('results').getAttribute('data-count') === String(n), label);
	assert.ok(label < all || label === all);
	assert.ok(new URL(page.url()).searchParams.get('province'), 'facet in the URL');
	await page.screenshot({ path: path.join(SCREENS, 'search-facet.png'), fullPage: true });
	await open(page, bases().http, '光泽县红色物业吹哨');
	assert.equal(await page.getAttribute('#results', 'data-count'), '0');
	assert.ok(await page.isVisible('#empty a[href$="regions/index.html"]'));
	const sugg = await page.$$eval('#empty a[href^="?q="]', (as) => as.map((a) => a.textContent));
	assert.ok(sugg.length > 0, 'related terms offered');
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: path.join(SCREENS, 'search-empty-dark.png'), fullPage: true });
	await page.close();
});

test('accessible: labelled input, live count', async () => {
	const page = await browser.newPage();
	await open(page, bases().file, '党建');
	assert.equal(await page.getAttribute('#count', 'aria-live'), 'polite');
	assert.equal(await page.locator('label[for="q"]').count(), 1);
	assert.equal(await page.evaluate(() => document.querySelectorAll('#results [onclick], #results script').length), 0);
	await page.close();
});

test('normalization equals C (folio dump seg) for every BMP character', async () => {
	const chars = [];
	for (let c = 0x20; c < 0x10000; c++)
		if (!(c >= 0xd800 && c < 0xe000) && c !== 0x7f && !(c >= 0x80 && c < 0xa0))
			chars.push(String.fromCodePoint(c));
	const file = path.join(tmp, 'bmp.txt');
	fs.writeFileSync(file, chars.join('\n') + '\n');
	const c = run(['dump', 'seg', file]).split('\n').filter((l) => l.startsWith('norm  ')).map((l) => l.slice(6));
	assert.equal(c.length, chars.length);
	const page = await browser.newPage();
	await open(page, bases().file, 'x');
	const js = await page.evaluate((cs) => cs.map((ch) => window.folioSearch.norm(ch)), chars);
	const bad = [];
	for (let i = 0; i < chars.length; i++)
		if (js[i] !== c[i])
			bad.push(`U+${chars[i].codePointAt(0).toString(16)} C=${c[i]} JS=${js[i]}`);
	// Unicode versions of the system ICU and chromium's may differ on
	// a few new characters; anything beyond a handful is a real bug.
	assert.ok(bad.length <= 20, `${bad.length} differ: ${bad.join("; ")}`);
	await page.close();
});
