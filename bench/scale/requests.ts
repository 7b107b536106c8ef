// Counts the HTTP requests this process sends, at undici's diagnostics channel: both the CLI's
// undici and Node's fetch publish there, so nothing sits between the client and the server
// (a counting proxy would add a hop to every request it counts).
import diagnostics from 'node:diagnostics_channel'

let count = 0
diagnostics.subscribe('undici:request:create', () => {
  count++
})

/** Runs `work` and returns its result with the number of requests it sent. */
export async function counted<T>(work: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = count
  const value = await work()
  return { value, requests: count - before }
}
