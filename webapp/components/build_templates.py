"""Compile the app's Vue templates into ``webapp/components/vue/compiled.mjs`` (see :mod:`webapp.components.compiled`).

Run after editing a ``.vue`` file in ``webapp/components/vue/`` or upgrading Solara:

    python -m webapp.components.build_templates

Needs Node.js and npm: the first run installs Vue's compiler (``@vue/compiler-sfc``, the version
of the Vue that jupyter-vue runs in the page) into a cache folder (``--compiler-dir``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from webapp.components.compiled import COMPILED, header, sources

VUE_VERSION = "3.5.39"  # the Vue in jupyter-vue's page script (ipyvue 3.1); compiled code must match it
SCRIPT = Path(__file__).with_name("compile_templates.mjs")
DEFAULT_COMPILER_DIR = Path.home() / ".cache" / "suqian-abm" / f"vue-compiler-{VUE_VERSION}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"build_templates: `{name}` is not on PATH; Node.js and npm are needed to compile templates")
    return found


def install_compiler(folder: Path) -> None:
    """Install ``@vue/compiler-sfc`` at :data:`VUE_VERSION` into ``folder`` unless it is there."""
    package = folder / "node_modules" / "@vue" / "compiler-sfc" / "package.json"
    if package.exists() and json.loads(package.read_text(encoding="utf-8")).get("version") == VUE_VERSION:
        return
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [_tool("npm"), "install", "--silent", "--no-save", "--prefix", str(folder), f"@vue/compiler-sfc@{VUE_VERSION}"],
        check=True,
    )


def compile_module(texts: dict[str, str], compiler_dir: Path) -> str:
    """The ES module for these templates, its first line the sources' digests."""
    result = subprocess.run(
        [_tool("node"), str(SCRIPT), str(compiler_dir)],
        input=json.dumps({"components": texts}),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if result.returncode != 0:
        raise SystemExit(f"build_templates: compiling failed:\n{result.stderr}")
    return (
        header(texts) + "\n// Compiled by `python -m webapp.components.build_templates`; do not edit.\n" + result.stdout
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--compiler-dir", type=Path, default=DEFAULT_COMPILER_DIR, help="where Vue's compiler is installed"
    )
    args = parser.parse_args(argv)
    install_compiler(args.compiler_dir)
    module = compile_module(sources(), args.compiler_dir)
    # written whole or not at all: a failed build leaves the previous module
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=COMPILED.parent, delete=False, suffix=".tmp") as out:
        out.write(module)
    os.replace(out.name, COMPILED)
    print(f"wrote {COMPILED} ({len(module.encode('utf-8')):,} bytes, {len(sources())} templates)")


if __name__ == "__main__":
    main()
