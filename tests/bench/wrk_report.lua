-- Loaded by the scripts tests/bench/wrk.py writes, which set these globals first:
--   THREADS   wrk's -t (a thread's share of ROTATION is every THREADS-th entry)
--   EXPECT    nil: every answer must be 2xx; else the statuses allowed, e.g. {[304] = true}
--   METHOD, BODY  the request's method and body (BODY nil: none)
--   ROTATION  nil: wrk's own request (the URL's path and wrk.headers); else a list of
--             {path = ..., auth = ..., bodies = {...}} sent in turn, each by one thread
--   ONCE      with ROTATION: each entry is sent once (a member starts an exam once); a thread
--             whose share is spent sends nothing more and stops
-- Counts the answers by status and those not expected, and prints the figures as one JSON
-- line (WRK_JSON). wrk's own duration is always -d; a thread that stops early makes it
-- wrong, so the first request and the last answer are timed here too (monotonic clock).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } wrk_report_timespec;
int clock_gettime(int clock_id, wrk_report_timespec *tp);
]]
local timespec = ffi.new("wrk_report_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

local threads, next_id = {}, 0

function setup(thread)  -- in the main state, once per thread, before it starts
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  statuses, unexpected, first_bad = {}, 0, ""
  sent, answered, spent, first_us, last_us = 0, 0, false, 0, 0
  if ROTATION then
    -- This thread's share only: an entry is sent by one thread, so each of its visits
    -- sends the next of its bodies and the stored value changes every time.
    mine, pos = {}, 0
    for i, entry in ipairs(ROTATION) do
      if (i - 1) % THREADS == id then
        local headers = {}
        for name, value in pairs(wrk.headers) do headers[name] = value end
        headers["Authorization"] = entry.auth
        entry.headers, entry.visits = headers, 0
        table.insert(mine, entry)
      end
    end
  end
end

function request()
  if first_us == 0 then first_us = now_us() end
  if not ROTATION then
    sent = sent + 1
    return wrk.format(METHOD, nil, nil, BODY)
  end
  if ONCE and (spent or pos >= #mine) then
    -- Nothing more is sent (wrk counts answers, not requests): this connection idles, and
    -- the thread stops once every request it sent is answered (the server did that work).
    spent = true
    if answered >= sent then wrk.thread:stop() end
    return ""
  end
  pos = pos % #mine + 1
  sent = sent + 1
  local entry = mine[pos]
  entry.visits = entry.visits + 1
  local body = BODY
  if entry.bodies then body = entry.bodies[entry.visits % #entry.bodies + 1] end
  return wrk.format(METHOD, entry.path, entry.headers, body)
end

function response(status, headers, body)
  last_us, answered = now_us(), answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local expected
  if EXPECT then expected = EXPECT[status] else expected = status >= 200 and status <= 299 end
  if not expected then
    unexpected = unexpected + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

local function json_text(text)
  return '"' .. string.gsub(text, '[%c"\\]', " ") .. '"'
end

function done(summary, latency, requests)
  local all, unexpected_all, bad, sent_all, spent_all = {}, 0, "", 0, true
  local first, last = nil, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + count end
    unexpected_all = unexpected_all + thread:get("unexpected")
    if bad == "" then bad = thread:get("first_bad") end
    sent_all = sent_all + thread:get("sent")
    spent_all = spent_all and thread:get("spent")
    local t0, t1 = thread:get("first_us"), thread:get("last_us")
    if t0 > 0 and (first == nil or t0 < first) then first = t0 end
    if t1 > last then last = t1 end
  end
  local parts = {}
  for status, count in pairs(all) do table.insert(parts, string.format('"%s": %d', status, count)) end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "answered_span_us": %d, "sent": %d, ' ..
    '"spent": %s, "statuses": {%s}, "unexpected": %d, "first_bad": %s, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, first and (last - first) or 0, sent_all,
    tostring(spent_all), table.concat(parts, ", "), unexpected_all, json_text(bad),
    e.connect, e.read, e.write, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99)))
end
