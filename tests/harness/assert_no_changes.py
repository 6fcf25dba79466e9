"""Reads ansible-playbook output on stdin and fails when any PLAY RECAP line reports changes.

Used after `molecule converge -- --check` on a converged host: check mode must find nothing to do.
"""

import re
import sys

RECAP_LINE = re.compile(r"(\S+)\s*:\s*ok=\d+\s+changed=(\d+)")


def main() -> int:
    changed = {}
    seen = False
    for line in sys.stdin:
        sys.stdout.write(line)
        match = RECAP_LINE.search(line)
        if match:
            seen = True
            if int(match.group(2)):
                changed[match.group(1)] = int(match.group(2))
    if not seen:
        print("assert_no_changes: no PLAY RECAP found in the output", file=sys.stderr)
        return 1
    if changed:
        print(f"assert_no_changes: check mode reported changes: {changed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
