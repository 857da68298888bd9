-- Replays pre-signed requests, each once, from a file of records "<byte length>\n<request bytes>".
-- Arguments: the file, the number of wrk threads, and "sample" to keep the first failed answer.
-- With several wrk threads, thread i takes records i, i+n, i+2n, ...; past the end of its share a
-- thread starts over, and done() reports how many requests were sent so the caller can tell that a
-- round ran out of distinct requests.
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local pool = {}
local position = 0
sent = 0

function init(args)
  local thread_count = tonumber(args[2])
  local file = assert(io.open(args[1], "rb"))
  local index = 0
  while true do
    local header = file:read("*l")
    if not header then break end
    local record = file:read(tonumber(header))
    if index % thread_count == thread_index then pool[#pool + 1] = record end
    index = index + 1
  end
  file:close()
  -- Without a response function wrk does not parse answers at all: measured rounds go without.
  if args[3] ~= "sample" then response = nil end
end

function request()
  position = position + 1
  if position > #pool then position = 1 end
  sent = sent + 1
  return pool[position]
end

failure = ""

function response(status, _, body)
  if status >= 300 and failure == "" then failure = status .. " " .. string.sub(body, 1, 400) end
end

function done(summary, latency, _)
  local total_sent = 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    local failure = thread:get("failure")
    if failure ~= "" then io.write("WRK_FAILURE " .. failure .. "\n") end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"statusErrors":%d,"socketErrors":%d,"timeouts":%d,"sent":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write, errors.timeout, total_sent))
end
