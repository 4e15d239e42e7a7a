#!/usr/bin/env bash
# The profile-sweep action's step: `profile-sweep check` of the checked-out commit against the
# results committed on the base branch. Reads its inputs from INPUT_* variables (see action.yml);
# PROFILE_SWEEP names the command (default `cargo profile-sweep`; the tests use another build).
# Writes the comparison to $GITHUB_STEP_SUMMARY, a comment body to $RUNNER_TEMP and its path to
# $GITHUB_OUTPUT (comment-file); exits 1 when a hard limit was passed, 2 on bad input.
set -euo pipefail
: "${INPUT_RESULTS:?the results input names the committed results directory}"
read -r -a tool <<<"${PROFILE_SWEEP:-cargo profile-sweep}"
tmp=${RUNNER_TEMP:-$(mktemp -d)}
base_ref=${INPUT_BASE_REF:-}
against="$INPUT_RESULTS"
if [ -n "$base_ref" ]; then
    git fetch --quiet --depth=1 origin "$base_ref"
    # A results directory (run.json, variants.csv, measurements.csv), or a results.csv of the
    # first layout.
    results=${INPUT_RESULTS%/}
    against="$tmp/profile-sweep-base"
    rm -rf "$against"
    mkdir -p "$against"
    if git cat-file -e "FETCH_HEAD:$results/run.json" 2>/dev/null; then
        for file in run.json variants.csv measurements.csv; do
            git show "FETCH_HEAD:$results/$file" >"$against/$file"
        done
    elif ! git show "FETCH_HEAD:$results" >"$against/results.csv"; then
        echo "::error::$INPUT_RESULTS is not committed on $base_ref: sweep there and commit it first"
        exit 2
    fi
fi
args=(check --against "$against" --sweep "${INPUT_SWEEP:-profile-sweep.toml}"
    --manifest-path "${INPUT_MANIFEST_PATH:-Cargo.toml}" --markdown "$tmp/profile-sweep.md")
for limit in max-size-increase max-time-increase warn-size-increase warn-time-increase; do
    name="INPUT_${limit//-/_}"
    name=${name^^}
    if [ -n "${!name:-}" ]; then
        args+=("--$limit" "${!name}")
    fi
done
status=0
"${tool[@]}" "${args[@]}" || status=$?
comment="$tmp/profile-sweep-comment.md"
{
    echo "### profile-sweep: the shipped profile against ${base_ref:-the committed results}"
    echo
    if [ -f "$tmp/profile-sweep.md" ]; then cat "$tmp/profile-sweep.md"; fi
    case $status in
    0) echo "No hard limit was passed." ;;
    1) echo "**A hard limit was passed** (see the job's log)." ;;
    *) echo "**The check could not run** (exit status $status; see the job's log)." ;;
    esac
} >"$comment"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$comment" >>"$GITHUB_STEP_SUMMARY"; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "comment-file=$comment" >>"$GITHUB_OUTPUT"; fi
exit "$status"
