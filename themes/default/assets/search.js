/*
 * search.js: folio's search page.  Loads the index that searchidx.c
 * wrote (search/meta.js, t-NNN.js term shards, b-HEX.js big terms,
 * d-NNNN.js document chunks) with <script> elements, so it works on
 * any static host and from file://.  Query rules are those of
 * idx_query_parse() in C: words split on spaces and ANDed, "quoted
 * phrase" exact, -word excluded; every word is a contiguous substring
 * of one block.  The index decides words by the positions of their
 * pairs; only a word with a letter standing alone between other
 * characters ("a-b") needs the articles' text.
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
	var U0 = 0x3000;	/* code unit of 15 zero bits (U16BASE) */
	/* Document chunks: separators and escape (chunk_doc in C). */
	var C_DOC = '\x1d', C_ITEM = '\x1e', C_FLD = '\x1f', C_ESC = '\x1b';
	/* Field weights by block kind, as fweight[] in searchidx.c. */
	var W_TITLE = 4, W_META = 2, W_BODY = 1;
	var PAGE = 10, FIRST = 3, K1 = 1.2, B = 0.75, DEBOUNCE = 60;

	var SPACE = /\p{White_Space}/u;
	var WORDCH = /[\p{L}\p{N}\p{M}]/u;
	var MARK = /\p{M}/u;
	/* seg_edge_punct() in C: punctuation a query word sheds at its ends. */
	var EDGE = /[\p{Terminal_Punctuation}\p{Ps}\p{Pe}\p{Pi}\p{Pf}]/u;

	/*
	 * NFKC + full case folding, the same as seg_norm() in C.  Folding
	 * is upper- then lower-casing except: dotless i stays, Cherokee
	 * folds to upper case, final sigma and sharp s fold like the rest.
	 * (tests/browser checks every BMP character against C.)  STABLE:
	 * characters that NFKC and folding leave as they are.
	 */
	var STABLE = /^[\x20-\x40\x5b-\x7e\u00b7\u2014\u2018\u2019\u201c\u201d\u3001-\u3011\u3014-\u301f\u4e00-\u9fff]*$/;
	function norm(s) {
		/* Most lines: Han, CJK punctuation and ASCII without capitals, which both leave alone. */
		if (STABLE.test(s))
			return s;
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

	/* A cursor over an ASCII varint string (meta.js). */
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

	/* rice_k() in C: largest k with 2^(k+1) <= 0.69 * num / den. */
	function riceK(num, den) {
		var k = 0, v = den * 200, lim = num * 69;
		while (k < 30 && v <= lim) {
			k++;
			v *= 2;
		}
		return k;
	}

	/* Does the index keep positions of term t?  Pairs, and non-word characters. */
	function positional(t) {
		return t.length > (t.codePointAt(0) > 0xffff ? 2 : 1) || !WORDCH.test(t);
	}

	var NOTERM = { docs: new Int32Array(0), wtf: new Int32Array(0),
	    off: new Int32Array(1), pos: new Int32Array(0) };

	/* A reader of 15-bit code units from s at i, high bit first. */
	function Bits(s, i) {
		this.s = s;
		this.i = i;
		this.acc = 0;	/* the low n bits pending */
		this.n = 0;
	}
	Bits.prototype.bits = function (k) {
		var v = 0, t;
		while (k > 0) {
			if (this.n === 0) {
				this.acc = this.s.charCodeAt(this.i++) - U0;
				this.n = 15;
			}
			t = k < this.n ? k : this.n;
			this.n -= t;
			k -= t;
			v = v * (1 << t) + ((this.acc >>> this.n) & ((1 << t) - 1));
		}
		return v;
	};
	/* Elias gamma: z 0s, then z + 1 bits.  (Past the end: an error, not zeros forever.) */
	Bits.prototype.gamma = function () {
		var z = 0, w, c;
		for (;;) {
			if (this.n === 0) {
				if (this.i >= this.s.length)
					throw new Error('search index entry cut short');
				this.acc = this.s.charCodeAt(this.i++) - U0;
				this.n = 15;
			}
			w = this.acc & ((1 << this.n) - 1);
			if (w !== 0)
				break;
			z += this.n;
			this.n = 0;
		}
		c = Math.clz32(w << (32 - this.n));
		this.n -= c;
		return this.bits(z + c + 1);
	};
	/* Rice(v, k): 1s up to a 0, then k bits. */
	Bits.prototype.rice = function (k) {
		var q = 0, t, w, z, n = this.n, acc = this.acc;
		for (;;) {
			if (n === 0) {
				acc = this.s.charCodeAt(this.i++) - U0;
				n = 15;
			}
			t = (1 << n) - 1;
			w = acc & t;
			if (w !== t)
				break;
			q += n;
			n = 0;
		}
		z = Math.clz32(~(w << (32 - n)));
		n -= z + 1;
		q = (q + z) * (1 << k);
		this.acc = acc;
		if (n >= k) {
			this.n = n - k;
			return q + ((acc >>> this.n) & ((1 << k) - 1));
		}
		this.n = n;
		return q + this.bits(k);
	};

	/*
	 * A term's entry (put_term in C) from code unit at of s, 15 bits a
	 * unit, high bit first: k (5 bits), gamma(df), then per document
	 * Rice(gap, k) and either the "more than once" bit or gamma(count),
	 * gamma(weighted count - count + 1) and, if that is not 1,
	 * gamma(positions before the body); then, for a positional term,
	 * the positions (read only withPos).  -> {docs, wtf, off, pos}:
	 * pos[off[j]..off[j+1]) are docs[j]'s.
	 */
	function decodeTerm(s, at, isPos, withPos) {
		var r = new Bits(s, at), k = r.bits(5), df = r.gamma(), j, c, p, e;
		var docs = new Int32Array(df), wtf = new Int32Array(df), doc = -1;
		if (!isPos) {
			for (j = 0; j < df; j++) {
				doc += r.rice(k) + 1;
				docs[j] = doc;
				wtf[j] = r.bits(1) + 1;
			}
			return { docs: docs, wtf: wtf, off: null, pos: null };
		}
		var off = new Int32Array(df + 1), head = new Int32Array(df);
		for (j = 0; j < df; j++) {
			doc += r.rice(k) + 1;
			docs[j] = doc;
			c = r.gamma();
			e = r.gamma() - 1;
			wtf[j] = c + e;
			head[j] = e > 0 ? r.gamma() : 0;
			off[j + 1] = off[j] + c;
		}
		if (!withPos)
			return { docs: docs, wtf: wtf, off: off, pos: null };
		/* Positions before the body from 0, the body's from its start. */
		var pos = new Int32Array(off[df]), dl = meta.dl, bs = meta.bs, h;
		var acc = r.acc, n = r.n, i = r.i, q, m, t, w;
		for (j = 0; j < df; j++) {
			c = off[j + 1] - off[j];
			k = riceK(dl[docs[j]], c);
			h = off[j] + head[j];
			for (p = -1, e = off[j]; e < off[j + 1]; e++) {
				if (e === h)
					p = bs[docs[j]] - 1;
				/* Bits.rice(k), the reader's state in locals: most of the work. */
				for (q = 0; ; q += n, n = 0) {
					if (n === 0) {
						acc = s.charCodeAt(i++) - U0;
						n = 15;
					}
					t = (1 << n) - 1;
					if ((w = acc & t) !== t)
						break;
				}
				m = Math.clz32(~(w << (32 - n)));
				n -= m + 1;
				q = (q + m) * (1 << k);
				for (m = k; m > n; m -= n, n = 15, acc = s.charCodeAt(i++) - U0)
					q += (acc & ((1 << n) - 1)) * (1 << (m - n));
				n -= m;
				pos[e] = p += q + ((acc >>> n) & ((1 << m) - 1)) + 1;
			}
		}
		return { docs: docs, wtf: wtf, off: off, pos: pos };
	}

	/*
	 * A made-up term entry in put_term's format, for warmUp(): post is
	 * [[doc, positions], ...] by ascending doc, positions as
	 * decodeTerm gives them back (ascending; those below the body's
	 * start meta.bs[doc] count as metadata, weight 2), or for a term
	 * without positions [[doc, more than once], ...].
	 */
	function madeUpEntry(post, isPos) {
		var out = [], acc = 0, nb = 0, df = post.length, k, j, i, p, c, h;
		function put(v, len) {	/* len bits of v, high first */
			while (len-- > 0) {
				acc = acc * 2 + (Math.floor(v / Math.pow(2, len)) & 1);
				if (++nb === 15) {
					out.push(String.fromCharCode(U0 + acc));
					acc = nb = 0;
				}
			}
		}
		function gamma(v) {
			var z = Math.floor(Math.log2(v));
			put(0, z);
			put(v, z + 1);
		}
		function rice(v, k) {
			var q = Math.floor(v / Math.pow(2, k));
			for (; q > 0; q--)
				put(1, 1);
			put(0, 1);
			put(v % Math.pow(2, k), k);
		}
		function before(x) {
			return x[1].filter(function (p) { return p < meta.bs[x[0]]; }).length;
		}
		k = riceK(meta.n - df, df);
		put(k, 5);
		gamma(df);
		for (j = 0; j < df; j++) {
			rice(post[j][0] - (j ? post[j - 1][0] : -1) - 1, k);
			if (!isPos) {
				put(post[j][1] ? 1 : 0, 1);
				continue;
			}
			h = before(post[j]);
			gamma(post[j][1].length);
			gamma(h + 1);	/* metadata weighs 2: one extra each */
			if (h > 0)
				gamma(h);
		}
		for (j = 0; isPos && j < df; j++) {
			c = post[j][1].length;
			h = before(post[j]);
			for (p = -1, i = 0; i < c; i++) {
				if (i === h)
					p = meta.bs[post[j][0]] - 1;
				rice(post[j][1][i] - p - 1, riceK(meta.dl[post[j][0]], c));
				p = post[j][1][i];
			}
		}
		if (nb > 0)
			put(0, 15 - nb);
		return out.join('');
	}

	function shardOf(term, n) {
		var h = 2166136261;
		for (var ch of term) {
			h ^= ch.codePointAt(0);
			h = Math.imul(h, 16777619) >>> 0;
		}
		return h % n;
	}

	/* The name of a big term's file (big_name in C). */
	function bigName(term) {
		return Array.from(term).map(function (c) {
			return c.codePointAt(0).toString(16);
		}).join('-');
	}

	/* ---- loading with <script> (no fetch: file:// must work) ---- */

	var root = document.getElementById('search');
	if (!root)
		return;
	var base = root.getAttribute('data-index') || '';
	var siteRoot = root.getAttribute('data-root') || '../';
	var waiting = {};	/* key -> {resolve, reject} */
	var loaded = {};	/* key -> Promise of the data */
	var meta = null;
	var entries = new Map();	/* term -> [string, code unit] of its entry */
	var decoded = new Map();	/* term -> decodeTerm's result */
	var chunks = {};	/* chunk number -> Promise of its documents */

	function arrived(key, data) {
		var w = waiting[key];
		if (w) {
			delete waiting[key];
			w.resolve(data);
		}
	}
	window.folioSearch = {
		meta: function (m) { arrived('meta', m); },
		terms: function (id, keys, data) { arrived('t' + id, [keys, data]); },
		docs: function (i, len, s) { arrived('d' + i, [len, s]); },
		/* For tests: the normalization, the query parser, the inflater. */
		norm: function (s) { return norm(s); },
		parse: function (s) { return parseQuery(s); },
		inflate: function (len, s) { return inflate(len, s); }
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

	/*
	 * Phases of a query as User Timing marks, for bench/latency.mjs
	 * --phases, which sets window.folioTrace (a mark is not free:
	 * Chromium reports each one to the browser process).
	 */
	function mark(name) {
		if (window.folioTrace && window.performance && performance.mark)
			performance.mark('folio:' + name);
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
			var r = new Reader(m.dl), d, f;
			m.dl = new Int32Array(m.n);
			m.te = new Int32Array(m.n);
			m.bs = new Int32Array(m.n);
			for (d = 0; d < m.n; d++)
				m.dl[d] = r.get();
			r = new Reader(m.fb);
			for (d = 0; d < m.n; d++) {
				m.te[d] = r.get();
				m.bs[d] = m.te[d] + r.get();
			}
			m.big = new Set(m.big ? m.big.split('\n') : []);
			/* Facet f of doc d: value ids fi[f][fo[f][d]..fo[f][d + 1]). */
			var nf = m.facets.length, ids = [], k;
			m.fo = [];
			m.fi = [];
			for (f = 0; f < nf; f++) {
				m.fo.push(new Int32Array(m.n + 1));
				ids.push([]);
			}
			r = new Reader(m.fd);
			for (d = 0; d < m.n; d++)
				for (f = 0; f < nf; f++) {
					for (k = r.get(); k > 0; k--)
						ids[f].push(r.get());
					m.fo[f][d + 1] = ids[f].length;
				}
			for (f = 0; f < nf; f++)
				m.fi.push(Int32Array.from(ids[f]));
			meta = m;
			return meta;
		});
	}

	/* Load the file holding term t; its entries go to `entries`. */
	function loadTerm(t) {
		var key, file;
		if (entries.has(t))
			return Promise.resolve();
		if (meta.big.has(t)) {
			key = 'b' + bigName(t);
			file = 'b-' + bigName(t) + '.js';
		} else {
			key = shardOf(t, meta.shards);
			file = 't-' + pad(key, 3) + '.js';
		}
		return load('t' + key, file).then(function (kd) {
			if (kd[2])
				return;
			kd[2] = true;	/* indexed */
			var keys = kd[0] ? kd[0].split('\n') : [], s = kd[1], at = 0;
			for (var i = 0; i < keys.length; i++) {
				var len = (s.charCodeAt(at) - U0) * 32768 + s.charCodeAt(at + 1) - U0;
				entries.set(keys[i], [s, at + 2]);
				at += 2 + len;
			}
		});
	}

	/* The decoded postings of term t (loaded), withPos: positions too. */
	function term(t, withPos) {
		var d = decoded.get(t), e;
		if (d && (d.pos || !withPos || !d.off))
			return d;
		e = entries.get(t);
		d = e ? decodeTerm(e[0], e[1], positional(t), withPos) : NOTERM;
		decoded.set(t, d);
		return d;
	}

	/*
	 * Raw DEFLATE (RFC 1951) of z[0..z.length), inflated here and at
	 * once, as zlib's puff.c does it: the browser's DecompressionStream
	 * hands the bytes back tasks later (measured in Chromium: 10-20 ms
	 * a chunk against 1-2 here, on the first results' path).  Throws
	 * on bytes that are not DEFLATE.
	 */
	var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
	var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
	    4, 4, 4, 4, 5, 5, 5, 5, 0];
	var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193,
	    12289, 16385, 24577];
	var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
	    9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
	var CLORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2,
	    14, 1, 15];

	/* A canonical Huffman code from code lengths len[0..n). */
	function huffman(len, n) {
		var count = new Int16Array(16), offs = new Int16Array(16);
		var symbol = new Int16Array(n), i;
		for (i = 0; i < n; i++)
			count[len[i]]++;
		for (i = 1; i < 15; i++)
			offs[i + 1] = offs[i] + count[i];
		for (i = 0; i < n; i++)
			if (len[i])
				symbol[offs[len[i]]++] = i;
		return { count: count, symbol: symbol };
	}

	function inflateRaw(z) {
		var out = new Uint8Array(z.length * 4 + 64), op = 0;
		var ip = 0, bb = 0, bc = 0, last, type, i, n, h;
		var lens = new Uint8Array(320), fixL = null, fixD = null;
		function bits(k) {
			var v;
			while (bc < k) {
				if (ip >= z.length)
					throw new Error('inflate: cut short');
				bb |= z[ip++] << bc;
				bc += 8;
			}
			v = bb & ((1 << k) - 1);
			bb >>>= k;
			bc -= k;
			return v;
		}
		function decode(t) {
			var code = 0, first = 0, index = 0, l, c;
			for (l = 1; l < 16; l++) {
				code |= bits(1);
				c = t.count[l];
				if (code - c < first)
					return t.symbol[index + code - first];
				index += c;
				first = (first + c) << 1;
				code <<= 1;
			}
			throw new Error('inflate: bad code');
		}
		function room(k) {
			var o;
			if (op + k <= out.length)
				return;
			o = new Uint8Array(Math.max(out.length * 2, op + k));
			o.set(out.subarray(0, op));
			out = o;
		}
		function codes(lt, dt) {
			var sym, len, dist;
			for (;;) {
				sym = decode(lt);
				if (sym < 256) {
					room(1);
					out[op++] = sym;
				} else if (sym === 256)
					return;
				else {
					sym -= 257;
					if (sym >= 29)
						throw new Error('inflate: bad length');
					len = LBASE[sym] + bits(LEXT[sym]);
					sym = decode(dt);
					if (sym >= 30)
						throw new Error('inflate: bad distance');
					dist = DBASE[sym] + bits(DEXT[sym]);
					if (dist > op)
						throw new Error('inflate: distance too far');
					room(len);
					for (; len > 0; len--, op++)
						out[op] = out[op - dist];
				}
			}
		}
		do {
			last = bits(1);
			type = bits(2);
			if (type === 0) {	/* stored: from the next byte on */
				bb = bc = 0;
				if (ip + 4 > z.length)
					throw new Error('inflate: cut short');
				n = z[ip] | z[ip + 1] << 8;
				if ((n ^ (z[ip + 2] | z[ip + 3] << 8)) !== 0xffff)
					throw new Error('inflate: bad stored block');
				ip += 4;
				if (ip + n > z.length)
					throw new Error('inflate: cut short');
				room(n);
				out.set(z.subarray(ip, ip + n), op);
				ip += n;
				op += n;
			} else if (type === 1) {
				if (!fixL) {
					for (i = 0; i < 288; i++)
						lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
					fixL = huffman(lens, 288);
					for (i = 0; i < 30; i++)
						lens[i] = 5;
					fixD = huffman(lens, 30);
				}
				codes(fixL, fixD);
			} else if (type === 2) {
				var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
				if (nlen > 286 || ndist > 30)
					throw new Error('inflate: bad counts');
				lens.fill(0);
				for (i = 0; i < ncode; i++)
					lens[CLORDER[i]] = bits(3);
				h = huffman(lens, 19);
				for (i = 0; i < nlen + ndist;) {
					var sym = decode(h), rep, v = 0;
					if (sym < 16) {
						lens[i++] = sym;
						continue;
					}
					if (sym === 16) {
						if (i === 0)
							throw new Error('inflate: repeat of nothing');
						v = lens[i - 1];
						rep = 3 + bits(2);
					} else
						rep = sym === 17 ? 3 + bits(3) : 11 + bits(7);
					if (i + rep > nlen + ndist)
						throw new Error('inflate: too many lengths');
					for (; rep > 0; rep--)
						lens[i++] = v;
				}
				codes(huffman(lens.subarray(0, nlen), nlen),
				    huffman(lens.subarray(nlen, nlen + ndist), ndist));
			} else
				throw new Error('inflate: bad block type');
		} while (!last);
		return out.subarray(0, op);
	}

	/* Bytes to string: 15 bits a code unit, deflate-raw, UTF-16LE. */
	function inflate(len, s) {
		var bytes = new Uint8Array(len), acc = 0, n = 0, i = 0, j;
		for (j = 0; j < len; j++) {
			if (n < 8) {
				acc = (acc << 15 | (s.charCodeAt(i++) - U0)) & 0x7fffff;
				n += 15;
			}
			n -= 8;
			bytes[j] = (acc >>> n) & 0xff;
		}
		return new TextDecoder('utf-16le').decode(inflateRaw(bytes));
	}

	function unescape(v) {
		return v.indexOf(C_ESC) < 0 ? v : v.replace(/\x1b([\s\S])/g, function (m, c) {
			return String.fromCharCode(c.charCodeAt(0) - 0x40);
		});
	}

	function items(v) {
		return v ? v.split(C_ITEM).map(unescape) : [];
	}

	/* A document of a chunk (chunk_doc in C) -> {slug, title, ..., body}. */
	function makeDoc(text) {
		var f = text.split(C_FLD);
		return {
			slug: unescape(f[0]), title: unescape(f[1]), place: unescape(f[2]),
			date: unescape(f[3]), region: items(f[4]), byline: unescape(f[5]),
			org: unescape(f[6]), authors: items(f[7]), tags: items(f[8]),
			heads: items(f[9]), body: unescape(f[10] || ''), _blocks: null
		};
	}

	function loadChunk(c) {
		if (!chunks[c])
			chunks[c] = load('d' + c, 'd-' + pad(c, 4) + '.js').then(function (ls) {
				var text = inflate(ls[0], ls[1]);
				mark('inflated ' + c);
				return text.split(C_DOC).map(makeDoc);
			}).catch(function (e) {
				delete chunks[c];
				throw e;
			});
		return chunks[c];
	}

	function loadDoc(d) {
		return loadChunk(Math.floor(d / meta.chunk)).then(function (docs) {
			return docs[d % meta.chunk];
		});
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
		/* add_shed() in C: a plain word without its edge punctuation. */
		function shed(a, b) {
			var s = a, e = b;
			while (s < e && EDGE.test(cps[s]))
				s++;
			while (s < e && EDGE.test(cps[e - 1]))
				e--;
			if (s < e)
				add(s, e, false);
			else
				add(a, b, false);
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
			if (neg)
				add(start, i, neg);
			else
				shed(start, i);
		}
		return words;
	}

	/*
	 * How the index decides word w (plan() in C): units, the terms
	 * whose positions must line up at their offsets (pairs covering
	 * each run of two or more word characters, every other character
	 * alone), and loose, the word characters standing alone in a
	 * longer word, which only the text can place.
	 */
	function plan(w) {
		var cps = Array.from(w), m = cps.length, units = [], loose = [];
		var i = 0, j, p;
		if (m === 1)
			return { units: [{ t: cps[0], off: 0 }], loose: loose };
		while (i < m) {
			if (!WORDCH.test(cps[i])) {
				units.push({ t: cps[i], off: i++ });
				continue;
			}
			for (j = i; j < m && WORDCH.test(cps[j]); j++)
				continue;
			if (j - i === 1)
				loose.push(cps[i]);
			for (p = i; j - i > 1 && p + 1 < j; p += 2)
				units.push({ t: cps[p] + cps[p + 1], off: p });
			if (j - i > 1 && (j - i) % 2 === 1)
				units.push({ t: cps[j - 2] + cps[j - 1], off: j - 2 });
			i = j;
		}
		return { units: units, loose: loose };
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

	/* Index of x in sorted a from lo on, or -1. */
	function find(a, x, lo) {
		var hi = a.length;
		while (lo < hi) {
			var mid = (lo + hi) >>> 1;
			if (a[mid] < x)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < a.length && a[lo] === x ? lo : -1;
	}

	/*
	 * What the index says of a word (loaded): {docs, tf, exact}: the
	 * documents containing it (exact) or that may (else), ascending,
	 * and its field-weighted count in each (tf[j] for docs[j]; an
	 * inexact word's counts come from the text).  Cached by word.
	 */
	var wordCache = new Map();
	function wordDocs(text) {
		var got = wordCache.get(text);
		if (got)
			return got;
		var pl = plan(text), u = pl.units, one = u.length === 1;
		var ts = u.map(function (x) { return term(x.t, !one); });
		var docs, tf, i, j, d, n, m = 0;
		if (one && pl.loose.length === 0) {
			docs = ts[0].docs;
			tf = ts[0].wtf;
		} else {
			var cand = ts[0].docs;
			for (i = 1; i < ts.length; i++)
				cand = intersect(cand, ts[i].docs);
			pl.loose.forEach(function (c) { cand = intersect(cand, term(c).docs); });
			var at = new Int32Array(ts.length), ptr = new Int32Array(ts.length);
			var offs = Int32Array.from(u, function (x) { return x.off; });
			docs = new Int32Array(cand.length);
			tf = new Int32Array(cand.length);
			for (j = 0; j < cand.length; j++) {
				d = cand[j];
				for (i = 0; i < ts.length; i++)
					at[i] = find(ts[i].docs, d, at[i]);
				if ((n = one ? 1 : lineUp(ts, offs, at, d, ptr)) > 0) {
					docs[m] = d;
					tf[m++] = n;
				}
			}
			docs = docs.subarray(0, m);
			tf = tf.subarray(0, m);
		}
		got = { docs: docs, tf: tf, exact: pl.loose.length === 0 };
		wordCache.set(text, got);
		return got;
	}

	/*
	 * Where in document d (at[i]: its index in ts[i]) the units' terms
	 * stand at their offsets offs[i] from one start: the field-weighted
	 * count of such starts, 0 if none.  ptr: scratch, one per unit.
	 */
	function lineUp(ts, offs, at, d, ptr) {
		var t0 = ts[0], nu = ts.length, i, k, start, want, t, end, ok, p;
		var n = 0, te = meta.te[d], bs = meta.bs[d], kend = t0.off[at[0] + 1];
		for (i = 1; i < nu; i++)
			ptr[i] = ts[i].off[at[i]];
		for (k = t0.off[at[0]]; k < kend; k++) {
			start = t0.pos[k] - offs[0];
			ok = start >= 0;
			for (i = 1; ok && i < nu; i++) {
				want = start + offs[i];
				t = ts[i];
				end = t.off[at[i] + 1];
				p = ptr[i];
				while (p < end && t.pos[p] < want)
					p++;
				ptr[i] = p;
				ok = p < end && t.pos[p] === want;
			}
			if (ok)
				n += start < te ? W_TITLE : start < bs ? W_META : W_BODY;
		}
		return n;
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
	 * progress(done, total) is called while the text of candidates is
	 * checked (small archives, and words the index cannot place).
	 */
	function execute(words, progress, isStale) {
		return loadMeta().then(function () {
			if (!meta.shards)
				return;
			var need = new Set();
			words.forEach(function (w) {
				var pl = plan(w.text);
				pl.units.forEach(function (x) { need.add(x.t); });
				pl.loose.forEach(function (c) { need.add(c); });
			});
			return Promise.all(Array.from(need).map(loadTerm));
		}).then(function () {
			mark('terms');
			var all = null, d, alldocs = [];
			for (d = 0; d < meta.n; d++)
				alldocs.push(d);
			words.forEach(function (w) {
				/* No shards (a small archive): check every text. */
				var r = meta.shards ? wordDocs(w.text) :
				    { docs: alldocs, tf: null, exact: false };
				w.docs = r.docs;
				w.exact = r.exact;
				w.tf = r.exact ? r.tf : new Map();	/* else from the text */
			});
			var pos = words.filter(function (w) { return !w.neg; });
			if (pos.length === 0)
				all = alldocs;
			pos.forEach(function (w) {
				all = all ? intersect(all, w.docs) : Array.from(w.docs);
			});
			words.forEach(function (w) {
				if (w.neg && w.exact) {
					var drop = new Set(w.docs);
					all = all.filter(function (x) { return !drop.has(x); });
				}
			});
			var verify = words.filter(function (w) { return !w.exact; });
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
				return loadChunk(c).then(function (docs) {
					if (isStale())
						return;
					for (var j = 0; j < meta.chunk; j++) {
						var x = c * meta.chunk + j;
						if (x >= meta.n || !allSet.has(x))
							continue;
						var doc = docs[j], ok = true;
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
			mark('matched');
			/* BM25 over the plain words, with field-weighted tf. */
			var pos = words.filter(function (w) { return !w.neg; });
			var N = meta.n, set = new Set(matches);
			pos.forEach(function (w) {
				var df = w.exact ? w.docs.length :
				    w.docs.filter(function (x) { return set.has(x); }).length;
				w.idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
			});
			var score = new Float64Array(matches.length), at = pos.map(function () { return 0; });
			for (var j = 0; j < matches.length; j++) {
				var d = matches[j], sc = 0, dl = meta.dl[d] || 1;
				var lnorm = K1 * (1 - B + B * dl / meta.avgdl);
				for (var k = 0; k < pos.length; k++) {
					var w = pos[k], tf;
					if (w.exact) {	/* matches are a subset of w.docs */
						while (w.docs[at[k]] < d)
							at[k]++;
						tf = w.tf[at[k]];
					} else
						tf = w.tf.get(d) || 1;
					sc += w.idf * tf * (K1 + 1) / (tf + lnorm);
				}
				score[j] = sc;
			}
			mark('scored');
			return { docs: matches, score: score };
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
	var gen = 0, current = null, timer = 0, busyTimer = 0, lastInput = -Infinity;
	var segmenter = null;

	/*
	 * History: typing replaces the entry's URL, Enter and facets push
	 * one.  shown: the URL whose results are on screen; before: what
	 * was shown when typing last replaced the URL.
	 */
	var shown = location.pathname + location.search, before = null;

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
		var cur = location.pathname + location.search;
		try {
			if (!push) {
				if (url !== cur) {
					before = shown;
					history.replaceState(null, '', url);
				}
				return;
			}
			/* Typing already put url here: Back goes to what was shown before. */
			if (url === cur && before !== null && before !== url) {
				history.replaceState(null, '', before);
				history.pushState(null, '', url);
			} else if (url !== cur)
				history.pushState(null, '', url);
			before = null;
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

	/* The results on screen are complete (tests wait for data-state). */
	function finished() {
		mark('done');
		shown = location.pathname + location.search;
		list.setAttribute('data-state', 'done');
	}

	function setCount(text) {
		count.textContent = text;
	}

	function facetMatches(d) {
		for (var f = 0; f < meta.facets.length; f++) {
			var name = meta.facets[f][0], want = filters[name];
			if (!want)
				continue;
			var vals = meta.facets[f][1], ids = meta.fi[f], ok = false;
			for (var k = meta.fo[f][d]; k < meta.fo[f][d + 1]; k++)
				if (vals[ids[k]] === want)
					ok = true;
			if (!ok)
				return false;
		}
		return true;
	}

	function renderFacets(docs) {
		clear(facetBox);
		if (!docs.length) {
			facetBox.hidden = true;
			return;
		}
		meta.facets.forEach(function (fc, f) {
			var name = fc[0], vals = fc[1], n = new Int32Array(vals.length);
			var top = [], i, j, k, fo = meta.fo[f], fi = meta.fi[f];
			for (i = 0; i < docs.length; i++)
				for (k = fo[docs[i]]; k < fo[docs[i] + 1]; k++)
					n[fi[k]]++;
			/* The 8 most frequent, then by name: a selection, not a sort of thousands. */
			function before(a, b) {
				return n[a] > n[b] || (n[a] === n[b] && vals[a] < vals[b]);
			}
			for (i = 0; i < n.length; i++) {
				if (n[i] === 0 || (top.length === 8 && !before(i, top[7])))
					continue;
				for (j = Math.min(top.length, 7); j > 0 && before(i, top[j - 1]); j--)
					top[j] = top[j - 1];
				top[j] = i;
			}
			if (!top.length)
				return;
			top = top.map(function (v) { return [v, n[v]]; });
			if (filters[name] && !top.some(function (t) { return vals[t[0]] === filters[name]; }))
				top.unshift([vals.indexOf(filters[name]), 0]);
			facetBox.appendChild(facetSection(name, vals, top, filters[name], function (v) {
				filters[name] = v;
				setURL(input.value.trim(), filters, true);
				show(current);
			}));
		});
		facetBox.hidden = !facetBox.firstChild;
	}

	/*
	 * One facet's section: a button for each [value index, count] of
	 * top, pressed for the value chosen; pick(value or '') on a click.
	 */
	function facetSection(name, vals, top, chosen, pick) {
		var sec = document.createElement('section');
		sec.className = 'facet';
		var h = document.createElement('h2');
		h.textContent = FACET_LABEL[name] || name;
		sec.appendChild(h);
		var ul = document.createElement('ul');
		top.forEach(function (t) {
			var li = document.createElement('li');
			var btn = document.createElement('button');
			btn.type = 'button';
			var on = chosen === vals[t[0]];
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
				pick(on ? '' : vals[t[0]]);
			});
			li.appendChild(btn);
			ul.appendChild(li);
		});
		sec.appendChild(ul);
		return sec;
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

	/*
	 * The first n entries of view (indices into res.docs) in rank
	 * order: score, then newer first.  Selection, not a full sort: a
	 * page is a few of thousands.
	 */
	function topOf(res, view, n) {
		var sc = res.score, docs = res.docs, top = [], i, j, x, y, s;
		for (i = 0; i < view.length; i++) {
			x = view[i];
			s = sc[x];
			if (top.length === n) {
				y = top[n - 1];
				if (s < sc[y] || (s === sc[y] && docs[x] < docs[y]))
					continue;
			}
			for (j = top.length < n ? top.length : n - 1; j > 0; j--) {
				y = top[j - 1];
				if (s < sc[y] || (s === sc[y] && docs[x] < docs[y]))
					break;
				top[j] = y;
			}
			top[j] = x;
		}
		return top;
	}

	/*
	 * Show results from `from` on, PAGE at a time; loading starts at
	 * once.  Returns a function that waits for the documents and
	 * appends the results in two goes: the first FIRST (a screenful)
	 * as soon as they are in, after calling before() (if given), then
	 * the rest.  The old results stay until the new ones replace them,
	 * and the main thread is free while the files load.  (On file://
	 * the browser hands over one file at a time, some 3 ms each, and
	 * every frame with new text costs 10-20 ms of layout: measured, a
	 * frame per result made the tenth 30 ms later, two frames show the
	 * first three 20-30 ms before the tenth.)
	 */
	function renderPage(res, from, myGen) {
		var page = topOf(res, res.view, from + PAGE).slice(from);
		function docsOf(a, b) {
			return page.slice(a, b).map(function (x) {
				return loadDoc(res.docs[x]);
			});
		}
		mark('page');
		/*
		 * The first FIRST files asked for now, the rest a task later
		 * (unless all are in: then at once, for one layout): a
		 * <script> costs the main thread 1-2 ms to start (Chromium,
		 * file://), and the first ones' data cannot be taken in while
		 * it is busy.
		 */
		var first = docsOf(0, FIRST);
		var rest = page.slice(FIRST).every(function (x) {
			return chunks[Math.floor(res.docs[x] / meta.chunk)];
		}) ? Promise.resolve(docsOf(FIRST, page.length)) :
		    new Promise(function (resolve) {
			setTimeout(function () {
				resolve(myGen === gen ? docsOf(FIRST, page.length) : []);
			}, 0);
		});
		function put(docs, before) {
			return Promise.all(docs).then(function (got) {
				if (myGen !== gen)
					return;
				if (before)
					before();
				got.forEach(function (doc) {
					list.appendChild(renderItem(doc, current.plain));
				});
			});
		}
		return function (before) {
			return put(first, function () {
				mark('first');
				if (before)
					before();
			}).then(function () {
				return rest;
			}).then(function (docs) {
				return put(docs, null);
			}).then(function () {
				if (myGen !== gen)
					return;
				mark('docs');
				current.shown = from + page.length;
				more.hidden = current.shown >= res.view.length;
			});
		};
	}

	/*
	 * Facet filter + render of a finished search; then(), if given,
	 * is called after finished(), once the results are painted.
	 */
	function show(res, then) {
		if (!res)
			return;
		var myGen = gen, view = [], page, j;
		var any = Object.keys(filters).some(function (k) { return filters[k]; });
		for (j = 0; j < res.docs.length; j++)
			if (!any || facetMatches(res.docs[j]))
				view.push(j);
		res.view = view;
		page = view.length ? renderPage(res, 0, myGen) : function (before) {
			before();
			return Promise.resolve();
		};
		return page(function () {
			clear(list);
			list.setAttribute('data-count', String(view.length));
			renderFacets(res.docs);
			empty.hidden = true;
			clear(empty);
			more.hidden = true;
			if (view.length === 0) {
				setCount('没有找到与“' + res.q + '”相符的文章');
				showEmpty(res);
			} else
				setCount('找到 ' + view.length + ' 篇文章' +
				    (view.length < res.docs.length ?
				    '（已筛选，共 ' + res.docs.length + ' 篇）' : ''));
		}).then(function () {
			if (myGen !== gen)
				return;
			finished();
			if (then)
				requestAnimationFrame(function () {
					setTimeout(function () {
						if (myGen === gen)
							then();
					}, 0);
				});
		});
	}

	/*
	 * The word segmenter, or null: made once, its first use loads ICU's
	 * Chinese dictionary (some 30 ms), which warmUp() does ahead.
	 */
	function wordSegmenter() {
		if (!segmenter && window.Intl && Intl.Segmenter) {
			segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
			Array.from(segmenter.segment('业委会'));
		}
		return segmenter;
	}

	/* Related terms (Intl.Segmenter words of the query) and browsing. */
	function showEmpty(res) {
		var p = document.createElement('p');
		p.textContent = '试试更短的词，或去掉引号和排除词。';
		empty.appendChild(p);
		var words = [];
		var seg = wordSegmenter();
		if (seg) {
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
		var words = parseQuery(q);
		mark('start');
		list.setAttribute('data-state', 'busy');
		if (!words.length) {
			setURL(q, filters, push);
			current = null;
			clear(list);
			clear(empty);
			empty.hidden = true;
			facetBox.hidden = true;
			more.hidden = true;
			list.setAttribute('data-count', '0');
			list.setAttribute('data-q', q);
			finished();
			setCount(q ? '请输入要搜索的词' : '');
			return Promise.resolve();
		}
		/* Say "searching" only if it takes a while (the count is aria-live). */
		clearTimeout(busyTimer);
		busyTimer = setTimeout(function () {
			if (myGen === gen && list.getAttribute('data-state') === 'busy')
				setCount('正在搜索…');
		}, 150);
		var plain = words.filter(function (w) { return !w.neg; })
		    .map(function (w) { return w.text; });
		/*
		 * The address changes once the results are painted: a history
		 * entry changed while the index files load, or before the
		 * results' frame, cost them some 30 ms (measured in Chromium:
		 * the browser's own navigation work).
		 */
		function address() {
			setURL(q, filters, push);
			shown = location.pathname + location.search;
		}
		return execute(words, function (done, total) {
			if (myGen === gen && total > 0)
				setCount('正在核对 ' + done + ' / ' + total + ' 篇候选文章…');
		}, function () { return myGen !== gen; }).then(function (res) {
			if (myGen !== gen)
				return;
			current = { q: q, words: words, plain: plain, docs: res.docs,
			    score: res.score, view: null, shown: 0 };
			list.setAttribute('data-q', q);
			return show(current, address);
		}).catch(function (e) {
			if (myGen !== gen)
				return;
			address();
			setCount('搜索索引无法加载（' + e.message + '）');
			list.setAttribute('data-state', 'error');
		});
	}

	/*
	 * A cold query runs much code once: it decodes some 100,000
	 * positions, lines them up, scores thousands of documents, inflates
	 * ten document chunks and renders their results, and engines run a
	 * function's first calls in their interpreter, and optimize them
	 * for the kinds of values and branches those calls saw (a branch
	 * they never took costs a deoptimization when real data takes it).
	 * So once meta.js is in and the page idle, run made-up searches
	 * through the same code, twice: made-up terms (CJK extension A
	 * letters, pairs and one alone, in up to 200 documents, with
	 * metadata and body positions, some lining up) for a phrase, two
	 * words, a four-letter word with an exclusion and a single letter,
	 * put in the term maps and dropped again before any real query
	 * starts; the decoding and lining up of the phrase again until
	 * 60,000 positions went through (measured in Chromium: a cold
	 * 业委会 matched in 54 ms after the old warm-up of 12,000, in 14 ms
	 * after this); and a made-up document chunk deflated here
	 * (CompressionStream), rendered off the page; then the word
	 * segmenter of the empty state is made.  A task each, some 10-30
	 * ms: a keystroke waits for one at most.
	 * It loads no file; the engine has compiled that code before the
	 * reader types.  Then #search gets data-warm="done" (for tests).
	 */
	function warmUp() {
		var L = ['\u3400', '\u3401', '\u3402', '\u3403', '\u3404'];
		var ABC = L[0] + L[1] + L[2], words = [ABC];
		var n = Math.min(meta.n, 200), made = null, seed = 1, packed = null;
		var queries = [[ABC], [ABC, L[3] + L[4]], [ABC + L[3], '-' + L[4]], [L[4]]];
		function done() {
			root.setAttribute('data-warm', 'done');
		}
		if (n === 0)
			return done();
		function rnd(m) {	/* 0 .. m - 1, the same every page */
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return (seed >>> 12) % m;	/* the low bits of an LCG cycle */
		}
		/* Positions in d: from these moved by `by`, each kept 1 in keep, plus up to extra. */
		function positions(d, from, by, keep, extra) {
			var got = new Set(), bs = meta.bs[d], len = Math.max(meta.dl[d] - bs, 8);
			(from || []).forEach(function (p) {
				if (rnd(10) < keep)
					got.add(p + by);
			});
			if (bs > 0 && rnd(5) === 0)
				got.add(rnd(bs));
			for (var i = rnd(extra + 1); i > 0; i--)
				got.add(bs + rnd(len));
			return Array.from(got).sort(function (a, b) { return a - b; });
		}
		/* term -> entry string; pairs follow AB's positions now and then. */
		function make() {
			var post = { }, ab = [], t, d, p;
			[L[0] + L[1], L[1] + L[2], L[2] + L[3], L[3] + L[4]].forEach(function (t) {
				post[t] = [];
			});
			post[L[4]] = [];
			for (d = 0; d < n; d++) {
				ab[d] = rnd(10) < 6 ? positions(d, null, 0, 0, 8) : [];
				if (ab[d].length)
					post[L[0] + L[1]].push([d, ab[d]]);
				if ((p = positions(d, ab[d], 1, 7, rnd(4) ? 0 : 2)).length)
					post[L[1] + L[2]].push([d, p]);
				if ((p = positions(d, ab[d], 2, 5, rnd(3) ? 0 : 2)).length)
					post[L[2] + L[3]].push([d, p]);
				if (rnd(10) < 3 && (p = positions(d, null, 0, 0, 4)).length)
					post[L[3] + L[4]].push([d, p]);
				if (rnd(2))
					post[L[4]].push([d, rnd(3) === 0]);
			}
			made = {};
			for (t in post) {
				if (post[t].length === 0)	/* an entry has a document */
					post[t].push([0, t.length > 1 ? [meta.bs[0]] : false]);
				made[t] = madeUpEntry(post[t], t.length > 1);
			}
		}
		function forget() {
			Object.keys(made).forEach(function (t) {
				entries.delete(t);
				decoded.delete(t);
			});
			wordCache.clear();
		}
		/*
		 * Only before the first query: the made-up terms are in the
		 * maps from here until forget(), within one microtask run
		 * (no real query can start in it).
		 */
		function remember() {
			if (!made)
				make();
			Object.keys(made).forEach(function (t) {
				entries.set(t, [made[t], 0]);
			});
		}
		function search() {
			if (!meta.shards || gen !== 0)
				return Promise.resolve();
			remember();
			return queries.reduce(function (p, q) {
				return p.then(function () {
					wordCache.clear();
					return execute(parseQuery(q.join(' ')), function () {},
					    function () { return false; });
				}).then(function (res) {
					var view = [];
					for (var j = 0; j < res.docs.length; j++)
						view.push(j);
					topOf(res, view, PAGE);
				});
			}, Promise.resolve()).finally(forget);
		}
		/*
		 * The hottest loops once more, until some 15,000 positions
		 * have gone through decodeTerm and lineUp; four times (a task
		 * each), 60,000: what a phrase of common words decodes, and
		 * what it takes the engine to compile them with its
		 * optimizing compiler.
		 */
		function hot() {
			var abc = L[0] + L[1] + L[2], e, i, reps;
			if (!meta.shards || gen !== 0)
				return;
			remember();
			e = made[L[0] + L[1]];
			reps = Math.ceil(15000 / Math.max(decodeTerm(e, 0, true, true).pos.length, 1));
			for (i = 1; i < reps; i++)
				decodeTerm(e, 0, true, true);
			for (i = 0; i < reps; i++) {
				wordCache.delete(abc);
				wordDocs(abc);
			}
			forget();
		}
		function chunk() {
			var docs = [], text, bytes, i, j;
			if (!window.CompressionStream)
				return Promise.resolve();
			for (i = 0; i < meta.chunk; i++) {
				text = [];
				for (j = 0; j < 40; j++)
					text.push('第' + j + '段，' + ABC + '与' + i + '号文章的正文。');
				docs.push(['a' + i, '标题' + ABC, '某地', '2020-01-01',
				    '省' + C_ITEM + '市', '记者', '机构', '作者', '标签',
				    '小标题', text.join('\n')].join(C_FLD));
			}
			text = docs.join(C_DOC);
			bytes = new Uint8Array(text.length * 2);
			for (i = 0; i < text.length; i++) {
				bytes[2 * i] = text.charCodeAt(i) & 0xff;
				bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
			}
			var cs = new CompressionStream('deflate-raw'), w = cs.writable.getWriter();
			w.write(bytes);
			w.close();
			return new Response(cs.readable).arrayBuffer().then(function (buf) {
				var z = new Uint8Array(buf), out = [], acc = 0, nb = 0;
				for (i = 0; i < z.length; i++) {	/* 15 bits a unit */
					acc = acc << 8 | z[i];
					nb += 8;
					if (nb >= 15) {
						nb -= 15;
						out.push(String.fromCharCode(U0 + (acc >>> nb & 0x7fff)));
						acc &= (1 << nb) - 1;
					}
				}
				if (nb > 0)
					out.push(String.fromCharCode(U0 + (acc << (15 - nb) & 0x7fff)));
				packed = [z.length, out.join('')];
				return inflate(packed[0], packed[1]);
			}).then(function (text) {
				layOut(text.split(C_DOC).map(makeDoc).map(function (doc) {
					return renderItem(doc, words);
				}));
			});
		}
		/*
		 * The made-up results, a count, facets and a button laid out
		 * off the page with the results' styles, then dropped in the
		 * same task (never painted, never in the accessibility tree):
		 * the first layout of each font size and weight they use
		 * looks its fonts up, which took 40-60 ms of the first real
		 * results' layout in headless Chromium on Linux.
		 */
		function layOut(items) {
			var box = document.createElement('div'), main = document.createElement('div');
			var ol = document.createElement('ol'), count = document.createElement('p');
			var aside = document.createElement('aside'), more = document.createElement('button');
			box.className = 'search-layout';
			box.setAttribute('aria-hidden', 'true');
			box.style.cssText = 'position:absolute;left:-10000px;top:0;width:60em;visibility:hidden';
			main.className = 'search-main';
			count.className = 'search-count';
			count.textContent = '找到 ' + meta.n + ' 篇文章';
			ol.className = 'results';
			items.forEach(function (li) {
				ol.appendChild(li);
			});
			more.className = 'search-more';
			more.textContent = '显示更多结果';
			main.appendChild(count);
			main.appendChild(ol);
			main.appendChild(more);
			aside.className = 'facets';
			meta.facets.forEach(function (fc) {
				if (fc[1].length)
					aside.appendChild(facetSection(fc[0], fc[1],
					    [[0, 12], [fc[1].length - 1, 3]], fc[1][0], function () {}));
			});
			box.appendChild(main);
			box.appendChild(aside);
			root.appendChild(box);
			void box.offsetHeight;
			root.removeChild(box);
		}
		/*
		 * The inflater and the documents' split once more, six times:
		 * the first results wait for three chunks (measured in
		 * Chromium, a chunk of the first results took 10-13 ms while
		 * these ran in the engine's lower tiers, 2-3 ms after).
		 */
		function inflateHot() {
			var i;
			if (!packed || gen !== 0)
				return;
			for (i = 0; i < 6; i++)
				inflate(packed[0], packed[1]).split(C_DOC).map(makeDoc);
		}
		/*
		 * A task each, so that a keystroke waits for one at most.
		 * Once a query has started, it has warmed up the engine itself.
		 */
		var steps = [search, chunk, hot, hot, inflateHot, search, chunk, hot, hot,
		    inflateHot, function () {
			wordSegmenter();
		}];
		function next() {
			if (gen !== 0 || steps.length === 0)
				return done();
			Promise.resolve(steps.shift()()).catch(function () {}).then(function () {
				setTimeout(next, 0);
			});
		}
		next();
	}

	/*
	 * Results as you type: the first keystroke after a pause searches
	 * at once, keystrokes that follow within DEBOUNCE ms wait for the
	 * typing to stop.
	 */
	input.addEventListener('input', function () {
		var now = performance.now();
		clearTimeout(timer);
		if (now - lastInput > DEBOUNCE)
			start(false);
		else
			timer = setTimeout(function () { start(false); }, DEBOUNCE);
		lastInput = now;
	});
	form.addEventListener('submit', function (e) {
		e.preventDefault();
		clearTimeout(timer);
		start(true);
	});
	more.addEventListener('click', function () {
		if (current && current.view)
			renderPage(current, current.shown, gen)();
	});
	window.addEventListener('popstate', function () {
		before = null;
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
		finished();
		loadMeta().then(function () {
			(window.requestIdleCallback || setTimeout)(warmUp);
		}).catch(function () {});
	}
	input.focus();
})();
