-- Appended to browser.lua: every request asks for a page key never asked
-- before, `<the URL's path>-<salt>-<thread>-<n>-<random>`, so each one misses
-- the thread cache. The URL ends in `?page=/random`. Argument 4: a salt
-- that differs between runs, so no run meets an earlier run's keys.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local salt, tid, n = "0", 0, 0

function flood_init(args)
  salt = args[4] or "0"
  tid = wrk.thread:get("tid") or 0
  math.randomseed(tonumber(salt) % 2147483647 + tid)
end

function request()
  n = n + 1
  local key = string.format("%s-%s-%d-%d-%d", wrk.path, salt, tid, n, math.random(1, 1000000000))
  return wrk.format(nil, key)
end
