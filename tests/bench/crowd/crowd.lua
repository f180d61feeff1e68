-- The exam crowd as wrk sees it: one connection per member (tests/bench/crowd/load.py writes a
-- prelude with the globals used below and then runs this file with dofile).
--
-- Each member: GET the quiz (the phone opens the exam page at a random moment of the
-- OPEN_SPREAD seconds from OPEN_FROM: wrk asks delay() before a connection's first request
-- too), wait for its own start moment (uniform in the window), POST start, PUT a changed answer every SAVE_GAP
-- seconds for SAVE_SECONDS, POST submit. wrk gives Lua no connection identity, so every
-- request carries X-Request-Id "<member>-<seq>" (the app echoes it) and response() looks
-- the member up by it. delay() only says how long a connection waits: each response queues
-- its member's next due time; a connection whose timer fires takes the earliest-due member
-- of its thread (timers fire in time order, so that member is due). Latencies are measured
-- here, per kind, with the wall clock (gettimeofday through LuaJIT's ffi). done() writes
-- everything, with the answers each attempt had acknowledged, to RESULTS_FILE as JSON.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } crowd_timeval;
  int gettimeofday(crowd_timeval *tv, void *tz);
]]
local timeval = ffi.new("crowd_timeval")

local function now()  -- seconds since the epoch: comparable across threads, processes, the runner
  ffi.C.gettimeofday(timeval, nil)
  return tonumber(timeval.tv_sec) + tonumber(timeval.tv_usec) * 1e-6
end

local KINDS = {"open", "start", "save", "submit"}
local MAX_RETRIES = 3        -- an open, start or submit that failed is tried again, a second later
local SHOWN_ERRORS = 5
local info_path = "/api/v1/courses/" .. COURSE .. "/quizzes/" .. QUIZ

