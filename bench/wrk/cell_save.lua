-- The htmx save of one headcount cell, as the grid posts it. Run with as many threads as
-- connections (-t N -c N): each thread then owns one connection and one quarter, posts
-- after each answer, and alternates that quarter's sales between two values so that
-- every request is a real change (a version bump and a recorded Change). The version
-- for the next save is read from the answer, as the page's hidden input would be.
--
-- BENCH_SAVES: "url,version,sales,customer_success,other;..." one quarter per thread.
-- BENCH_HTMX: "true" posts as the grid's htmx does (answered 200 with the redrawn cells);
-- empty posts as the form does without JavaScript (answered 302, nothing drawn).
local cookie = os.getenv("BENCH_COOKIE")
local htmx = (os.getenv("BENCH_HTMX") or "") ~= ""
local csrf = os.getenv("BENCH_CSRF")
local rows = {}
for url, version, sales, cs, other in
  (os.getenv("BENCH_SAVES") or ""):gmatch("([^,;]+),(%d+),(%d+),(%d+),(%d+)") do
  table.insert(rows, {url = url, version = tonumber(version), sales = tonumber(sales),
                      cs = cs, other = other})
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("row", #threads)
end

function init(args)
  local mine = rows[row]
  url, version, sales, cs, other = mine.url, mine.version, mine.sales, mine.cs, mine.other
  pk = url:match("/(%d+)/$")
  flip = 0
  saved, unexpected, first_unexpected = 0, 0, 0
  headers = {
    ["Cookie"] = cookie,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  if htmx then
    headers["HX-Request"] = "true"
  end
end

-- Builds the next save from what the last answer said, changing nothing itself: wrk may
-- ask a thread for a request before its first one is sent, and a save posting the stored
-- value would change nothing (no new version, which the next save would then claim).
function request()
  local body = string.format("sales=%d&customer_success=%s&other=%s&version=%d",
                             sales + 1 - flip, cs, other, version)
  return wrk.format("POST", url, headers, body)
end

function response(status, headers, body)
  local next_version = body:match('id="snapshot%-' .. pk .. '%-version" value="(%d+)"')
  if status == (htmx and 200 or 302) then
    saved = saved + 1
    flip = 1 - flip  -- the stored sales are now the other of the two values
  else
    unexpected = unexpected + 1
    if first_unexpected == 0 then
      first_unexpected = status
    end
  end
  if next_version then
    version = tonumber(next_version)
  elseif status == (htmx and 200 or 302) then
    version = version + 1
  end
end

function done(summary, latency, requests)
  local total_saved, total_unexpected, first = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_saved = total_saved + thread:get("saved")
    total_unexpected = total_unexpected + thread:get("unexpected")
    if first == 0 then
      first = thread:get("first_unexpected")
    end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "socket_errors": %d, "unexpected": %d, "first_unexpected": %d, '
      .. '"saved": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, total_unexpected, first, total_saved))
end
