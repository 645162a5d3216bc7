#!/usr/bin/env bash
# Install a one-node Slurm cluster (Debian 12 / Slurm 22.05) with accounting.
# Idempotent: only packages that are not installed yet are fetched.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then echo "install.sh: must run as root" >&2; exit 1; fi

# slurmctld+slurmd+slurm-client: the cluster; munge: authentication;
# slurmdbd+mariadb-server: accounting (22.05 has no accounting_storage/filetxt,
# so sacct needs slurmdbd backed by MySQL/MariaDB).
pkgs=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server)

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install.sh: all packages already installed (${pkgs[*]})"
    exit 0
fi

echo "install.sh: installing ${missing[*]}"
apt-get update -qq
# Services must not be started by the package scripts (no systemd in CI
# containers); start.sh starts every daemon itself.
apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/dev/null
echo "install.sh: done"
