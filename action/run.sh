#!/usr/bin/env bash
# The step of action.yml: installs the pinned hcr, runs one command, sets the step outputs.
# Its inputs come as HCR_* variables (see action.yml), the Hasura Cloud token and the fromEnv
# secrets from the env of the workflow's step.
set -euo pipefail

fail() {
  echo "::error title=hcr::$1"
  exit 1
}

[[ "$HCR_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  fail "version must be an exact release such as 0.1.0, not '$HCR_VERSION': a range or a tag would change what runs against production without a review"

# npm install rather than npx: --ignore-scripts keeps install scripts of any dependency from
# running beside the secrets this step holds, and one install serves every hcr call below.
prefix="${RUNNER_TEMP:?}/hasura-cloud-reconciler-$HCR_VERSION"
if [ ! -x "$prefix/node_modules/.bin/hcr" ]; then
  npm install --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error "hasura-cloud-reconciler@$HCR_VERSION" >&2
fi
hcr() { "$prefix/node_modules/.bin/hcr" "$@"; }

read -r -a files <<< "$HCR_CONFIG"
read -r -a extra <<< "$HCR_ARGS"
[ "${#files[@]}" -gt 0 ] || fail "config is empty: give the desired-state file or directory"
selection=()
for file in "${files[@]}"; do selection+=(-f "$file"); done
if [ -n "$HCR_SHARD" ]; then selection+=(--shard "$HCR_SHARD"); fi
case "$HCR_COMMENT" in
  true | false) ;;
  *) fail "comment must be true or false, not '$HCR_COMMENT'" ;;
esac
run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"

code=0
plan_file=""
comment_failed=false
case "$HCR_COMMAND" in
  plan)
    body="$RUNNER_TEMP/hcr-plan.md"
    hcr plan "${selection[@]}" --out "$HCR_PLAN_FILE" --format markdown --detailed-exitcode ${extra[@]+"${extra[@]}"} > "$body" || code=$?
    if [ "$code" -ne 1 ]; then plan_file="$HCR_PLAN_FILE"; fi
    if [ "$HCR_COMMENT" = true ]; then
      # A failed plan replaces the last one in the comment: reviewers must not read a plan that is no longer true.
      if [ "$code" -eq 1 ]; then
        printf '## hcr plan\n\n:x: **hcr plan failed**: see the [job log](%s). This pull request has no plan until it passes.\n' "$run_url" > "$body"
      fi
      name=("${selection[@]}")
      if [ -n "$HCR_COMMENT_ID" ]; then name=(--marker-id "$HCR_COMMENT_ID"); fi
      hcr github comment "${name[@]}" --body-file "$body" || comment_failed=true
    fi
    ;;
  apply)
    if [ -f "$HCR_PLAN_FILE" ]; then
      # What is about to be applied, in the log and the job summary.
      hcr show "$HCR_PLAN_FILE" && hcr apply "$HCR_PLAN_FILE" ${extra[@]+"${extra[@]}"} || code=$?
    else
      echo "::notice title=hcr::No saved plan at $HCR_PLAN_FILE: planning again and applying $HCR_CONFIG as it is."
      hcr apply "${selection[@]}" --auto-approve ${extra[@]+"${extra[@]}"} || code=$?
    fi
    if [ "$code" -eq 3 ]; then
      echo "::error title=Stale plan::A project changed after its plan was reviewed, so hcr left it alone. Check drift to see what applying the desired state would do now; if that is right, apply again without the saved plan, else fix the desired state in a new pull request."
    fi
    ;;
  drift)
    issue=()
    if [ "$HCR_COMMENT" = true ]; then issue=(--github-issue); fi
    hcr drift "${selection[@]}" ${issue[@]+"${issue[@]}"} ${extra[@]+"${extra[@]}"} || code=$?
    ;;
  *)
    fail "command must be plan, apply or drift, not '$HCR_COMMAND'"
    ;;
esac

has_changes=false
if [ "$code" -eq 2 ]; then has_changes=true; fi
{
  echo "exitcode=$code"
  echo "has-changes=$has_changes"
  echo "plan-file=$plan_file"
} >> "$GITHUB_OUTPUT"

# Changes are what a pull request is for: a plan with changes passes, unless its comment could not
# be posted (the error above says why). Drift (2) fails the step.
if [ "$comment_failed" = true ]; then exit 1; fi
if [ "$HCR_COMMAND" = plan ] && [ "$code" -eq 2 ]; then exit 0; fi
exit "$code"
