-- GET one page with the session of a logged-in owner and report, as one JSON line, the
-- numbers bench/serve_ratio.py turns into its table. Every answer must be BENCH_EXPECT
-- (200): a lost session would answer a fast redirect to the login page, which wrk itself
-- does not count as an error.
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
local extra = os.getenv("BENCH_HEADERS") or ""
for name, value in extra:gmatch("([^:;]+):([^;]*)") do
  wrk.headers[name] = value
end
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  first_unexpected = 0
end

function response(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
    if first_unexpected == 0 then
      first_unexpected = status
    end
  end
end

function done(summary, latency, requests)
  local total, first = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    if first == 0 then
      first = thread:get("first_unexpected")
    end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "socket_errors": %d, "unexpected": %d, "first_unexpected": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, total, first))
end
