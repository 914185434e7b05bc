#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/demo.sh [SERIES] [MiB]    (default: 6.1, 256)
# Boot a guest of Debian's stock kernel, load pinstat, pin a buffer of
# every kind (4 KiB anonymous, THP, hugetlb 2 MiB, one 1 GiB hugetlb page,
# shmem, page cache, zero page) and show the debugfs report.
set -euo pipefail
exec "$(dirname "$0")/guest.sh" --kernel "${1:-6.1}" -- "pinstat-demo -m ${2:-256}"
