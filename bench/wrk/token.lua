-- The same POST to /token on every request (client credentials): body and Authorization
-- header come from the environment so one script serves every scenario and both servers.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("report")

wrk.method = "POST"
wrk.path = "/token"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

function response(status, headers, body)
  countStatus(status, body)
end
