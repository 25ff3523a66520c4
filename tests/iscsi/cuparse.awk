# SPDX-License-Identifier: GPL-2.0-only
# Parses iscsi-test-cu's (CUnit "verbose" mode) output into one line per
# test that got a verdict:
#   SUITE <TAB> TEST <TAB> passed|failed|skipped <TAB> first message
# CUnit prints "  Test: NAME ..." then whatever the test prints, then
# "passed" or "FAILED" (on the same line right after "...", or at the
# start of a later line), then for a failure its assertion lines.  A test
# that printed "[SKIPPED]" and "passed" is a skip; one that printed
# "[FAILED]" but "passed" is a pass (CUnit's verdict wins).  A failure's
# assertion lines follow as  SUITE <TAB> TEST <TAB> assert <TAB> line.
function verdict(v) {
	if (v == "passed" && skipped)
		v = "skipped"
	printf "%s\t%s\t%s\t%s\n", suite, test, v, msg
	atest = test
	test = ""
	want_assert = (v == "failed")
}

function note(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	if (msg == "" && s != "")
		msg = s
}

want_assert && /^    [0-9]+\. / {
	s = $0
	sub(/^ +/, "", s)
	printf "%s\t%s\tassert\t%s\n", suite, atest, s
	next
}

{ want_assert = 0 }

/^Suite: / {
	suite = substr($0, 8)
	test = ""
	want_assert = 0
	next
}

/^  Test: / {
	rest = substr($0, 9)
	i = index(rest, " ...")
	if (i == 0)
		next
	test = substr(rest, 1, i - 1)
	rest = substr(rest, i + 4)
	skipped = 0
	msg = ""
	want_assert = 0
	if (rest ~ /^passed/) {
		verdict("passed")
		next
	}
	if (rest ~ /^FAILED/) {
		verdict("failed")
		next
	}
	if (rest ~ /\[SKIPPED\]/)
		skipped = 1
	if (rest ~ /\[(SKIPPED|FAILED)\]/)
		note(rest)
	next
}

test != "" {
	if ($0 ~ /^passed/) {
		verdict("passed")
		next
	}
	if ($0 ~ /^FAILED/) {
		verdict("failed")
		next
	}
	if ($0 ~ /\[SKIPPED\]/)
		skipped = 1
	if ($0 ~ /\[(SKIPPED|FAILED)\]/)
		note($0)
	next
}
