#!/usr/bin/env bash
# Run one atheris harness for a bounded time, then print its executions, coverage and any
# crash (the whole libFuzzer log is in .fuzz/NAME.log, crash inputs in .fuzz/crashes/).
#   fuzz/run.sh text|html SECONDS [PYTHON]
# New corpus entries go to .fuzz/corpus/NAME; the seeds are read from the folders below.
set -uo pipefail
name="$1"
seconds="$2"
python="${3:-.venv/bin/python}"
work=.fuzz
case "$name" in
  text) seeds=(samples tests/data/articles tests/data/fuzz_regressions/text) ;;
  html) seeds=(tests/data/html tests/data/fuzz_regressions/html) ;;
  *) echo "usage: fuzz/run.sh text|html SECONDS [PYTHON]" >&2; exit 2 ;;
esac
mkdir -p "$work/corpus/$name" "$work/crashes"
log="$work/$name.log"
echo "atheris: fuzz/fuzz_$name.py for ${seconds}s (log: $log)"
"$python" "fuzz/fuzz_$name.py" -max_total_time="$seconds" -print_final_stats=1 \
  -timeout=60 -rss_limit_mb=4096 -max_len=8192 -artifact_prefix="$work/crashes/$name-" \
  "$work/corpus/$name" "${seeds[@]}" 2>"$log"
status=$?
grep -E "INITED|DONE|^stat::" "$log"
if [ "$status" -ne 0 ]; then
  echo "fuzz_$name.py failed (exit $status); the end of its log:"
  tail -n 40 "$log"
fi
exit "$status"
