# t-stages: golden tests per stage, driving the real binary's dump
# stages.  tests/regress/STAGE/NAME.in is the input; NAME.out the
# expected stdout, or NAME.err the expected diagnostic (non-zero exit).
# Stages: yaml (libyaml -> value tree), fm (front matter), md (Markdown
# -> html, text, headings).  Plain and ASan binaries.
for stage in yaml fm md; do
	for in in "$ROOT"/tests/regress/$stage/*.in; do
		[ -f "$in" ] || continue
		n=$stage/$(basename "$in" .in)
		for v in FOLIO FOLIO_ASAN; do
			eval bin=\$$v
			# Inputs are named NAME.in; messages show the stable path.
			cp "$in" "$TMPD/$(basename "$in" .in).md"
			( cd "$TMPD" && "$bin" dump $stage "$(basename "$in" .in).md" > out 2> err )
			rc=$?
			if [ -f "${in%.in}.err" ]; then
				if [ $rc -eq 0 ]; then fail "$n ($v)" "exit 0, expected an error"
				else golden "$n ($v)" "${in%.in}.err" "$TMPD/err"; fi
			else
				if [ $rc -ne 0 ]; then fail "$n ($v)" "exit $rc: $(head -c 300 "$TMPD/err")"
				else golden "$n ($v)" "${in%.in}.out" "$TMPD/out"; fi
			fi
		done
	done
done
