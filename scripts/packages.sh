# Sourced by scripts/setup.sh and scripts/fuzz.sh: reading a package list and installing what is
# missing of it. The caller defines say() and die().

# Prints the packages of a list file (one a line, '#' comments, blank lines ignored), one a line.
read_package_list() {
  local line
  while read -r line; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    if [ -n "$line" ]; then echo "$line"; fi
  done < "$1"
}

# Runs a command as root: directly, through sudo, or not at all.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Installs those of the given Debian packages that are not installed, without their Recommends
# (what they need must be in a list or in its Depends: scripts/check_packages.py checks that).
install_missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all present"
    return
  fi
  say "installing ${missing[*]}"
  # env, not a plain assignment: sudo drops the caller's environment.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
