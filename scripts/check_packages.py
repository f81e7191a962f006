#!/usr/bin/env python3
"""Proves that a build uses only Debian packages that scripts/setup.sh installs.

A machine keeps every package anyone ever installed by hand, so a build that passes here can
still fail on a fresh machine (it did: Qt6Charts needs libqt6opengl6-dev, only a Recommends of
qt6-base-dev). This check derives what the build really used and maps each file to its package:

  build time  the files CMake's configure loaded (CMakeFiles/Makefile.cmake), the headers the
              compiler read (the *.o.d depfiles), the libraries and tools on the link and build
              command lines (link.txt, build.make, the autogen tools), the compiler itself;
  run time    what `ldd` resolves for every built executable.

Each package found must be in scripts/packages.txt, in what those pull in through Depends and
Pre-Depends (not Recommends: set-up installs without them), or part of every Debian system
(Essential or Priority required). Otherwise the check fails and names the package and a file
that needed it. A used file that no package owns (something under /usr/local, say) fails too.

  scripts/check_packages.py [--build DIR] [--list FILE] [--without PKG]...

--without drops packages from the list, to prove the check notices (tests/CMakeLists.txt runs it
so). Exit 0: all covered; 1: something is not; 2: cannot check (not Debian, no build).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Only system locations are mapped to packages; the source and build trees are ours.
SYSTEM_PREFIXES = ("/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/etc/", "/opt/")


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [l.split("#", 1)[0].strip() for l in f if l.split("#", 1)[0].strip()]


def absolute_paths(text):
    """Every absolute system path in a text (quoted or bare, space or ; separated)."""
    for m in re.finditer(r'(/(?:usr|lib|lib64|bin|sbin|etc|opt)/[^\s";:()\\]+)', text):
        yield m.group(1).rstrip(",")


def build_time_files(build):
    files = {}

    def add(path, why):
        if path.startswith(SYSTEM_PREFIXES) and os.path.isfile(path):
            files.setdefault(path, why)

    # Configure: every CMake file it read (the Makefile generator lists them to know when to re-run).
    mk = os.path.join(build, "CMakeFiles", "Makefile.cmake")
    if not os.path.isfile(mk):
        raise SystemExit(f"check_packages: {mk} not found: configure {build} with the Makefile generator first")
    for p in absolute_paths(open(mk, encoding="utf-8").read()):
        add(p, "read by CMake's configure")
    # The compiler, linker and tools CMake chose.
    cache = open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8").read()
    for key in ("CMAKE_CXX_COMPILER", "CMAKE_AR", "CMAKE_LINKER", "CMAKE_MAKE_PROGRAM", "CMAKE_COMMAND"):
        m = re.search(rf"^{key}:[A-Z]+=(.*)$", cache, re.M)
        if m:
            add(os.path.realpath(m.group(1).strip()), f"{key} of the build")
    add(os.path.realpath(sys.executable), "runs this check")
    # Compilation: the headers in the depfiles.
    depfiles = glob.glob(os.path.join(build, "**", "*.o.d"), recursive=True)
    if not depfiles:
        raise SystemExit(f"check_packages: no *.o.d depfiles under {build}: build it first")
    for d in depfiles:
        for p in absolute_paths(open(d, encoding="utf-8", errors="replace").read()):
            add(p, f"included by {os.path.relpath(d, build)}")
    # Linking and code generation: libraries on link lines, tools in the build rules.
    for pattern, why in (("link.txt", "linked"), ("build.make", "a build rule"), ("AutogenInfo.json", "moc/uic")):
        for f in glob.glob(os.path.join(build, "**", pattern), recursive=True):
            text = open(f, encoding="utf-8", errors="replace").read()
            for p in absolute_paths(text):
                add(p, f"{why} in {os.path.relpath(f, build)}")
            if pattern == "link.txt":
                for lib in re.findall(r"(?<!\S)-l([\w+.-]+)", text):
                    found = subprocess.run(["g++", f"-print-file-name=lib{lib}.so"],
                                           capture_output=True, text=True).stdout.strip()
                    if found.startswith("/"):
                        add(os.path.normpath(found), f"-l{lib} in {os.path.relpath(f, build)}")
    return files


def executables(build):
    for f in sorted(glob.glob(os.path.join(build, "**", "*"), recursive=True)):
        if os.path.isfile(f) and os.access(f, os.X_OK) and "CMakeFiles" not in f:
            with open(f, "rb") as h:
                if h.read(4) == b"\x7fELF":
                    yield f


def run_time_files(build):
    files = {}
    for exe in executables(build):
        out = subprocess.run(["ldd", exe], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "not found" in line:
                raise SystemExit(f"check_packages: {exe}: ldd cannot resolve {line.split()[0]}")
            m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)", line)
            if m:
                files.setdefault(m.group(1), f"loaded by {os.path.relpath(exe, build)}")
    if not files:
        raise SystemExit(f"check_packages: no executables under {build}: build it first")
    return files


def owners(paths):
    """Maps each path to its Debian package, trying the path, its real path and the
    merged-/usr twin (dpkg may know /lib/x/libc.so.6 while ldd says /usr/lib/x/...)."""
    candidates = {}
    for p in paths:
        alts = [p, os.path.realpath(p)]
        for a in list(alts):
            if a.startswith("/usr/"):
                alts.append(a[4:])
            else:
                alts.append("/usr" + a)
        candidates[p] = list(dict.fromkeys(alts))
    asked = sorted({a for alts in candidates.values() for a in alts})
    known = {}
    for i in range(0, len(asked), 500):
        out = subprocess.run(["dpkg-query", "-S"] + asked[i:i + 500], capture_output=True, text=True).stdout
        for line in out.splitlines():
            pkgs, _, path = line.partition(": ")
            if path and not pkgs.startswith("diversion"):
                known[path.strip()] = [q.strip().split(":")[0] for q in pkgs.split(",")]
    return {p: next((known[a] for a in alts if a in known), None) for p, alts in candidates.items()}


def installed_packages():
    fmt = "${Package}\t${db:Status-Abbrev}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}\t${Depends}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, text=True, check=True).stdout
    pkgs, providers = {}, {}
    for line in out.splitlines():
        name, status, essential, priority, provides, predeps, deps = (line.split("\t") + [""] * 7)[:7]
        if not status.startswith("ii"):
            continue
        pkgs[name] = {"base": essential == "yes" or priority == "required", "depends": f"{predeps}, {deps}"}
        for v in provides.split(","):
            v = re.sub(r"\(.*?\)", "", v).strip()
            if v:
                providers.setdefault(v, set()).add(name)
    return pkgs, providers


def closure(roots, pkgs, providers):
    """The packages apt installs for `roots` without Recommends, as far as this machine shows:
    each Depends group is met by its first alternative that is installed here (a real package,
    or an installed provider of a virtual one)."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in pkgs:
            continue
        for group in pkgs[name]["depends"].split(","):
            for alt in group.split("|"):
                alt = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip().split(":")[0]
                if not alt:
                    continue
                met = [alt] if alt in pkgs else sorted(providers.get(alt, ()))
                if met:
                    todo.extend(met)
                    break
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--list", default=os.path.join(HERE, "packages.txt"))
    ap.add_argument("--without", action="append", default=[], metavar="PKG",
                    help="check as if the list did not name PKG")
    args = ap.parse_args()
    if not shutil.which("dpkg-query"):
        print("check_packages: not a Debian system; nothing to check", file=sys.stderr)
        return 2
    build = os.path.abspath(args.build)

    wanted = [p for p in read_list(args.list) if p not in args.without]
    for p in args.without:
        print(f"check_packages: checking as if {os.path.relpath(args.list, ROOT)} did not name {p}")
    pkgs, providers = installed_packages()
    missing_from_machine = [p for p in wanted if p not in pkgs]
    if missing_from_machine:
        print(f"check_packages: listed but not installed here: {' '.join(missing_from_machine)} (run scripts/setup.sh)")
        return 2
    base = [n for n, info in pkgs.items() if info["base"]]
    covered = closure(wanted + base, pkgs, providers)

    failures = 0
    for stage, files in (("build", build_time_files(build)), ("run time", run_time_files(build))):
        owner = owners(files)
        used, unowned = {}, []
        for path, why in sorted(files.items()):
            if owner[path] is None:
                unowned.append((path, why))
                continue
            # A file shared by several packages (a folder-like path) is covered if any one is.
            if not any(o in covered for o in owner[path]):
                used.setdefault(owner[path][0], (path, why))
        for path, why in unowned:
            print(f"FAIL ({stage}): {path} ({why}) belongs to no Debian package: a fresh machine will not have it")
            failures += 1
        for pkg, (path, why) in sorted(used.items()):
            print(f"FAIL ({stage}): package {pkg} is used but set-up does not install it: "
                  f"{path} ({why}). Add {pkg} to scripts/packages.txt")
            failures += 1
        n_pkgs = len({o[0] for o in owner.values() if o})
        print(f"check_packages: {stage}: {len(files)} files from {n_pkgs} packages checked")
    if failures:
        print(f"check_packages: {failures} problem(s): a fresh machine would not build or run this")
        return 1
    print("check_packages: every package the build and the programs use is installed by set-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
