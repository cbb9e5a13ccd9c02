-- wrk: POST /mobile/v1/reports as a signed-in resident, multipart with a 1 MB photo.
-- The body is BENCH_HEAD .. <lat> .. BENCH_MID .. <lng> .. BENCH_TAIL (files written by
-- bench/national_http.py); each request gets its own point near the Ninh Kieu wharf so
-- no two reports are the same place.
local function slurp(name)
  local file = assert(io.open(os.getenv(name), "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

local head, mid, tail = slurp("BENCH_HEAD"), slurp("BENCH_MID"), slurp("BENCH_TAIL")
local headers = {
  ["Content-Type"] = os.getenv("BENCH_CTYPE"),
  ["Authorization"] = os.getenv("BENCH_AUTH"),
}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local lat = string.format("%.6f", 10.030 + math.random() * 0.008)
  local lng = string.format("%.6f", 105.780 + math.random() * 0.010)
  return wrk.format("POST", "/mobile/v1/reports", headers, head .. lat .. mid .. lng .. tail)
end
