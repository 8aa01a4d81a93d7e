#!/usr/bin/env bash
# Installs the Debian 12 packages of the benchmark peers, only those that are missing (idempotent;
# run as root): ADOL-C (tape-based AD), SUNDIALS (CVODES), gnuplot (docs/performance.md's plots), pkg-config
# (to find ADOL-C). The project's own packages come with them (tests/install_deps.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../tests/install_deps.sh" libadolc-dev libsundials-dev gnuplot-nox pkg-config
