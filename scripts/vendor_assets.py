"""Copy the portal's third-party browser files from node_modules into the static folder.

The portal ships Leaflet and Leaflet.markercluster as plain static files under
``backend/web/static/vendor/``, committed, so that installing and running the app
needs no Node. npm is only how those files are fetched and pinned (``package.json``,
``package-lock.json``)::

    npm ci --ignore-scripts                # node_modules/ exactly as the lock file says
    python3 scripts/vendor_assets.py       # (re)write backend/web/static/vendor/
    python3 scripts/vendor_assets.py --check   # CI: exit 1 if the committed files differ

Only the files the pages load are copied (minified builds, their CSS, Leaflet's
marker and layer images) plus each package's licence, saved as ``LICENSE``.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "backend" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    #: (source inside the npm package, destination inside vendor/<name>/); a source
    #: ending in "/*" copies every file of that folder (not recursively).
    files: tuple[tuple[str, str], ...]


PACKAGES = (
    Package(
        "leaflet",
        (
            ("dist/leaflet.js", "leaflet.js"),
            ("dist/leaflet.css", "leaflet.css"),
            ("dist/images/*", "images/"),
            ("LICENSE", "LICENSE"),
        ),
    ),
    Package(
        "leaflet.markercluster",
        (
            ("dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
            ("dist/MarkerCluster.css", "MarkerCluster.css"),
            ("dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
            ("MIT-LICENCE.txt", "LICENSE"),
        ),
    ),
)


class VendorError(RuntimeError):
    pass


def locked_version(name: str) -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    try:
        return lock["packages"][f"node_modules/{name}"]["version"]
    except KeyError as exc:
        raise VendorError(f"{name} is not in package-lock.json") from exc


def expected_files(package: Package) -> dict[str, Path]:
    """Destination path (relative to vendor/) -> source file in node_modules."""
    source_root = NODE_MODULES / package.name
    manifest = source_root / "package.json"
    if not manifest.is_file():
        raise VendorError(f"node_modules/{package.name} is missing: run `npm ci --ignore-scripts`")
    installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    if installed != locked_version(package.name):
        raise VendorError(
            f"node_modules/{package.name} is {installed} but package-lock.json says "
            f"{locked_version(package.name)}: run `npm ci --ignore-scripts`"
        )
    wanted: dict[str, Path] = {}
    for source, destination in package.files:
        if source.endswith("/*"):
            folder = source_root / source[:-2]
            matches = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
            if not matches:
                raise VendorError(f"no files in node_modules/{package.name}/{source[:-2]}")
            for path in matches:
                wanted[f"{package.name}/{destination}{path.name}"] = path
        else:
            path = source_root / source
            if not path.is_file():
                raise VendorError(f"node_modules/{package.name}/{source} is missing")
            wanted[f"{package.name}/{destination}"] = path
    return wanted


def present_files(package: Package) -> set[str]:
    folder = VENDOR / package.name
    if not folder.is_dir():
        return set()
    return {p.relative_to(VENDOR).as_posix() for p in folder.rglob("*") if p.is_file()}


def differences(package: Package) -> list[str]:
    wanted = expected_files(package)
    present = present_files(package)
    problems = [f"missing: {name}" for name in sorted(wanted.keys() - present)]
    problems += [f"not from {package.name}: {name}" for name in sorted(present - wanted.keys())]
    problems += [
        f"differs from node_modules: {name}"
        for name in sorted(wanted.keys() & present)
        if (VENDOR / name).read_bytes() != wanted[name].read_bytes()
    ]
    return problems


def copy(package: Package) -> int:
    wanted = expected_files(package)
    folder = VENDOR / package.name
    if folder.exists():
        shutil.rmtree(folder)
    for name, source in wanted.items():
        target = VENDOR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return len(wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if backend/web/static/vendor/ differs from node_modules",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = [p for package in PACKAGES for p in differences(package)]
            for problem in problems:
                print(f"vendor_assets: {problem}", file=sys.stderr)
            if problems:
                print(
                    "vendor_assets: run `npm ci --ignore-scripts && "
                    "python3 scripts/vendor_assets.py` and commit the result",
                    file=sys.stderr,
                )
                return 1
            for package in PACKAGES:
                print(f"{package.name} {locked_version(package.name)}: vendored files match")
            return 0
        for package in PACKAGES:
            count = copy(package)
            print(
                f"{package.name} {locked_version(package.name)}: {count} files -> "
                f"{(VENDOR / package.name).relative_to(ROOT)}"
            )
        return 0
    except VendorError as exc:
        print(f"vendor_assets: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