local function json(value)
  local kind = type(value)
  if kind == "number" then
    if value == math.floor(value) and math.abs(value) < 1e15 then return string.format("%d", value) end
    return string.format("%.6f", value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    local parts = {}
    if value[1] ~= nil or next(value) == nil then
      for _, item in ipairs(value) do table.insert(parts, json(item)) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for key, item in pairs(value) do table.insert(parts, json(tostring(key)) .. ":" .. json(item)) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

-- ---- the main state: one per wrk process --------------------------------------------------

local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- ---- each thread's state ------------------------------------------------------------------

local function new_kind()
  return {latencies_ms = {}, sent_s = {}, ok = 0, errors = 0, statuses = {}, first_errors = {},
          first_sent = 0, last_done = 0}
end

-- A min-heap of members by due time.
local heap, heap_size = {}, 0

local function heap_push(member)
  heap_size = heap_size + 1
  local i = heap_size
  heap[i] = member
  while i > 1 do
    local parent = math.floor(i / 2)
    if heap[parent].due <= heap[i].due then break end
    heap[parent], heap[i] = heap[i], heap[parent]
    i = parent
  end
end

local function heap_pop()
  if heap_size == 0 then return nil end
  local top = heap[1]
  heap[1], heap[heap_size] = heap[heap_size], nil
  heap_size = heap_size - 1
  local i = 1
  while true do
    local left, right, smallest = 2 * i, 2 * i + 1, i
    if left <= heap_size and heap[left].due < heap[smallest].due then smallest = left end
    if right <= heap_size and heap[right].due < heap[smallest].due then smallest = right end
    if smallest == i then break end
    heap[i], heap[smallest] = heap[smallest], heap[i]
    i = smallest
  end
  return top
end

-- Due times the next delay() calls hand out, in the order the responses came.
local waits, waits_first, waits_last = {}, 1, 0

local function queue_wait(due)
  waits_last = waits_last + 1
  waits[waits_last] = due
end

function init(args)
  math.randomseed(SEED + 7919 * id)
  members, by_index = {}, {}
  local line_number = 0
  for line in io.lines(TOKENS_FILE) do
    if line ~= "" then
      if line_number % THREADS == id then
        local member = {index = MEMBER_OFFSET + line_number, auth = "Bearer " .. line, seq = 0,
                        action = "open", retries = 0,
                        start_at = WINDOW_START + math.random() * WINDOW}
        table.insert(members, member)
        by_index[member.index] = member
      end
      line_number = line_number + 1
    end
  end
  results = {thread = id, members = #members, kinds = {}, ledger = {}, unanswered = {}, attempts = {},
             started_at = {}, submitted = 0, failed = 0, unattributed = 0, first_unattributed = {},
             idle_requests = 0}
  for _, kind in ipairs(KINDS) do results.kinds[kind] = new_kind() end
  unfinished, fresh = #members, 0
  checked = (id ~= 0)  -- wrk calls thread 0's request() once to check it, before any connection
end

local function answer_body(choice)
  return '{"response":"' .. choice .. '"}'
end

local function next_save(question)
  -- A different option from the last one sent: every save changes the stored answer.
  local options = question.options
  local choice = options[math.random(#options)]
  if choice == question.sent then
    choice = options[(question.position_of[choice] % #options) + 1]
  end
  question.sent = choice
  return choice
end

function request()
  if not checked then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  local member
  if fresh < #members then
    fresh = fresh + 1
    member = members[fresh]
  else
    member = heap_pop()
  end
  if member == nil then  -- nothing due (only after a response no member could be found for)
    results.idle_requests = results.idle_requests + 1
    return wrk.format("GET", "/healthz", {["X-Request-Id"] = "idle-" .. results.idle_requests})
  end
  member.seq = member.seq + 1
  member.sent_at = now()
  local kind = results.kinds[member.action]
  if kind.first_sent == 0 then kind.first_sent = member.sent_at end
  local headers = {["Authorization"] = member.auth, ["X-Request-Id"] = member.index .. "-" .. member.seq}
  if member.action == "open" then
    return wrk.format("GET", info_path, headers)
  end
  headers["Content-Type"] = "application/json"
  if member.action == "start" then
    return wrk.format("POST", info_path .. "/attempts", headers, '{"exam":' .. EXAM .. '}')
  elseif member.action == "save" then
    local question = member.questions[math.random(#member.questions)]
    member.saving = {question = question.id, choice = next_save(question)}
    return wrk.format("PUT", "/api/v1/attempts/" .. member.attempt .. "/answers/" .. question.id,
                      headers, answer_body(member.saving.choice))
  end
  return wrk.format("POST", "/api/v1/attempts/" .. member.attempt .. "/submit", headers, "")
end

-- The attempt's id and its single-choice questions with their option ids, from the start's JSON.
local function parse_attempt(body)
  local attempt = body:match('^%s*{%s*"id"%s*:%s*(%d+)')
  local section = body:match('"questions"%s*:%s*(%[.*)$')
  if not attempt or not section then return nil end
  local questions = {}
  for question_id, options in section:gmatch('{"id":(%d+),"type":"single".-"options":%[(.-)%]}') do
    local question = {id = question_id, options = {}, position_of = {}}
    for option in options:gmatch('"id":"([^"]+)"') do
      table.insert(question.options, option)
      question.position_of[option] = #question.options
    end
    if #question.options >= 2 then table.insert(questions, question) end
  end
  if #questions == 0 then return nil end
  return attempt, questions
end

local function record_error(kind, status, body, member)
  kind.errors = kind.errors + 1
  if #kind.first_errors < SHOWN_ERRORS then
    table.insert(kind.first_errors, string.format("member %d: %d %s", member.index, status,
                                                  string.sub(body or "", 1, 300)))
  end
end

-- The thread's results as one JSON string: wrk copies strings from a thread's state to the
-- main one safely (its copy of a table unbalances the thread's Lua stack).
local function publish(reason)
  if results_json then return end
  results.finished_at, results.ended = now(), reason
  for _, member in ipairs(members) do  -- a save sent but never answered may have been stored
    if member.action == "save" and member.saving and member.sent_at > (member.answered_at or 0) then
      results.unanswered[member.attempt] = {[member.saving.question] = member.saving.choice}
    end
  end
  results_json = json(results)
  io.write("CROWD_THREAD_DONE ", id, " ", reason, "\n")
  io.stdout:flush()
  wrk.thread:stop()  -- the runner interrupts wrk once every thread has said so
end

local function finish(member, submitted)
  member.action = "done"
  if submitted then results.submitted = results.submitted + 1 else results.failed = results.failed + 1 end
  unfinished = unfinished - 1
  if unfinished == 0 then publish("all members done") end
end

local function retry_or_give_up(member, t)
  member.retries = member.retries + 1
  if member.retries > MAX_RETRIES then
    finish(member, false)
    return nil
  end
  return t + 1
end

local function schedule_after(member, t)
  local due = t + SAVE_GAP_MIN + math.random() * (SAVE_GAP_MAX - SAVE_GAP_MIN)
  member.action = (due >= member.save_until) and "submit" or "save"
  return due
end

-- What the member does next and when; nil when it has finished.
local function advance(member, status, body, t)
  local action = member.action
  local ok = status >= 200 and status < 300
  if action == "open" then
    if not ok then return retry_or_give_up(member, t) end
    member.action = "start"
    return math.max(t, member.start_at)
  elseif action == "start" then
    local attempt, questions = nil, nil
    if ok then attempt, questions = parse_attempt(body) end
    if not attempt then return retry_or_give_up(member, t) end
    member.attempt, member.questions, member.retries = attempt, questions, 0
    member.save_until = t + SAVE_SECONDS
    results.attempts[tostring(member.index)] = tonumber(attempt)
    results.started_at[tostring(member.index)] = t
    results.ledger[attempt] = results.ledger[attempt] or {}
    return schedule_after(member, t)
  elseif action == "save" then
    if ok then  -- a member's saves go one at a time: the last 200 is what must be stored
      results.ledger[member.attempt][member.saving.question] = member.saving.choice
    end
    return schedule_after(member, t)
  end
  -- submit: done when the attempt is no longer in progress
  if ok and not body:match('"state"%s*:%s*"in_progress"') then
    finish(member, true)
    return nil
  end
  return retry_or_give_up(member, t)
end

-- A connection with nothing left to do waits until the thread's give-up moment: if members
-- are still unfinished then, its one request there makes the thread publish what it has.
local function idle_until(t)
  return math.max(GIVE_UP_AT, t)
end

function response(status, headers, body)
  local t = now()
  if t >= GIVE_UP_AT then
    publish("gave up: members still unfinished")
    return
  end
  local request_id = headers["X-Request-Id"] or headers["x-request-id"] or ""
  local index, seq = request_id:match("^(%d+)%-(%d+)$")
  local member = index and by_index[tonumber(index)]
  if not member or member.seq ~= tonumber(seq) then
    if not request_id:match("^idle%-") then  -- an answer nobody can be found for: an error
      results.unattributed = results.unattributed + 1
      if #results.first_unattributed < SHOWN_ERRORS then
        table.insert(results.first_unattributed, status .. " " .. string.sub(body or "", 1, 300))
      end
    end
    queue_wait(idle_until(t))
    return
  end
  member.answered_at = t
  local kind = results.kinds[member.action]
  table.insert(kind.latencies_ms, (t - member.sent_at) * 1000)
  table.insert(kind.sent_s, member.sent_at - WINDOW_START)  -- when, for the report's timeline
  kind.last_done = t
  kind.statuses[tostring(status)] = (kind.statuses[tostring(status)] or 0) + 1
  if status >= 200 and status < 300 then kind.ok = kind.ok + 1 else record_error(kind, status, body, member) end
  local due = advance(member, status, body, t)
  if due then
    member.due = due
    heap_push(member)
    queue_wait(due)
  else
    queue_wait(idle_until(t))
  end
end

function delay()
  if waits_first > waits_last then  -- a new connection: its member opens the exam page soon
    return math.max(0, math.floor((OPEN_FROM + math.random() * OPEN_SPREAD - now()) * 1000))
  end
  local due = waits[waits_first]
  waits[waits_first] = nil
  waits_first = waits_first + 1
  return math.max(0, math.floor((due - now()) * 1000))
end

-- ---- back in the main state: everything to RESULTS_FILE -----------------------------------

function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    table.insert(parts, thread:get("results_json") or "null")  -- null: the thread never published
  end
  local file = assert(io.open(RESULTS_FILE, "w"))
  file:write('{"threads":[', table.concat(parts, ","), '],"requests":', json(summary.requests),
             ',"duration_us":', json(summary.duration), ',"socket_errors":', json(summary.errors), "}")
  file:close()
  io.write("CROWD_RESULTS ", RESULTS_FILE, "\n")
end
