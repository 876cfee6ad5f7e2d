#!/usr/bin/env python3
"""Print 'N passed, N failed, N skipped' over meson test logs given as args.

Exit status 1 when a test failed or a log is missing, and, when the
environment has CI=true, when any test was skipped: every prerequisite of
the suite is installed by scripts/setup.sh --test or is part of the CI
machine (../shared/corpus), so a skip there means a lost prerequisite
(a package, the corpus) and would otherwise let CI go green while testing
less.  Each such test is named on stderr.
"""
import json
import os
import sys

passed = failed = skipped = 0
skipped_names = []
failed_names = []
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                rec = json.loads(line)
                result = rec.get("result")
                name = f"{rec.get('name', '?')} ({path})"
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                    skipped_names.append(name)
                else:
                    failed += 1
                    failed_names.append(name)
    except FileNotFoundError:
        failed += 1
        failed_names.append(f"{path}: no such log")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
for name in failed_names:
    print(f"count-tests: failed: {name}", file=sys.stderr)
ci = os.environ.get("CI", "").lower() == "true"
if ci:
    for name in skipped_names:
        print(f"count-tests: skipped in CI, where its prerequisites are "
              f"installed (scripts/setup.sh --test): {name}", file=sys.stderr)
sys.exit(1 if failed or (ci and skipped) else 0)
