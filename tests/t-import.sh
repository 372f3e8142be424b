# t-import: folio import.  For every page in tests/regress/import
# (NAME.in: the five real pages and one small page per rule) the
# articles (NAME.out, all files concatenated) and the plan (NAME.dump)
# match their goldens, read and checked by eye; the same page as UTF-8
# with BOM, CRLF, with/without ##/### marks and with half/full-width
# jump brackets gives byte-identical articles; every character of every
# line is in an article or in the report's dropped list; re-import is
# byte-identical and refuses to overwrite a hand edit without --force;
# errors (bad UTF-8, no article) match NAME.err.  Plain and ASan builds.
RI=$ROOT/tests/regress/import
export LC_ALL=C

# cat_articles DIR: every .md in DIR, in name order, with a header line.
cat_articles() {
	for f in $(ls "$1"/*.md 2>/dev/null | sort); do
		echo "==> $(basename "$f")"
		cat "$f"
	done
}

# import_page BIN NAME DIR: import NAME.in (as NAME.txt) into DIR.
import_page() {
	rm -rf "$3" && mkdir -p "$3/in"
	cp "$RI/$2.in" "$3/in/$2.txt"
	"$1" import -q -o "$3/out" --report "$3/report.yaml" "$3/in/$2.txt" \
	    > "$3/stdout" 2> "$3/stderr"
}

# variants NAME DIR: write the encoding variants of NAME.in into DIR/v*/
variants() {
	src=$RI/$1.in
	mkdir -p "$2/bom" "$2/crlf" "$2/nomarks" "$2/marks" "$2/brackets" \
	    "$2/all"
	{ printf '\357\273\277'; cat "$src"; } > "$2/bom/$1.txt"
	sed 's/$/\r/' "$src" > "$2/crlf/$1.txt"
	sed 's/^#* //' "$src" > "$2/nomarks/$1.txt"
	# Marks where the plan found titles and headings.
	"$FOLIO" import --dump "$2/nomarks/$1.txt" 2>/dev/null |
	    awk -F'\t' '$2 == "title" { print $1 " ## " } $2 == "heading" { print $1 " ### " }' \
	    > "$2/marklines"
	awk 'NR == FNR { m[$1] = $2 " "; next } { print (FNR in m ? m[FNR] : "") $0 }' \
	    "$2/marklines" "$2/nomarks/$1.txt" > "$2/marks/$1.txt"
	# Swap the bracket widths of jump markers.
	sed -e '/上接\|下转/{s/^(/［/;s/^（/(/;s/^［/（/;s/)$/］/;s/）$/)/;s/］$/）/}' \
	    "$src" > "$2/brackets/$1.txt"
	{ printf '\357\273\277'; sed 's/$/\r/' "$2/brackets/$1.txt"; } > "$2/all/$1.txt"
}

# account NAME DIR: every character of every non-blank line of the page
# is in its article file or in the report's dropped list.
account() {
	awk -v page="$RI/$1.in" -v out="$2/out" '
	function unq(s) { sub(/^"/, "", s); sub(/"$/, "", s); gsub(/\\"/, "\"", s); gsub(/\\\\/, "\\", s); return s }
	function field(s, k,   i, r) {
		i = index(s, k ": "); if (i == 0) return ""
		r = substr(s, i + length(k) + 2)
		if (substr(r, 1, 1) == "\"") { match(r, /^"([^"\\]|\\.)*"/); return unq(substr(r, 1, RLENGTH)) }
		match(r, /^[^,}]*/); return substr(r, 1, RLENGTH)
	}
	function html(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); gsub(/\047/, "\\&#39;", s); return s }
	FNR == 1 { file++ }
	file == 1 && /^    lines:/ { sect = "lines"; next }
	file == 1 && /^    dropped:/ { sect = "dropped"; next }
	file == 1 && /^    [a-z]/ { sect = "" }
	file == 1 && sect == "lines" && /^      - / { n = field($0, "line"); art[n] = field($0, "article"); why[n] = field($0, "dropped") }
	file == 1 && sect == "dropped" && /^      - / { n = field($0, "line"); d[n] = d[n] SUBSEP field($0, "text") }
	file == 2 {
		t = $0; sub(/\r$/, "", t); sub(/^\357\273\277/, "", t)
		gsub(/^([ \t]|\343\200\200)+|([ \t]|\343\200\200)+$/, "", t)
		if (t ~ /^#+ /) { sub(/^#+ /, "", t); gsub(/^([ \t]|\343\200\200)+/, "", t) }
		if (t == "") next
		k = split(d[FNR], parts, SUBSEP)
		for (i = 2; i <= k; i++) { j = index(t, parts[i]); if (j) t = substr(t, 1, j - 1) " " substr(t, j + length(parts[i])) }
		if (t ~ /^([ \t]|\343\200\200)*$/) { if (d[FNR] == "" ) { print FNR ": nowhere"; bad++ }; next }
		if (art[FNR] == "") { print FNR ": kept text but no article"; bad++; next }
		f = out "/" art[FNR] ".md"
		if (!(f in body)) { body[f] = ""; while ((getline x < f) > 0) body[f] = body[f] "\n" x; close(f) }
		m = split(t, ch, /([ \t]|\343\200\200)+/)
		for (i = 1; i <= m; i++) {
			if (ch[i] == "" || index(body[f], ch[i]) || index(body[f], html(ch[i]))) continue
			# a caption and its credit: "…会议。X供图"
			a = ch[i]; b = ""
			while ((j = index(a, "\343\200\202")) > 0 && j + 3 <= length(a)) { b = b substr(a, 1, j + 2); a = substr(a, j + 3) }
			if (b != "" && (index(body[f], b) || index(body[f], html(b))) && (index(body[f], a) || index(body[f], html(a)))) continue
			print FNR ": not in " art[FNR] ": " ch[i]; bad++
		}
	}
	END { exit bad > 0 }' "$2/report.yaml" "$RI/$1.in"
}

for bin in "$FOLIO" "$FOLIO_ASAN"; do
	case $bin in *asan*) tag=asan ;; *) tag=plain ;; esac
	W=$TMPD/$tag
	for in in "$RI"/*.in; do
		name=$(basename "$in" .in)
		if [ -f "$RI/$name.err" ]; then
			mkdir -p "$TMPD/err"
			cp "$in" "$TMPD/err/$name.txt"
			expect_fail "import $tag $name (error)" "$RI/$name.err" \
			    "$bin" import -q -o "$TMPD/err/out" "$TMPD/err/$name.txt"
			continue
		fi
		import_page "$bin" "$name" "$W/$name" ||
			{ fail "import $tag $name" "$(cat "$W/$name/stderr")"; continue; }
		cat_articles "$W/$name/out" > "$W/$name/all.out"
		golden "import $tag $name articles" "$RI/$name.out" "$W/$name/all.out"
		"$bin" import -q --dump "$W/$name/in/$name.txt" > "$W/$name/plan" 2>/dev/null
		golden "import $tag $name plan" "$RI/$name.dump" "$W/$name/plan"
		check "import $tag $name nothing lost" account "$name" "$W/$name"
		check "import $tag $name report is YAML" "$bin" dump yaml "$W/$name/report.yaml"
		for f in "$W/$name"/out/*.md; do
			"$bin" dump fm "$f" > /dev/null 2>&1 ||
				fail "import $tag $name front matter" "$f"
		done
		[ $tag = asan ] && continue
		# Encoding variants give the same articles, byte for byte.
		variants "$name" "$W/$name/v"
		for v in bom crlf nomarks marks brackets all; do
			"$bin" import -q -o "$W/$name/v/$v/out" "$W/$name/v/$v/$name.txt" 2>/dev/null
			check "import $tag $name variant $v" diff -r "$W/$name/out" "$W/$name/v/$v/out"
		done
	done
	# Re-import: byte-identical, nothing rewritten; a hand edit is kept
	# unless --force.
	P=$W/reimport
	mkdir -p "$P"
	cp "$ROOT"/content/pages/*.txt "$P/"
	"$bin" import -q -o "$P/a" "$P"/*.txt 2>/dev/null
	cp -r "$P/a" "$P/b"
	"$bin" import -q -o "$P/a" "$P"/*.txt 2>/dev/null
	check "import $tag re-import identical" diff -r "$P/a" "$P/b"
	f=$(ls "$P"/a/*.md | head -1)
	echo "一位编辑加的一句话。" >> "$f"
	cp "$f" "$P/edited"
	expect_fail "import $tag edited article kept" "$RI/edited.err" sh -c \
	    "cd '$P' && '$bin' import -q -o a 000_c3881c3e403fa5dd.txt"
	check "import $tag edited article untouched" cmp "$f" "$P/edited"
	check "import $tag --force replaces it" "$bin" import -q --force \
	    -o "$P/a" "$P/000_c3881c3e403fa5dd.txt"
	check "import $tag after --force identical" diff -r "$P/a" "$P/b"
	# Pathological pages: no line breaks, one 10 MB line; bounded time.
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%s", "某县推进工作，成效明显" }' > "$P/long.txt"
	check "import $tag 10 MB line, no title" sh -c \
	    "timeout 60 '$bin' import -q --dump '$P/long.txt' > /dev/null 2>&1; test \$? -eq 1"
	{ printf '辽宁省北镇市：长行\n■中共北镇市委组织部\n'; cat "$P/long.txt"; } > "$P/long2.txt"
	check "import $tag 10 MB paragraph" sh -c \
	    "timeout 120 '$bin' import -q --dump '$P/long2.txt' > /dev/null 2>&1"
done
