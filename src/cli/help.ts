export const VERSION = '0.1.0'

export const HELP = `model-governance: which model is running, who put it there, and did anyone bypass the audit trail?

Usage: model-governance <command> [arguments] [options]

Commands:
  status <model> [target]
                        each stage and alias: version, who trained it, on what data, who
                        approved it, the commit that reproduces it; flags drift from the audit
                        log. With a target (Production, alias:champion): that one in full
  history <model>       the model's audit events as a table
  verify-audit [file]   check an audit log's hash chain and git history (the audit-log
                        action's verify mode)
  reconcile             compare the registry with the audit log for every model it names
                        (the reconcile action)
  resolve <model> <stage|alias>
                        the governed version's models:/ URI; exit 1 when the registry
                        disagrees with the audit log. --download DIR fetches its files,
                        verified against the md5 the audit log recorded
  evidence <model> --version <n> [--format md|json|html] [--out <file>]
                        one self-contained evidence pack for an auditor: the version's history,
                        gates, approvals, lineage, training run, trail verification, timeline

Options:
  --json                machine-readable output on stdout
  --file <path>         the audit log (default: AUDIT.log at the repository root)
  --policy <path>       the policy file (default: .github/model-governance.yml at the root,
                        else .mlflow/config.yaml when it holds model_registry.stages)
  --repo <dir>          the repository root (default: the git repository above the cwd)
  --model <name>        reconcile only this model (repeatable)
  --limit <n>           history: only the newest n events
  --expected-sha256 <h> verify-audit: the file must contain a line with this SHA-256
  --at <time>           status: who held each target then, by the audit trail (ISO 8601, with
                        its zone: 2026-12-01T02:00:00Z)
  --no-history          verify-audit, status, reconcile: skip the git history check
  --audit-identities <l> who may append, as git authors: 'Name <email>, <email>'
                        (default: github-actions[bot], the suite's own committer)
  --expected-commit <c> verify-audit: a commit an older clone kept; a rewritten history fails
  --check-runs          verify-audit: confirm each entry against GitHub's record of its run
                        (GITHUB_TOKEN or GH_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)
  --download <dir>      resolve: stream the files into <dir> (new or empty), verified
  --color, --no-color   force colour on or off (default: on a terminal, unless NO_COLOR is set)
  --verbose             debug messages on stderr
  -h, --help            this text;  --version  the version

The tracking server comes from MLflow's variables: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME,
MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_INSECURE_TLS,
MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_CLIENT_CERT_PATH.

Exit codes: 0 ok; 1 drift found or audit chain broken; 2 usage or configuration error;
3 tracking server unreachable or refused; 4 internal error (a bug). See docs/cli.md.

Install it pinned to a release commit and its SHA-256, never as \`npx model-governance\` (that
npm name is not this project): docs/cli.md, "Installing the CLI, pinned".
`
