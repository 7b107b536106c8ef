// SIMULATED deployment approvals. On GitHub a required reviewer clicks "Review deployments" and
// GitHub's API reports the review; here a local HTTP server answers
// GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals in GitHub's documented shape with
// whatever review the demo sets for the run. Nothing about it is a real approval.
import http from 'node:http'

export async function startSimulatedApprovals() {
  const reviews = new Map()
  const server = http.createServer((req, res) => {
    const match = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/approvals/.exec(req.url ?? '')
    if (!req.headers.authorization)
      return res.writeHead(401).end('{"message":"Requires authentication"}')
    if (!match) return res.writeHead(404).end('{"message":"Not Found"}')
    const list = (reviews.get(match[1]) ?? []).map((r, i) => ({
      environments: [
        {
          id: 10 + i,
          node_id: `EN_${i}`,
          name: r.environment,
          url: '',
          html_url: '',
          created_at: '',
          updated_at: ''
        }
      ],
      state: r.state,
      user: { login: r.login, id: 1000 + i, type: 'User' },
      comment: r.comment
    }))
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    uri: `http://127.0.0.1:${server.address().port}`,
    approve: (runId, login, environment) =>
      reviews.set(String(runId), [
        {
          login,
          environment,
          state: 'approved',
          comment: `SIMULATED approval by ${login} (npm run demo)`
        }
      ]),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
