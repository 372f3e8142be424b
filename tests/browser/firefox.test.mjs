// firefox.test.mjs: the search page in headless Firefox (Debian's
// firefox-esr, driven over WebDriver BiDi by puppeteer-core), over
// file:// and over http on 127.0.0.1, on the sites sites.mjs builds:
// for every query #results[data-count] equals `folio search` (brute
// force) and every result shown matches; highlighting, ?q= and the
// back button, and the keyboard.  The screenshot goes to
// build/screens/firefox-search.png.  (search.test.mjs checks the same
// and more in Chromium; Safari cannot run here.)
//   FOLIO=build/folio node --test tests/browser/firefox.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { serve } from './lib.mjs';
import { SCREENS, prepare, allSameAsOracle } from './sites.mjs';

const S = prepare();
let browser, servers = {};

before(async () => {
	browser = await puppeteer.launch({
		browser: 'firefox',
		executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
		headless: true,
	});
	servers.small = await serve(S.out);
	servers.big = await serve(S.big.out);
});

after(async () => {
	if (browser)
		await browser.close();
	for (const s of Object.values(servers))
		await s.close();
	fs.rmSync(S.tmp, { recursive: true, force: true });
});

// Wait until the page has finished the query q; returns data-count.
async function settled(page, q) {
	await page.waitForFunction((q) => {
		const r = document.getElementById('results');
		return r && r.getAttribute('data-state') === 'done' &&
		    r.getAttribute('data-q') === q.trim();
	}, { timeout: 15000 }, q);
	return Number(await page.$eval('#results', (r) => r.getAttribute('data-count')));
}

async function open(page, base, q) {
	await page.goto(`${base}search/index.html?q=${encodeURIComponent(q)}`);
	return settled(page, q);
}

const base = (site, mode) => mode === 'file' ?
    pathToFileURL(site === 'big' ? S.big.out : S.out).href + '/' : servers[site].url;

// Each query put in the box as a reader's typing would (the page
// loaded once per site and mode; search.test.mjs also opens every ?q=).
async function typed(page, q) {
	await page.$eval('#q', (i, q) => {
		i.value = q;
		i.dispatchEvent(new Event('input', { bubbles: true }));
	}, q);
	return settled(page, q);
}

for (const site of ['small', 'big']) {
	for (const mode of ['file', 'http']) {
		test(`firefox: result counts equal brute force (${site} site, ${mode})`, async () => {
			const page = await browser.newPage();
			await allSameAsOracle(page, `${site} ${mode}`,
			    site === 'big' ? S.big.expected : S.expected,
			    (q, i) => i === 0 ? open(page, base(site, mode), q) : typed(page, q));
		});
	}
}

test('firefox: highlights, ?q= and the back button, keyboard (big site, file)', async () => {
	const page = await browser.newPage();
	await page.setViewport({ width: 1000, height: 900 });
	assert.ok(await open(page, base('big', 'file'), '业委会') > 10);
	const marks = await page.$$eval('#results mark', (ms) => ms.map((m) => m.textContent));
	assert.ok(marks.length >= 10, `${marks.length} highlights`);
	for (const m of marks)
		assert.equal(m, '业委会', 'a highlight is the query word');
	await page.screenshot({ path: path.join(SCREENS, 'firefox-search.png') });
	// Typed: results as you type; submitted: a history entry.
	await typed(page, '光泽县');
	await page.$eval('#q', (i) => { i.value = '红色物业'; });
	await page.focus('#q');
	await page.keyboard.press('Enter');
	assert.equal(await settled(page, '红色物业'), S.big.expected.get('红色物业').length);
	await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '红色物业',
	    { timeout: 5000 });
	// Back: the query before it again, in the box and in the results.
	await page.goBack();
	assert.equal(await settled(page, '光泽县'), S.big.expected.get('光泽县').length);
	assert.equal(await page.$eval('#q', (i) => i.value), '光泽县');
	// Keyboard: / focuses the box from the page, arrows reach the results.
	await page.click('h1');
	await page.keyboard.press('/');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
	await page.keyboard.press('ArrowDown');
	assert.equal(await page.evaluate(() => document.activeElement.className), 'result-link');
	await page.close();
});
