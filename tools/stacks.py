"""make test-NAME: build .venv-NAME from constraints/NAME.txt (its header: python; kind full = pytest
runs inside, or colab = Colab's packages as nbval's kernel; installer pip = the README's commands)
and run its tests. `python tools/stacks.py colab NAME FREEZE` pins the file to a Colab freeze."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ROOT  # noqa: E402

UV = [sys.executable, "-m", "uv"]
D2L = "d2l==1.0.3"
# What Colab preinstalls and the notebooks, d2l's imports or the kernel touch.
COLAB_PACKAGES = (
    "torch torchvision numpy matplotlib matplotlib-inline pandas scipy requests pillow "
    "ipython ipykernel jupyter-client ipywidgets"
).split()
# PyPI's torch is the CUDA build; its nvidia-*/triton dependencies are not on Colab's CPU runtime.
NOT_ON_COLAB_CPU = re.compile(r"^(nvidia-|triton|cuda-)")
# The tests a full stack runs besides the notebooks: the checks against its torch, the explorers.
FULL_TESTS = [
    "tests/test_stack.py",
    "tests/test_checks.py",
    "tests/checks",
    "tests/test_explorers.py",
]


def constraints(name: str) -> str:
    return (ROOT / "constraints" / f"{name}.txt").read_text(encoding="utf-8")


def header(name: str) -> dict[str, str]:
    fields = re.findall(r"^# (runtime|python|kind|installer): (.+)$", constraints(name), re.M)
    return {"installer": "uv", **dict(fields)}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(name: str) -> dict[str, str]:
    """{normalized package name: pinned version}."""
    return {normalize(n): v for n, v in re.findall(r"^([\w.\-]+)==(\S+)", constraints(name), re.M)}


def venv(name: str) -> Path:
    return ROOT / f".venv-{name}"


def find_python(version: str) -> str:
    """An interpreter of this minor version on PATH or from pyenv or uv; the newest patch wins."""
    home, found = Path.home(), []
    pyenv = os.environ.get("PYENV_ROOT", home / ".pyenv")
    patterns = [f"{d}/python{version}" for d in os.environ.get("PATH", "").split(os.pathsep)]
    patterns += [f"{pyenv}/versions/{version}.*/bin/python{version}"]
    patterns += [f"{home}/.local/share/uv/python/cpython-{version}.*/bin/python{version}"]
    for exe in {p for pattern in patterns for p in glob.glob(pattern)}:
        probe = [exe, "-c", "import sys; print(*sys.version_info[:3])"]
        parts = subprocess.run(probe, capture_output=True, text=True).stdout.split()
        if ".".join(parts[:2]) == version:
            found.append((int(parts[2]), exe))
    if not found:
        raise SystemExit(f"Python {version} not found; install it: uv python install {version}")
    return max(found)[1]


def run(*args, **kw) -> None:
    subprocess.run(args, cwd=ROOT, check=True, **kw)


def build(name: str) -> Path:
    spec, target = header(name), venv(name)
    recipe = (
        constraints(name) + (ROOT / "requirements.txt").read_text() + Path(__file__).read_text()
    )
    digest = hashlib.sha256(recipe.encode())  # a changed pin, requirement or recipe rebuilds
    stamp = target / f".installed-{digest.hexdigest()[:16]}"
    if stamp.exists():
        return target
    py, python = str(target / "bin" / "python"), find_python(spec["python"])
    uv_pip = [*UV, "pip", "install", "-q", "--compile-bytecode", "--python", py]  # as pip does
    if spec["installer"] == "pip":  # exactly the README's commands for users without make
        run(python, "-m", "venv", "--clear", str(target))
        run(py, "-m", "pip", "install", "-q", "-r", "requirements.txt")
        run(py, "-m", "pip", "install", "-q", "--no-deps", D2L)
    elif spec["kind"] == "full":
        run(*UV, "venv", "-q", "--clear", "--python", python, str(target))
        run(*uv_pip, "-c", f"constraints/{name}.txt", "-r", "requirements.txt")
        run(*uv_pip, "--no-deps", D2L)
    else:  # colab: pip as well (the install guard runs %pip), a google.colab stub, a kernelspec
        run(*UV, "venv", "-q", "--clear", "--seed", "--python", python, str(target))
        run(*uv_pip, "-c", f"constraints/{name}.txt", *COLAB_PACKAGES)
        site = glob.glob(f"{target}/lib/python*/site-packages")[0]
        stub = Path(site) / "google" / "colab"  # google is a namespace package: no __init__ there
        stub.mkdir(parents=True, exist_ok=True)
        (stub / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab (tests)."""\n')
        kernel = target / "share" / "jupyter" / "kernels" / name
        kernel.mkdir(parents=True, exist_ok=True)
        argv = [py, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        argv.append("--IPKernelApp.exec_lines=['import google.colab']")
        (kernel / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": name}))
    stamp.touch()
    return target


def test(name: str, extra: list[str]) -> int:
    target = build(name)
    py = str(target / "bin" / "python")
    env = {**os.environ, "STACK": name}
    if header(name)["kind"] == "full":
        command = [py, "-m", "pytest", "-m", "not browser", "notebooks", "solutions", *FULL_TESTS]
    else:  # d2l must be missing, as on a fresh Colab: the install guard has to bring it
        subprocess.run([*UV, "pip", "uninstall", "-q", "--python", py, "d2l"], check=False)
        env["JUPYTER_PATH"] = str(target / "share" / "jupyter")
        command = [
            sys.executable,
            "-m",
            "pytest",
            f"--nbval-kernel-name={name}",
            "-m",
            "not browser",
        ]
        command += ["notebooks", "solutions"]
    print(f"{name}: {' '.join(command[1:] + extra)}", flush=True)
    status = subprocess.run([*command, *extra], cwd=ROOT, env=env).returncode
    if header(name)["kind"] == "colab":  # after nbval: this test uninstalls d2l again
        tests = [sys.executable, "-m", "pytest", "-n", "0", "-m", "stack", "tests/test_stack.py"]
        status |= subprocess.run([*tests, *extra], cwd=ROOT, env=env).returncode
    return status


def colab(name: str, freeze: Path) -> None:
    """Pin every package the stack installs to its version in Google's published list."""
    published = {}
    for line in freeze.read_text(encoding="utf-8").splitlines():
        # "numpy==2.1.3", or a wheel: "torch @ https://.../torch-2.11.0%2Bcpu-cp313-....whl"
        wheel = r"^(\S+) @ \S*?-([0-9][^-%]*)\S*\.whl$"
        m = re.match(r"^(\S+)==(\S+)$", line) or re.match(wheel, line)
        if m and not NOT_ON_COLAB_CPU.match(normalize(m.group(1))):
            published[normalize(m.group(1))] = m.group(2)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "c.txt").write_text("".join(f"{n}=={v}\n" for n, v in published.items()))
        (Path(tmp) / "r.in").write_text("\n".join(COLAB_PACKAGES))
        resolved = subprocess.run(
            [*UV, "pip", "compile", "-q", "--no-header", "--no-annotate", "--python-version",
             header(name)["python"], "--python-platform", "x86_64-manylinux_2_28",
             "-c", f"{tmp}/c.txt", f"{tmp}/r.in"], capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    names = {normalize(n) for n in re.findall(r"^([\w.\-]+)==", resolved, re.M)} & published.keys()
    head = "".join(ln + "\n" for ln in constraints(name).splitlines() if ln.startswith("#"))
    pinned = "".join(f"{n}=={published[n]}\n" for n in sorted(names))
    (ROOT / "constraints" / f"{name}.txt").write_text(head + pinned)


if __name__ == "__main__":
    command, name, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if command == "test":
        sys.exit(test(name, rest))
    colab(name, Path(rest[0]))
