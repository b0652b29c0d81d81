"""Promote a registered model version to `champion` through its gate.

Shows the champion's and the candidate's scores side by side (from the MLflow runs that
registered them; the same held-out data when the candidate's run scored this champion),
applies the model's gate (adcraft.promotion.GATES), moves `champion` if it passes and
logs the decision in an MLflow run `promote-<model>` either way. `challenger` is left
where it is.
"""

from __future__ import annotations

import argparse
import os
import sys

from adcraft.promotion import GATES, PromotionError, promote
from adcraft.registry import Registry
from adcraft.settings import get_settings
from pipelines._common import start_job

EPILOG = """\
examples:
  python -m pipelines.promote adcraft-conversion               # the challenger
  python -m pipelines.promote adcraft-generator --version 3 --dry-run
  python -m pipelines.promote adcraft-conversion --version 2 --force   # roll back

exit codes:
  0  promoted (with --dry-run: would be promoted)
  1  the gate refused: champion unchanged, decision logged (with --dry-run: would refuse)
  2  bad input: unknown model or version, no challenger, candidate already champion,
     a run without the metrics the gate needs
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m pipelines.promote", description=__doc__,
                                epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help=f"registered model: {', '.join(GATES)}, or a suffixed name "
                                 "of one (adcraft-conversion-obd-men) that uses its gate")
    p.add_argument("--version", type=int,
                   help="the candidate version (default: the one holding `challenger`)")
    p.add_argument("--force", action="store_true",
                   help="promote even if the gate says no; logged as forced")
    p.add_argument("--dry-run", action="store_true",
                   help="only show the scores and the decision: move nothing, log nothing")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # --help (0) or a malformed command line (2)
        return int(exc.code or 0)
    start_job()
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # one small file
    try:
        result = promote(Registry(get_settings()), args.model, args.version,
                         force=args.force, dry_run=args.dry_run)
    except PromotionError as exc:
        print(f"promote: error: {exc}", file=sys.stderr)
        return 2
    print(result.table)
    print(result.verdict())
    if result.run_id:
        print(f"decision logged in MLflow run {result.run_id}")
    return 0 if result.decision.promote else 1


if __name__ == "__main__":
    sys.exit(main())
