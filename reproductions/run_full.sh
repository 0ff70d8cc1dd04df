#!/usr/bin/env bash
# Full-budget runs into reproductions/results, one TensorFlow thread per process (two such
# processes side by side train about twice as many images per second as one process with two
# threads on the 2-core machine). Usage: bash reproductions/run_full.sh ID:SEEDS[:FIRST] ...
# Each finished seed is written at once; a seed whose result.json exists is skipped.
set -u
cd "$(dirname "$0")/.."
for item in "$@"; do
    IFS=: read -r id seeds first <<<"$item"
    first=${first:-1}
    for seed in $(seq "$first" $((first + seeds - 1))); do
        if [ -f "reproductions/results/$id/full-seed$seed/result.json" ]; then
            continue
        fi
        graph-cnn reproduce "$id" --budget full --first-seed "$seed" --seeds 1 \
            --out reproductions/results --threads 1
    done
done
