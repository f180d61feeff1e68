-- Loaded by the scripts tests/bench/wrk.py writes (they set the globals THREADS and, for
-- rotating requests, ROTATION first). Counts answers other than 2xx per thread, rotates
-- over per-request paths and bodies, and prints the figures as one JSON line (WRK_JSON).

local threads, next_id = {}, 0

function setup(thread)  -- in the main state, once per thread, before it starts
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  non2xx, first_bad = 0, ""
  if ROTATION then
    -- This thread's share only: an entry is sent by one thread, so each of its visits
    -- sends the next of its bodies and the stored value changes every time.
    mine, pos = {}, 0
    for i, entry in ipairs(ROTATION) do
      if (i - 1) % THREADS == id then
        entry.visits = 0
        table.insert(mine, entry)
      end
    end
  end
end

if ROTATION then
  function request()
    pos = pos % #mine + 1
    local entry = mine[pos]
    entry.visits = entry.visits + 1
    local body = entry.bodies[entry.visits % #entry.bodies + 1]
    return wrk.format(METHOD, entry.path, {["Authorization"] = entry.auth,
                                           ["Content-Type"] = "application/json"}, body)
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

local function json_text(text)
  return '"' .. string.gsub(text, '[%c"\\]', " ") .. '"'
end

function done(summary, latency, requests)
  local non2xx_total, bad = 0, ""
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    if bad == "" then bad = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "first_bad": %s, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, non2xx_total, json_text(bad),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
