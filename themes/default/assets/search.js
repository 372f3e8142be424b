/*
 * search.js: folio's search page.  Loads the index that searchidx.c
 * wrote (search/meta.js, t-NNN.js term shards, d-NNNN.js document
 * chunks) with <script> elements, so it works on any static host and
 * from file://.  Query rules are those of idx_query_parse() in C:
 * words split on spaces and ANDed, "quoted phrase" exact, -word
 * excluded; every word is a contiguous substring of one block.
 */
(function () {
	'use strict';

	/* ---- the index format (searchidx.c) ---- */

	var ALPHA = '!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`' +
	    'abcdefghijklmnopqrstuvwxyz{|}~';
	var VT = 44, VC = 44;
	var DIGIT = new Int8Array(128).fill(-1);
	for (var i = 0; i < ALPHA.length; i++)
		DIGIT[ALPHA.charCodeAt(i)] = i;
	/* Field weights by block kind, as fweight[] in searchidx.c. */
	var W_TITLE = 4, W_META = 2, W_BODY = 1;
	var PAGE = 10, K1 = 1.2, B = 0.75;

	var SPACE = /\p{White_Space}/u;
	var WORDCH = /[\p{L}\p{N}\p{M}]/u;
	var MARK = /\p{M}/u;

	/*
	 * NFKC + full case folding, the same as seg_norm() in C.  Folding
	 * is upper- then lower-casing except: dotless i stays, Cherokee
	 * folds to upper case, final sigma and sharp s fold like the rest.
	 * (tests/browser checks every BMP character against C.)
	 */
	function norm(s) {
		s = s.normalize('NFKC')
		    .replace(/[^\u0131\u13a0-\u13fd\uab70-\uabbf]+/g, function (t) {
			return t.toUpperCase().toLowerCase();
		    })
		    .replace(/[\u13f8-\u13fd\uab70-\uabbf]/g, function (c) {
			return c.toUpperCase();
		    })
		    .replace(/\u03c2/g, '\u03c3').replace(/\u00df/g, 'ss');
		return s.normalize('NFKC');
	}

	/* A cursor over a varint string. */
	function Reader(s) { this.s = s; this.i = 0; }
	Reader.prototype.more = function () { return this.i < this.s.length; };
	Reader.prototype.get = function () {
		var v = 0, mul = 1, d;
		while (this.i < this.s.length) {
			d = DIGIT[this.s.charCodeAt(this.i++)];
			if (d < VT)
				return v + d * mul;
			v += (d - VT) * mul;
			mul *= VC;
		}
		return v;
	};

	/*
	 * Postings (put_rice in searchidx.c): k, varint df, then per
	 * document Rice(gap, k), flag bit (wtf > 1), for bigrams Elias
	 * gamma of wtf - 1; 6 bits a character.  -> {docs: [], wtf: []}.
	 */
	function postings(s, bigram) {
		var k = DIGIT[s.charCodeAt(0)], r = new Reader(s), docs = [], wtf = [];
		r.i = 1;
		var df = r.get(), pos = r.i, acc = 0, nb = 0, doc = -1;
		function bit() {
			if (nb === 0) {
				acc = DIGIT[s.charCodeAt(pos++)];
				nb = 6;
			}
			nb--;
			return (acc >> nb) & 1;
		}
		for (var i = 0; i < df; i++) {
			var q = 0, rem = 0, j;
			while (bit())
				q++;
			for (j = 0; j < k; j++)
				rem = rem * 2 + bit();
			doc += q * Math.pow(2, k) + rem + 1;
			docs.push(doc);
			if (!bit())
				wtf.push(1);
			else if (!bigram)
				wtf.push(2);	/* a character: "more than once" */
			else {
				var n = 0, x = 1;
				while (!bit())
					n++;
				for (j = 0; j < n; j++)
					x = x * 2 + bit();
				wtf.push(x + 1);
			}
		}
		return { docs: docs, wtf: wtf };
	}

	function shardOf(term, n) {
		var h = 2166136261;
		for (var ch of term) {
			h ^= ch.codePointAt(0);
			h = Math.imul(h, 16777619) >>> 0;
		}
		return h % n;
	}

	/* ---- loading with <script> (no fetch: file:// must work) ---- */

	var root = document.getElementById('search');
	if (!root)
		return;
	var base = root.getAttribute('data-index') || '';
	var siteRoot = root.getAttribute('data-root') || '../';
	var waiting = {};	/* key -> {resolve, reject} */
	var loaded = {};	/* key -> Promise of the data */
	var meta = null, shards = {}, chunks = {};

	function arrived(key, data) {
		var w = waiting[key];
		if (w) {
			delete waiting[key];
			w.resolve(data);
		}
	}
	window.folioSearch = {
		meta: function (m) { arrived('meta', m); },
		terms: function (i, s) { arrived('t' + i, s); },
		docs: function (i, a) { arrived('d' + i, a); },
		/* For tests: the normalization and the query parser. */
		norm: function (s) { return norm(s); },
		parse: function (s) { return parseQuery(s); }
	};

	function load(key, file) {
		if (loaded[key])
			return loaded[key];
		loaded[key] = new Promise(function (resolve, reject) {
			var el = document.createElement('script');
			waiting[key] = { resolve: resolve, reject: reject };
			el.src = base + file;
			el.async = true;
			el.onerror = function () {
				delete loaded[key];
				reject(new Error('cannot load ' + base + file));
			};
			el.onload = function () { el.remove(); };
			document.head.appendChild(el);
		});
		return loaded[key];
	}

	function pad(n, w) {
		var s = String(n);
		while (s.length < w)
			s = '0' + s;
		return s;
	}

	function loadMeta() {
		return load('meta', 'meta.js').then(function (m) {
			if (meta)
				return meta;
			meta = m;
			meta.dlv = [];
			var r = new Reader(m.dl);
			while (r.more())
				meta.dlv.push(r.get());
			meta.fv = [];	/* per doc: [[ids of facet 0], ...] */
			r = new Reader(m.fd);
			for (var d = 0; d < m.n; d++) {
				var per = [];
				for (var f = 0; f < m.facets.length; f++) {
					var k = r.get(), ids = [];
					while (k-- > 0)
						ids.push(r.get());
					per.push(ids);
				}
				meta.fv.push(per);
			}
			return meta;
		});
	}

	function loadShard(i) {
		return load('t' + i, 't-' + pad(i, 3) + '.js').then(function (s) {
			if (!shards[i]) {
				var m = new Map(), parts = s ? s.split(' ') : [];
				for (var k = 0; k + 1 < parts.length; k += 2)
					m.set(parts[k], parts[k + 1]);
				shards[i] = m;
			}
			return shards[i];
		});
	}

	function loadDoc(d) {
		var c = Math.floor(d / meta.chunk);
		if (chunks[c])
			return Promise.resolve(chunks[c][d % meta.chunk]);
		return load('d' + c, 'd-' + pad(c, 4) + '.js').then(function (a) {
			chunks[c] = chunks[c] || a.map(makeDoc);
			return chunks[c][d % meta.chunk];
		});
	}

	/* A document chunk entry -> {slug, title, ..., blocks}. */
	function makeDoc(a) {
		var doc = {
			slug: a[0], title: a[1], place: a[2], date: a[3],
			region: a[4], byline: a[5], org: a[6], authors: a[7],
			tags: a[8], heads: a[9], body: a[10], _blocks: null
		};
		return doc;
	}

	/* Blocks in stream order: {raw, norm, w, title}. */
	function blocks(doc) {
		if (doc._blocks)
			return doc._blocks;
		var out = [];
		function add(v, w, isTitle) {
			if (!v)
				return;
			v.split('\n').forEach(function (line) {
				if (!line)
					return;
				var n = norm(line);
				if (n)
					out.push({ raw: line, norm: n, w: w,
					    title: isTitle, body: w === W_BODY });
			});
		}
		function addList(l, w) {
			(l || []).forEach(function (v) { add(v, w, false); });
		}
		add(doc.title, W_TITLE, true);
		add(doc.place, W_META);
		addList(doc.region, W_META);
		add(doc.byline, W_META);
		add(doc.org, W_META);
		addList(doc.authors, W_META);
		addList(doc.tags, W_META);
		addList(doc.heads, W_META);
		add(doc.body, W_BODY);
		doc._blocks = out;
		return out;
	}

	/* ---- queries: the same rules as idx_query_parse() ---- */

	function isQuote(c) {
		return c === '"' || c === '\u201c' || c === '\u201d';
	}

	function parseQuery(raw) {
		var cps = Array.from(norm(raw)), n = cps.length, i = 0;
		var words = [], start, neg;
		function add(a, b, neg) {
			var w = cps.slice(a, b).join('');
			if (w && !/^\p{White_Space}*$/u.test(w))
				words.push({ text: w, neg: neg });
		}
		while (i < n) {
			if (SPACE.test(cps[i])) {
				i++;
				continue;
			}
			neg = false;
			if (cps[i] === '-' && i + 1 < n && !SPACE.test(cps[i + 1])) {
				neg = true;
				i++;
			}
			if (isQuote(cps[i])) {
				start = ++i;
				while (i < n && !isQuote(cps[i]))
					i++;
				add(start, i, neg);
				if (i < n)
					i++;
				continue;
			}
			start = i;
			while (i < n && !SPACE.test(cps[i]))
				i++;
			add(start, i, neg);
		}
		return words;
	}

	/*
	 * The index terms of a word: each non-space character, and each
	 * pair of adjacent word characters.  exact: the index alone
	 * decides (one character, or two word characters).
	 */
	function wordTerms(w) {
		var cps = Array.from(w), terms = [], prevWord = false;
		for (var i = 0; i < cps.length; i++) {
			var c = cps[i];
			if (SPACE.test(c)) {
				prevWord = false;
				continue;
			}
			terms.push(c);
			var isw = WORDCH.test(c);
			if (isw && prevWord)
				terms.push(cps[i - 1] + c);
			prevWord = isw;
		}
		var exact = cps.length === 1 || (cps.length === 2 &&
		    WORDCH.test(cps[0]) && WORDCH.test(cps[1]));
		return { terms: terms, exact: exact,
		    key: exact ? (cps.length === 1 ? cps[0] : cps[0] + cps[1]) : null };
	}

	/* Sorted-array intersection. */
	function intersect(a, b) {
		var out = [], i = 0, j = 0;
		while (i < a.length && j < b.length) {
			if (a[i] === b[j]) {
				out.push(a[i]);
				i++;
				j++;
			} else if (a[i] < b[j])
				i++;
			else
				j++;
		}
		return out;
	}

	/* Weighted occurrences of w in doc (0: absent). */
	function countIn(doc, w) {
		var bl = blocks(doc), n = 0;
		for (var i = 0; i < bl.length; i++) {
			var p = bl[i].norm.indexOf(w), c = 0;
			while (p >= 0) {
				c++;
				p = bl[i].norm.indexOf(w, p + w.length);
			}
			n += c * bl[i].w;
		}
		return n;
	}

	/*
	 * Run a parsed query: every matching document with its score.
	 * progress(done, total) is called while candidates are verified.
	 */
	function execute(words, progress, isStale) {
		return loadMeta().then(function () {
			var need = new Set();
			words.forEach(function (w) {
				/* No shards (a small archive): check every text. */
				w.t = meta.shards ? wordTerms(w.text) :
				    { terms: [], exact: false, key: null };
				w.t.terms.forEach(function (t) {
					need.add(shardOf(t, meta.shards));
				});
			});
			return Promise.all(Array.from(need).map(loadShard));
		}).then(function () {
			var all = null, i, d, alldocs = [];
			for (d = 0; d < meta.n; d++)
				alldocs.push(d);
			words.forEach(function (w) {
				var docs = null;
				w.tf = new Map();
				w.t.terms.forEach(function (t) {
					var s = shards[shardOf(t, meta.shards)].get(t);
					var p = s ? postings(s, Array.from(t).length === 2) :
					    { docs: [], wtf: [] };
					docs = docs ? intersect(docs, p.docs) : p.docs;
					if (t === w.t.key)
						for (var k = 0; k < p.docs.length; k++)
							w.tf.set(p.docs[k], p.wtf[k]);
				});
				w.docs = docs || alldocs;
			});
			var pos = words.filter(function (w) { return !w.neg; });
			if (pos.length === 0)
				all = alldocs;
			pos.forEach(function (w) {
				all = all ? intersect(all, w.docs) : w.docs;
			});
			words.forEach(function (w) {
				if (w.neg && w.t.exact) {
					var drop = new Set(w.docs);
					all = all.filter(function (x) { return !drop.has(x); });
				}
			});
			var verify = words.filter(function (w) { return !w.t.exact; });
			if (verify.length === 0)
				return all;
			/* Load the candidates' text and check the inexact words. */
			var negSets = verify.map(function (w) { return new Set(w.docs); });
			var out = [], done = 0, total = all.length, allSet = new Set(all);
			var chunkIds = Array.from(new Set(all.map(function (x) {
				return Math.floor(x / meta.chunk);
			})));
			progress(0, total);
			return Promise.all(chunkIds.map(function (c) {
				return loadDoc(c * meta.chunk).then(function () {
					if (isStale())
						return;
					for (var j = 0; j < meta.chunk; j++) {
						var x = c * meta.chunk + j;
						if (x >= meta.n || !allSet.has(x))
							continue;
						var doc = chunks[c][j], ok = true;
						for (var k = 0; k < verify.length && ok; k++) {
							var w = verify[k];
							if (w.neg && !negSets[k].has(x))
								continue;
							var n = countIn(doc, w.text);
							if (!w.neg && n > 0)
								w.tf.set(x, n);
							ok = w.neg ? n === 0 : n > 0;
						}
						if (ok)
							out.push(x);
						done++;
					}
					progress(done, total);
				});
			})).then(function () {
				return out.sort(function (a, b) { return a - b; });
			});
		}).then(function (matches) {
			/* BM25 over the plain words, with field-weighted tf. */
			var pos = words.filter(function (w) { return !w.neg; });
			var N = meta.n, set = new Set(matches);
			pos.forEach(function (w) {
				var df = w.t.exact ? w.docs.length :
				    w.docs.filter(function (x) { return set.has(x); }).length;
				w.idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
			});
			var scored = matches.map(function (d) {
				var s = 0, dl = meta.dlv[d] || 1;
				pos.forEach(function (w) {
					var tf = w.tf.get(d) || 1;
					s += w.idf * tf * (K1 + 1) /
					    (tf + K1 * (1 - B + B * dl / meta.avgdl));
				});
				return { doc: d, score: s };
			});
			scored.sort(function (a, b) {
				return b.score - a.score || b.doc - a.doc;
			});
			return scored;
		});
	}

	/* ---- snippets and highlighting ---- */

	/*
	 * Map a raw block to its normalized form piece by piece (a base
	 * character with its marks): map[k] = raw UTF-16 offset where
	 * normalized offset k starts.  null if the pieces do not add up
	 * to the block's normalized text.
	 */
	function mapBlock(b) {
		if (b._map !== undefined)
			return b._map;
		var raw = b.raw, map = [], out = '', i = 0;
		while (i < raw.length) {
			var j = i + (raw.codePointAt(i) > 0xffff ? 2 : 1);
			while (j < raw.length && MARK.test(String.fromCodePoint(raw.codePointAt(j))))
				j += raw.codePointAt(j) > 0xffff ? 2 : 1;
			var piece = norm(raw.slice(i, j));
			for (var k = 0; k < piece.length; k++)
				map.push(i);
			out += piece;
			i = j;
		}
		map.push(raw.length);
		b._map = out === b.norm ? map : null;
		return b._map;
	}

	/* Ranges [start, end) in normalized text where words occur. */
	function hits(text, words) {
		var r = [];
		words.forEach(function (w) {
			var p = text.indexOf(w);
			while (p >= 0 && w) {
				r.push([p, p + w.length]);
				p = text.indexOf(w, p + w.length);
			}
		});
		r.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
		var m = [];
		r.forEach(function (x) {
			if (m.length && x[0] <= m[m.length - 1][1])
				m[m.length - 1][1] = Math.max(m[m.length - 1][1], x[1]);
			else
				m.push(x.slice());
		});
		return m;
	}

	/*
	 * Append text (raw block b, or a plain string) to el with the
	 * words marked, showing at most about max characters around the
	 * first hit.  Text goes in with textContent only.
	 */
	function marked(el, b, words, max) {
		var map = mapBlock(b), text = map ? b.raw : b.norm;
		var r = hits(b.norm, words).map(function (x) {
			return map ? [map[x[0]], map[x[1]]] : x;
		});
		var from = 0, to = text.length, ell0 = false, ell1 = false;
		if (max && text.length > max) {
			var c = r.length ? r[0][0] : 0;
			from = Math.max(0, c - Math.floor(max / 3));
			to = Math.min(text.length, from + max);
			from = Math.max(0, Math.min(from, to - max));
			ell0 = from > 0;
			ell1 = to < text.length;
		}
		if (ell0)
			el.appendChild(document.createTextNode('…'));
		var at = from;
		r.forEach(function (x) {
			var s = Math.max(x[0], from), e = Math.min(x[1], to);
			if (s >= e || s < at)
				return;
			el.appendChild(document.createTextNode(text.slice(at, s)));
			var m = document.createElement('mark');
			m.textContent = text.slice(s, e);
			el.appendChild(m);
			at = e;
		});
		el.appendChild(document.createTextNode(text.slice(at, to)));
		if (ell1)
			el.appendChild(document.createTextNode('…'));
	}

	/* The block to show: the body block with most query words. */
	function bestBlock(doc, words) {
		var bl = blocks(doc), best = null, bestN = 0;
		for (var i = 0; i < bl.length; i++) {
			if (bl[i].title)
				continue;
			var n = 0;
			words.forEach(function (w) {
				if (bl[i].norm.indexOf(w) >= 0)
					n += bl[i].body ? 2 : 1;
			});
			if (n > bestN) {
				best = bl[i];
				bestN = n;
			}
		}
		if (best)
			return best;
		for (i = 0; i < bl.length; i++)
			if (bl[i].body)
				return bl[i];
		return null;
	}

	/* ---- the page ---- */

	var input = document.getElementById('q');
	var form = document.getElementById('search-form');
	var list = document.getElementById('results');
	var count = document.getElementById('count');
	var more = document.getElementById('more');
	var empty = document.getElementById('empty');
	var facetBox = document.getElementById('facets');
	var FACET_LABEL = { province: '省份', tag: '标签', source: '机构 / 作者' };
	var FACET_PARAM = { province: 'province', tag: 'tag', source: 'source' };
	var gen = 0, current = null, timer = 0;

	function params() {
		return new URLSearchParams(location.search);
	}

	function setURL(q, filters, push) {
		var p = new URLSearchParams();
		if (q)
			p.set('q', q);
		Object.keys(filters).forEach(function (k) {
			if (filters[k])
				p.set(k, filters[k]);
		});
		var s = p.toString();
		var url = location.pathname + (s ? '?' + s : '');
		if (url === location.pathname + location.search)
			return;
		try {
			if (push)
				history.pushState(null, '', url);
			else
				history.replaceState(null, '', url);
		} catch (e) {
			/* Some browsers refuse history on file://: the page works without. */
		}
	}

	function filtersFromURL() {
		var p = params(), f = {};
		Object.keys(FACET_PARAM).forEach(function (k) {
			f[k] = p.get(FACET_PARAM[k]) || '';
		});
		return f;
	}

	var filters = filtersFromURL();

	function clear(el) {
		while (el.firstChild)
			el.removeChild(el.firstChild);
	}

	function setCount(text) {
		count.textContent = text;
	}

	function facetMatches(d) {
		for (var f = 0; f < meta.facets.length; f++) {
			var name = meta.facets[f][0], want = filters[name];
			if (!want)
				continue;
			var vals = meta.facets[f][1], ids = meta.fv[d][f], ok = false;
			for (var k = 0; k < ids.length; k++)
				if (vals[ids[k]] === want)
					ok = true;
			if (!ok)
				return false;
		}
		return true;
	}

	function renderFacets(scored) {
		clear(facetBox);
		if (!scored.length) {
			facetBox.hidden = true;
			return;
		}
		meta.facets.forEach(function (fc, f) {
			var name = fc[0], vals = fc[1], counts = new Map();
			scored.forEach(function (s) {
				meta.fv[s.doc][f].forEach(function (id) {
					counts.set(id, (counts.get(id) || 0) + 1);
				});
			});
			if (!counts.size)
				return;
			var top = Array.from(counts.entries()).sort(function (a, b) {
				return b[1] - a[1] || (vals[a[0]] < vals[b[0]] ? -1 : 1);
			}).slice(0, 8);
			var sec = document.createElement('section');
			sec.className = 'facet';
			var h = document.createElement('h2');
			h.textContent = FACET_LABEL[name] || name;
			sec.appendChild(h);
			var ul = document.createElement('ul');
			if (filters[name] && !top.some(function (t) { return vals[t[0]] === filters[name]; }))
				top.unshift([vals.indexOf(filters[name]), 0]);
			top.forEach(function (t) {
				var li = document.createElement('li');
				var btn = document.createElement('button');
				btn.type = 'button';
				var on = filters[name] === vals[t[0]];
				btn.setAttribute('aria-pressed', on ? 'true' : 'false');
				btn.setAttribute('data-facet', name);
				var label = document.createElement('span');
				label.textContent = vals[t[0]];
				var n = document.createElement('span');
				n.className = 'facet-n';
				n.textContent = String(t[1]);
				btn.appendChild(label);
				btn.appendChild(n);
				btn.addEventListener('click', function () {
					filters[name] = on ? '' : vals[t[0]];
					setURL(input.value.trim(), filters, true);
					show(current);
				});
				li.appendChild(btn);
				ul.appendChild(li);
			});
			sec.appendChild(ul);
			facetBox.appendChild(sec);
		});
		facetBox.hidden = !facetBox.firstChild;
	}

	function renderItem(doc, words) {
		var li = document.createElement('li');
		li.className = 'result';
		var a = document.createElement('a');
		a.href = siteRoot + 'articles/' + encodeURIComponent(doc.slug) + '.html';
		a.className = 'result-link';
		var h = document.createElement('h2');
		h.className = 'result-title';
		var tb = blocks(doc).filter(function (b) { return b.title; })[0];
		if (tb)
			marked(h, tb, words, 0);
		else
			h.textContent = doc.title;
		a.appendChild(h);
		li.appendChild(a);
		var m = document.createElement('p');
		m.className = 'result-meta';
		var bits = [doc.place, doc.date, doc.byline].filter(Boolean);
		m.textContent = bits.join(' · ');
		li.appendChild(m);
		var b = bestBlock(doc, words);
		if (b) {
			var p = document.createElement('p');
			p.className = 'result-snippet';
			marked(p, b, words, 90);
			li.appendChild(p);
		}
		return li;
	}

	/* Show results from `shown` on; PAGE at a time. */
	function renderPage(view, from, myGen) {
		var page = view.slice(from, from + PAGE);
		return Promise.all(page.map(function (s) {
			return loadDoc(s.doc);
		})).then(function (docs) {
			if (myGen !== gen)
				return;
			docs.forEach(function (doc) {
				list.appendChild(renderItem(doc, current.plain));
			});
			current.shown = from + page.length;
			more.hidden = current.shown >= view.length;
		});
	}

	/* Facet filter + render of a finished search. */
	function show(res) {
		if (!res)
			return;
		var myGen = gen;
		var view = res.scored.filter(function (s) { return facetMatches(s.doc); });
		res.view = view;
		clear(list);
		list.setAttribute('data-count', String(view.length));
		renderFacets(res.scored);
		empty.hidden = true;
		clear(empty);
		more.hidden = true;
		if (view.length === 0) {
			setCount('没有找到与“' + res.q + '”相符的文章');
			showEmpty(res);
			list.setAttribute('data-state', 'done');
			return Promise.resolve();
		}
		setCount('找到 ' + view.length + ' 篇文章' +
		    (view.length < res.scored.length ? '（已筛选，共 ' + res.scored.length + ' 篇）' : ''));
		return renderPage(view, 0, myGen).then(function () {
			if (myGen === gen)
				list.setAttribute('data-state', 'done');
		});
	}

	/* Related terms (Intl.Segmenter words of the query) and browsing. */
	function showEmpty(res) {
		var p = document.createElement('p');
		p.textContent = '试试更短的词，或去掉引号和排除词。';
		empty.appendChild(p);
		var words = [];
		if (window.Intl && Intl.Segmenter) {
			var seg = new Intl.Segmenter('zh', { granularity: 'word' });
			res.words.forEach(function (w) {
				for (var s of seg.segment(w.text))
					if (s.isWordLike && Array.from(s.segment).length >= 2 &&
					    s.segment !== w.text)
						words.push(s.segment);
			});
		}
		res.words.forEach(function (w) {
			var cps = Array.from(w.text);
			if (!words.length && cps.length > 2)
				for (var i = 0; i + 2 <= cps.length && words.length < 6; i += 2)
					words.push(cps.slice(i, i + 2).join(''));
		});
		words = Array.from(new Set(words)).slice(0, 8);
		if (words.length) {
			var q = document.createElement('p');
			q.textContent = '相关词：';
			words.forEach(function (w, i) {
				var a = document.createElement('a');
				a.href = '?q=' + encodeURIComponent(w);
				a.textContent = w;
				a.addEventListener('click', function (e) {
					e.preventDefault();
					input.value = w;
					start(true);
				});
				if (i)
					q.appendChild(document.createTextNode('　'));
				q.appendChild(a);
			});
			empty.appendChild(q);
		}
		var br = document.createElement('p');
		var a = document.createElement('a');
		a.href = siteRoot + 'regions/index.html';
		a.textContent = '按地区浏览全部文章';
		br.appendChild(a);
		empty.appendChild(br);
		empty.hidden = false;
	}

	function start(push) {
		var q = input.value.trim();
		var myGen = ++gen;
		setURL(q, filters, push);
		var words = parseQuery(q);
		list.setAttribute('data-state', 'busy');
		if (!words.length) {
			current = null;
			clear(list);
			clear(empty);
			empty.hidden = true;
			facetBox.hidden = true;
			more.hidden = true;
			list.setAttribute('data-count', '0');
			list.setAttribute('data-q', q);
			list.setAttribute('data-state', 'done');
			setCount(q ? '请输入要搜索的词' : '');
			return Promise.resolve();
		}
		setCount('正在搜索…');
		var plain = words.filter(function (w) { return !w.neg; })
		    .map(function (w) { return w.text; });
		return execute(words, function (done, total) {
			if (myGen === gen && total > 0)
				setCount('正在核对 ' + done + ' / ' + total + ' 篇候选文章…');
		}, function () { return myGen !== gen; }).then(function (scored) {
			if (myGen !== gen)
				return;
			current = { q: q, words: words, plain: plain, scored: scored, shown: 0 };
			list.setAttribute('data-q', q);
			return show(current);
		}).catch(function (e) {
			if (myGen !== gen)
				return;
			setCount('搜索索引无法加载（' + e.message + '）');
			list.setAttribute('data-state', 'error');
		});
	}

	input.addEventListener('input', function () {
		clearTimeout(timer);
		timer = setTimeout(function () { start(false); }, 60);
	});
	form.addEventListener('submit', function (e) {
		e.preventDefault();
		clearTimeout(timer);
		start(true);
	});
	more.addEventListener('click', function () {
		if (current && current.view)
			renderPage(current.view, current.shown, gen);
	});
	window.addEventListener('popstate', function () {
		input.value = params().get('q') || '';
		filters = filtersFromURL();
		start(false);
	});

	/* Keyboard: / focuses the box, arrows move through results. */
	document.addEventListener('keydown', function (e) {
		var t = e.target, links;
		if (e.key === '/' && t !== input && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) &&
		    !t.isContentEditable) {
			e.preventDefault();
			input.focus();
			input.select();
			return;
		}
		if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')
			return;
		links = Array.prototype.slice.call(list.querySelectorAll('a.result-link'));
		if (!links.length)
			return;
		var i = links.indexOf(document.activeElement);
		if (t === input) {
			if (e.key !== 'ArrowDown')
				return;
			i = 0;
		} else if (i < 0)
			return;
		else if (e.key === 'ArrowDown')
			i = Math.min(i + 1, links.length - 1);
		else if (i === 0) {
			e.preventDefault();
			input.focus();
			return;
		} else
			i--;
		e.preventDefault();
		links[i].focus();
	});

	input.value = params().get('q') || '';
	/* The header's search box on this page mirrors ours. */
	var top = document.getElementById('q-top');
	if (top)
		top.value = input.value;
	if (input.value)
		start(false);
	else {
		list.setAttribute('data-state', 'done');
		loadMeta().catch(function () {});
	}
	input.focus();
})();
