// sites.mjs: the sites the browser tests search, and their oracle.
// Builds the search fixture (or SITE_DIR) and a larger copy of it with
// term shards (tests/search ten times over, one Han character in 20
// swapped), with the real binary, into a temporary folder, and takes
// `folio search` (brute force) as the oracle for every query.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLIO = path.resolve(ROOT, process.env.FOLIO || 'build/folio');
const SITE = path.resolve(ROOT, process.env.SITE_DIR || 'tests/search');
export const SCREENS = path.join(ROOT, 'build/screens');

// Queries drawn from the fixture: places, institutions, phrases,
// numbers, the reporter, several words, quotes, exclusions, no result,
// full-width input, single characters, Latin, punctuation.
const QUERIES = [
	'光泽县', '北镇市', '建阳区', '沙依巴克区', '乌鲁木齐', '定陶', '会昌县', '罗定市',
	'业委会', '组织部', '党工委', '联合党委', '网格员', '物业公司',
	'红色物业', '乡村振兴', '吹哨报到', '党建引领', '基层治理', '小区治理', '近邻党建',
	'幸福小区', '为民服务', '矛盾纠纷',
	'2019', '2026', '17', '100%', '1819',
	'郭文治', '孟航',
	'业委会 光泽县', '党建 小区 网格', '乡村振兴 产业 合作社',
	'"红色 物业"', '"街乡吹哨、部门报到"', '“红色物业”',
	'业委会 -光泽县', '乡村振兴 -党建', '-业委会',
	'青蛙跳水', '不存在的词语组合', 'zzzz',
	'ＣＯＶＩＤ', '１００％', '光泽县　业委会', 'ＲＰＭ',
	'党', '的', '镇',
	'beijing', 'rpm', 'a-12',
	'，光泽', '、', '《光泽县》', '业委会。 -，光泽', '"，光泽"',
];


export function run(args) {
	const r = spawnSync(FOLIO, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
	if (r.status !== 0)
		throw new Error(`folio ${args.join(' ')}: status ${r.status}, signal ${r.signal}: ${r.error || r.stderr}`);
	return r.stdout;
}

export function oracle(site, q) {
	return run(['search', '-C', site, '--', q]).split('\n').filter(Boolean);
}

// Deterministic pseudo-random numbers for sampling and mutation.
function lcg(seed) {
	return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

// Deterministic extra queries: substrings of the articles' own text.
function sampled(texts, n) {
	const rnd = lcg(12345);
	const out = [];
	while (out.length < n) {
		const t = Array.from(texts[Math.floor(rnd() * texts.length)]);
		const len = 2 + Math.floor(rnd() * 5);
		const at = Math.floor(rnd() * Math.max(1, t.length - len));
		const s = t.slice(at, at + len).join('');
		if (/^[\p{L}\p{N}]+$/u.test(s))
			out.push(s);
	}
	return out;
}

// tests/search ten times over, every copy with its own slug and one
// Han character in 20 of its body swapped: big enough for shards.
function makeBig(big) {
	const src = path.join(SITE, 'content/articles');
	const dst = path.join(big.dir, 'content/articles');
	fs.mkdirSync(dst, { recursive: true });
	fs.copyFileSync(path.join(SITE, 'site.yaml'), path.join(big.dir, 'site.yaml'));
	fs.symlinkSync(path.join(ROOT, 'themes'), path.join(big.dir, 'themes'));
	const rnd = lcg(777);
	for (const f of fs.readdirSync(src).sort()) {
		const text = fs.readFileSync(path.join(src, f), 'utf8');
		fs.writeFileSync(path.join(dst, f), text);
		if (/^draft: true$/m.test(text))
			continue;
		const m = text.match(/^(---\n[\s\S]*?\n---\n)([\s\S]*)$/);
		const han = Array.from(m[2]).filter((c) => /\p{Script=Han}/u.test(c));
		for (let i = 1; i < 10; i++) {
			const body = Array.from(m[2]).map((c) => /\p{Script=Han}/u.test(c) && rnd() < 0.05 ?
			    han[Math.floor(rnd() * han.length)] : c).join('');
			const fm = m[1].replace(/^slug: (.*)$/m, `slug: $1-c${i}`);
			fs.writeFileSync(path.join(dst, f.replace(/\.md$/, `-c${i}.md`)), fm + body);
		}
	}
}

/*
 * Build both sites into a new temporary folder and ask the oracle every
 * query (QUERIES and 20 drawn from the articles' text).  Returns { tmp,
 * out, expected, articles, big: { dir, out, expected } }; the caller
 * removes tmp.
 */
export function prepare() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'folio-browser-'));
	const s = { tmp, out: path.join(tmp, 'public'), expected: new Map(), articles: [],
	    big: { dir: path.join(tmp, 'big'), out: path.join(tmp, 'big-public'), expected: new Map() } };
	run(['build', '-C', SITE, '-o', s.out, '-q']);
	makeBig(s.big);
	run(['build', '-C', s.big.dir, '-o', s.big.out, '-q']);
	fs.mkdirSync(SCREENS, { recursive: true });
	for (const f of fs.readdirSync(path.join(SITE, 'content/articles'))) {
		const src = fs.readFileSync(path.join(SITE, 'content/articles', f), 'utf8');
		if (!/^draft: true$/m.test(src))
			s.articles.push(src.replace(/^---[\s\S]*?\n---\n/, ''));
	}
	for (const q of QUERIES.concat(sampled(s.articles, 20))) {
		s.expected.set(q, oracle(SITE, q));
		s.big.expected.set(q, oracle(s.big.dir, q));
	}
	return s;
}

/*
 * Every query of exp (query -> the oracle's slugs), asked on page with
 * ask(q, i) (resolves to data-count), gives what the oracle says, with
 * no script error on the page (Playwright's or Puppeteer's: both have
 * on('pageerror') and $$eval); closes the page.  label names the run.
 */
export async function allSameAsOracle(page, label, exp, ask) {
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	let n = 0;
	for (const [q, want] of exp)
		await sameAsOracle(page, `${label} "${q}"`, await ask(q, n++), want);
	assert.ok(n >= 40, `${n} queries`);
	assert.deepEqual(errors, []);
	await page.close();
}

/*
 * The page (Playwright's or Puppeteer's: both have $$eval) shows the
 * query's results as the oracle says: data-count got is how many match
 * (want, their slugs), and each result shown, up to ten, is one of them.
 */
async function sameAsOracle(page, label, got, want) {
	assert.equal(got, want.length, `${label}: data-count ${got}, brute force ${want.length}`);
	const shown = await page.$$eval('#results a.result-link',
	    (as) => as.map((a) => decodeURIComponent(a.getAttribute('href').replace(/^.*articles\//, '').replace(/\.html$/, ''))));
	assert.equal(shown.length, Math.min(10, want.length), `${label}: shown`);
	for (const s of shown)
		assert.ok(want.includes(s), `${label}: ${s} shown but does not match`);
}
