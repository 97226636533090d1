"""The vulnerability audit of requirements.lock (pip-audit, PyPI's advisory data), for .ci/run.

Fails when a locked package has a known vulnerability. A package that could not be checked
(the vulnerability service unreachable, as from a machine that reaches only the package
registries) is NOT a pass: the run says "NOT AUDITED" with the count, loudly, and does not fail
CI for it (SECURITY check 15: report the absence as "not audited", never as a pass).

    python scripts/audit_dependencies.py [requirements.lock]
"""

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    lock = sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"
    pip_audit = Path(sys.executable).parent / "pip-audit"
    result = subprocess.run(  # noqa: S603 (our venv's pip-audit on our lock file)
        [
            str(pip_audit),
            "--requirement",
            lock,
            "--require-hashes",
            "--disable-pip",  # the lock pins every package: no resolution, no virtualenv
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr, file=sys.stderr)
        print("NOT AUDITED: pip-audit gave no report (see above).")
        return 0
    packages = report["dependencies"]
    vulnerable = [package for package in packages if package.get("vulns")]
    skipped = [package for package in packages if "skip_reason" in package]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} ({fixed})")
    if vulnerable:
        return 1
    if skipped:
        print(
            f"NOT AUDITED: {len(skipped)} of {len(packages)} locked packages could not be checked "
            f"(first: {skipped[0]['skip_reason']}). The vulnerability service is unreachable "
            "from here; this is no pass."
        )
        return 0
    print(f"Audited {len(packages)} locked packages: no known vulnerability.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
