#!/usr/bin/env bash
# Rebuilds every bundle and fails when dist/ differs from what is committed, printing the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent bundle
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: it differs from a fresh build of the source:" >&2
  git status --porcelain -- dist >&2
  git --no-pager diff --stat -- dist >&2 || true
  echo "Fix: npm ci && npm run bundle && git add dist && git commit" >&2
  exit 1
fi
echo "dist/ matches the source."
