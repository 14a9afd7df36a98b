-- Refresh grant with rotation: every refresh token is sent exactly once. The run starts from a
-- pool of pre-minted tokens (one per connection, plus spares); each 200 response carries the
-- rotated token, which goes to the back of the queue and feeds a later request. So each
-- connection walks its own rotation chain and no token is ever replayed (a replay would revoke
-- the grant and show up as non-2xx).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("report")

local clientId = os.getenv("BENCH_CLIENT_ID")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local queue, head, tail = {}, 1, 0
local seeds = {}

for line in io.lines(os.getenv("BENCH_SEEDS_FILE")) do
  if line ~= "" then table.insert(seeds, line) end
end

function request()
  local token
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  else
    -- A chain broke (or the run is starting): take a fresh pre-minted token.
    token = table.remove(seeds) or "pool-exhausted"
  end
  return wrk.format("POST", "/token", headers,
    "grant_type=refresh_token&client_id=" .. clientId .. "&refresh_token=" .. token)
end

function response(status, headers, body)
  countStatus(status, body)
  local rotated = string.match(body, '"refresh_token":"([^"]+)"')
  if rotated then
    tail = tail + 1
    queue[tail] = rotated
  end
end
