-- HS256 JWT verification for the Stagecast testbed (what jitsi's `token/util.lib.lua` checks: signature, exp, nbf,
-- iss, aud, sub, room). Uses only Prosody's own util.hashes / util.encodings / util.json.
local hashes = require "util.hashes";
local base64 = require "util.encodings".base64;
local json = require "util.json";

local function b64url_decode(s)
  if type(s) ~= "string" or not s:match("^[A-Za-z0-9_%-]*$") then return nil; end
  s = s:gsub("-", "+"):gsub("_", "/");
  local pad = #s % 4;
  if pad == 2 then s = s .. "=="; elseif pad == 3 then s = s .. "="; elseif pad == 1 then return nil; end
  return base64.decode(s);
end

-- Constant-time comparison of two binary strings.
local function equal(a, b)
  if #a ~= #b then return false; end
  local diff = 0;
  for i = 1, #a do
    if a:byte(i) ~= b:byte(i) then diff = diff + 1; end
  end
  return diff == 0;
end

-- Returns claims or nil, reason.
local function verify(token, opts)
  if type(token) ~= "string" then return nil, "no token"; end
  local h64, p64, s64 = token:match("^([^%.]+)%.([^%.]+)%.([^%.]*)$");
  if not h64 then return nil, "token is not a compact JWS"; end
  local header = json.decode(b64url_decode(h64) or "");
  local claims = json.decode(b64url_decode(p64) or "");
  local sig = b64url_decode(s64);
  if type(header) ~= "table" or type(claims) ~= "table" or not sig then return nil, "token is not valid JSON/base64url"; end
  if header.alg ~= "HS256" then return nil, "unsupported alg " .. tostring(header.alg); end
  local expected = hashes.hmac_sha256(opts.secret, h64 .. "." .. p64);
  if not equal(expected, sig) then return nil, "signature mismatch"; end
  local now = os.time();
  if type(claims.exp) ~= "number" or claims.exp < now then return nil, "token expired or without exp"; end
  if type(claims.nbf) == "number" and claims.nbf > now + 5 then return nil, "token not yet valid"; end
  if claims.iss ~= opts.app_id then return nil, "issuer not accepted"; end
  local aud_ok = false;
  for _, a in ipairs(opts.audiences) do if claims.aud == a or a == "*" then aud_ok = true; end end
  if not aud_ok then return nil, "audience not accepted"; end
  if claims.sub ~= "*" and claims.sub ~= opts.domain then return nil, "subject (domain) not accepted"; end
  if claims.room ~= nil and type(claims.room) ~= "string" then return nil, "room claim is not a string"; end
  return claims;
end

return { verify = verify };
