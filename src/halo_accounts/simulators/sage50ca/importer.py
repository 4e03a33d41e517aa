"""``Sage_SA_import.exe <file.imp> <company>`` for a simulated company kept in a file.

Run as ``python -m halo_accounts.simulators.sage50ca.importer FILE.imp COMPANY.json``: the file is
imported all or nothing, as Sage's importer does; what Sage refused is printed, and the exit
status is 1 then. The company file is rewritten only when something was recorded.
"""

from __future__ import annotations

import sys
from pathlib import Path

from halo_accounts.simulators.sage50ca.company import import_file, load_company, save_company

__all__ = ["main"]


def main(argv: list[str]) -> int:
    """Import ``argv[0]`` into the company kept in ``argv[1]``; 0 when recorded."""
    if len(argv) != 2:  # noqa: PLR2004 - the importer's two arguments
        print("usage: importer FILE.imp COMPANY.json", file=sys.stderr)  # noqa: T201
        return 2
    imp, kept = Path(argv[0]), Path(argv[1])
    company = load_company(kept)
    outcome = import_file(company, imp.read_bytes())
    if not outcome.ok:
        print("\n".join(outcome.errors))  # noqa: T201 - the importer's own output
        return 1
    save_company(company, kept)
    print(f"{outcome.recorded} transaction(s) imported")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
