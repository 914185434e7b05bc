#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The results of a kunit.py run of pinstat's suites, one TAP line a case.

usage: kunit-results.py JSON SERIES ARCH KUNIT_RC TEST_LOG SOURCE...

What must run is read from the SOURCEs (kunit/*.c), never written down:
every suite registered with kunit_test_suite() or kunit_test_suites(),
and every case of its kunit_case array.  A KUNIT_CASE_PARAM case runs once
a parameter: as many as its KUNIT_ARRAY_PARAM array has entries, or, for
a generator of its own, as many as the kernel says it ran
("# case: pass:P fail:F skip:S total:N" in TEST_LOG).

Prints "ok - kunit SERIES ARCH: suite.case[.param]" per case kunit.py
reports, then "kunit SERIES ARCH: N passed, N failed, N skipped".  Fails
when a case failed, a case of the sources did not run (or ran fewer
parameters), kunit.py failed, or the kernel log has a sanitizer or
lockdep report.
"""
import json
import re
import sys

CASE = re.compile(r"\b(KUNIT_CASE\w*)\s*\(\s*(\w+)\s*(?:,\s*(\w+))?")
CASE_ARRAY = re.compile(
    r"\bstruct\s+kunit_case\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;", re.S)
SUITE = re.compile(
    r"\bstruct\s+kunit_suite\s+(\w+)\s*=\s*\{(.*?)\}\s*;", re.S)
REGISTER = re.compile(r"\bkunit_test_\w*suites?\s*\(([^;]*)\)\s*;")
ARRAY_PARAM = re.compile(r"\bKUNIT_ARRAY_PARAM\w*\s*\(\s*(\w+)\s*,\s*(\w+)")
KERNEL_TOTAL = re.compile(r"#\s*(\w+):\s*pass:\d+\s+fail:\d+\s+skip:\d+"
                          r"\s+total:(\d+)")
REPORT = re.compile(r"BUG: KASAN|WARNING: possible|WARNING: .*lock|"
                    r"BUG: sleeping|inconsistent lock state|BUG: Bad page|"
                    r"kernel BUG at|general protection fault|"
                    r"WARNING: CPU: .* at .*pinstat")
LITERAL = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


def strip_comments(text):
    """C source without its comments (string literals kept)."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|'
                         r"'(?:\\.|[^'\\])*'", re.S)
    return pattern.sub(lambda m: m.group(0) if m.group(0)[0] in "\"'"
                       else " ", text)


def array_entries(code, name):
    """Entries of the array @name's initializer, or None if not found."""
    m = re.search(r"\b%s\s*\[[^\]]*\]\s*=\s*\{" % re.escape(name), code)
    if not m:
        return None
    # Literals blanked: a comma or brace in a string is not one.
    rest = LITERAL.sub('""', code[m.end():])
    depth, entries, item = 0, 0, False
    for c in rest:
        if c in "({[":
            depth += 1
        elif c in ")}]":
            if depth == 0:
                return entries + item
            depth -= 1
        elif c == "," and depth == 0:
            entries, item = entries + item, False
            continue
        if not c.isspace():
            item = True
    return None


def expected_cases(paths):
    """{suite: {case: None, or parameters (0: as the kernel says)}}."""
    code = "\n".join(strip_comments(open(p).read()) for p in paths)
    params = {m.group(1) + "_gen_params": array_entries(code, m.group(2))
              for m in ARRAY_PARAM.finditer(code)}
    arrays = {}
    for m in CASE_ARRAY.finditer(code):
        cases = {}
        for macro, case, gen in CASE.findall(m.group(2)):
            if "PARAM" not in macro:
                cases[case] = None
            else:
                # A generator of its own: as often as the kernel says.
                cases[case] = params.get(gen) or 0
        arrays[m.group(1)] = cases
    registered = set()
    for m in REGISTER.finditer(code):
        registered.update(re.findall(r"\w+", m.group(1)))
    suites = {}
    for m in SUITE.finditer(code):
        name = re.search(r'\.name\s*=\s*"([^"]*)"', m.group(2))
        cases = re.search(r"\.test_cases\s*=\s*(\w+)", m.group(2))
        if m.group(1) in registered and name and cases:
            suites[name.group(1)] = arrays.get(cases.group(1), {})
    return suites


def ran_cases(doc):
    """{suite: {case: [status of each run]}} from kunit.py's JSON: the
    suites are the sub-groups of its top group, a parameterized case a
    sub-group of its suite."""
    found = {}
    for suite in doc.get("sub_groups", []):
        cases = found.setdefault(suite.get("name"), {})
        for case in suite.get("test_cases", []):
            cases[case.get("name")] = [case.get("status")]
        for sub in suite.get("sub_groups", []):
            cases[sub.get("name")] = [c.get("status")
                                      for c in sub.get("test_cases", [])]
    return found


def kernel_totals(log_text):
    """{case: N} from the kernel's "# case: ... total:N" lines."""
    return {m.group(1): int(m.group(2))
            for m in KERNEL_TOTAL.finditer(log_text)}


def print_cases(doc, tag, counts):
    def walk(group, prefix):
        for case in group.get("test_cases", []):
            status = case.get("status", "FAIL")
            status = status if status in counts else "FAIL"
            counts[status] += 1
            mark = "not ok" if status == "FAIL" else "ok"
            skip = " # SKIP" if status == "SKIP" else ""
            print(f"{mark} - kunit {tag}: {prefix}{case['name']}{skip}")
        for sub in group.get("sub_groups", []):
            walk(sub, prefix + sub.get("name", "?") + ".")
    walk(doc, "")


def compare(expected, ran, totals):
    """How many runs the sources call for, and what of them is missing
    (a parameterized case skipped as a whole is one SKIP, not missing)."""
    want_all, gaps = 0, []
    for suite, cases in expected.items():
        got = ran.get(suite, {})
        if suite not in ran:
            gaps.append(f"suite {suite} did not run")
        for case, params in cases.items():
            want = 1 if params is None else params or totals.get(case, 1)
            want_all += want
            if suite not in ran:
                continue
            if case not in got:
                gaps.append(f"{suite}.{case} did not run")
            elif len(got[case]) < want and got[case] != ["SKIP"]:
                gaps.append(f"{suite}.{case} ran {len(got[case])} of "
                            f"{want} parameters")
    return want_all, gaps


def main(argv):
    path, series, arch, rc, log = argv[1:6]
    tag = f"{series} {arch}"
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    expected = expected_cases(argv[6:])
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"kunit {tag}: no results ({e}): "
              "the kernel did not build or boot")
        print(f"kunit {tag}: 0 passed, 1 failed, 0 skipped")
        return 1
    try:
        text = open(log, errors="replace").read()
    except OSError:
        text = ""

    print_cases(doc, tag, counts)
    bad = 0
    if not expected:
        print(f"kunit {tag}: no registered suite in {' '.join(argv[6:])}")
        bad = 1
    want, gaps = compare(expected, ran_cases(doc), kernel_totals(text))
    for line in gaps:
        print(f"kunit {tag}: {line}")
    bad |= bool(gaps)
    print(f"# kunit {tag}: {sum(counts.values())} tests ran, the sources "
          f"call for {want} ({len(expected)} suites, "
          f"{sum(len(c) for c in expected.values())} cases)")
    reports = [line for line in text.splitlines() if REPORT.search(line)]
    if reports:
        print(f"kunit {tag}: kernel reports in {log}:")
        print("\n".join(reports[:20]))
        bad = 1
    if int(rc) and not counts["FAIL"]:
        bad = 1
    print(f"kunit {tag}: {counts['PASS']} passed, "
          f"{counts['FAIL'] + bad} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] or bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
