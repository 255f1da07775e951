-- The headers Chromium sends with the widget's cross-origin fetch() of a
-- thread (a simple CORS GET, no cookies). Arguments after `--`:
--   1: Accept-Encoding, or "" to send none
--   2: Origin, the article's origin
--   3: Referer, the article's URL
function init(args)
  wrk.headers["Accept"] = "*/*"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    .. "(KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
  wrk.headers["sec-ch-ua"] = '"Chromium";v="156", "Not-A.Brand";v="24"'
  wrk.headers["sec-ch-ua-mobile"] = "?0"
  wrk.headers["sec-ch-ua-platform"] = '"Linux"'
  wrk.headers["Sec-Fetch-Site"] = "same-site"
  wrk.headers["Sec-Fetch-Mode"] = "cors"
  wrk.headers["Sec-Fetch-Dest"] = "empty"
  if args[1] ~= nil and args[1] ~= "" then
    wrk.headers["Accept-Encoding"] = args[1]
  end
  wrk.headers["Origin"] = args[2]
  wrk.headers["Referer"] = args[3]
  if flood_init then
    flood_init(args)
  end
end
