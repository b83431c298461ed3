#!/usr/bin/env bash
# Fails when a dependency has an install script that package.json's allowScripts neither allows nor denies:
# npm 12 skips such scripts (npm 11.16+ warns), so a new one must be reviewed, then listed with
# `npm install-scripts approve --no-allow-scripts-pin <name>` or `npm install-scripts deny <name>`.
# `npm install-scripts ls --json` (npm 11.16+) lists the uncovered ones under "allowScripts" (an empty list when
# none is). An npm without the subcommand skips the check and says so; any other failure of npm fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

npm_version="$(npm --version)"
status=0
listing="$(npm install-scripts ls --json 2>&1)" || status=$?
if ((status != 0)); then
  if grep -q 'Unknown command: "install-scripts"' <<<"$listing"; then
    echo "install-scripts: npm $npm_version has no install-scripts command (npm 11.16 or later has): dependency install scripts not checked"
    exit 0
  fi
  echo "install-scripts: npm install-scripts ls failed (npm $npm_version):" >&2
  echo "$listing" >&2
  exit 1
fi
LISTING="$listing" node --input-type=module -e '
let parsed;
try {
  parsed = JSON.parse(process.env.LISTING);
} catch {
  console.error(`install-scripts: npm install-scripts ls --json printed no JSON:\n${process.env.LISTING}`);
  process.exit(1);
}
if (!Array.isArray(parsed?.allowScripts)) {
  console.error(`install-scripts: npm install-scripts ls --json printed no "allowScripts" list:\n${process.env.LISTING}`);
  process.exit(1);
}
const pending = parsed.allowScripts.flatMap((entry) => (entry.changes ?? [{ key: entry.name, change: "pending" }]).map((change) => `  ${change.key ?? entry.name} (${change.change})`));
if (pending.length > 0) {
  console.error(`install-scripts: dependency install scripts not reviewed in package.json allowScripts:\n${pending.join("\n")}`);
  console.error("Review each script, then: npm install-scripts approve --no-allow-scripts-pin <name> (or deny <name>).");
  process.exit(1);
}
console.log("install-scripts: every dependency install script is reviewed in allowScripts");
'
