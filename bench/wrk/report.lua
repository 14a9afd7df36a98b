-- Shared by the wrk scripts: counts every response that is not 2xx (wrk's own
-- errors.status only counts >= 400) and prints one JSON line the bench parses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0
firstFailure = ""

function countStatus(status, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if firstFailure == "" then
      firstFailure = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

local function jsonString(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local non2xxTotal, failure = 0, ""
  for _, thread in ipairs(threads) do
    non2xxTotal = non2xxTotal + (thread:get("non2xx") or 0)
    if failure == "" then failure = thread:get("firstFailure") or "" end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"non2xx":%d,"firstFailure":%s,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, non2xxTotal, jsonString(failure),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
