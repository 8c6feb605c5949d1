-- Auth provider = jitsi `mod_auth_token` with `allow_empty_token = true`: SASL ANONYMOUS; when the WebSocket URL
-- carried `?token=<jwt>` the token must verify, otherwise SASL fails with <not-allowed/>.
local new_sasl = require "util.sasl".new;
local sasl = require "util.sasl";
local generate_id = require "util.id".medium;
local jwt = module:require "stagecast_jwt";

local app_id = module:get_option_string("stagecast_jwt_app_id");
local app_secret = module:get_option_string("stagecast_jwt_app_secret");
local audiences = module:get_option_array("stagecast_jwt_accepted_audiences", { app_id });

-- RFC 7395 session: the token comes from the HTTP upgrade request (jitsi reads `?token=` the same way).
local function token_of(session)
  if session.auth_token then return session.auth_token; end
  local request = session.websocket_request;
  local query = request and request.url and request.url.query;
  local token = query and query:match("^token=([^&]+)") or (query and query:match("&token=([^&]+)"));
  if token then
    token = token:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)); end);
    session.auth_token = token;
  end
  return token;
end

local provider = {};
function provider.test_password() return nil, "Password based auth not supported"; end
function provider.get_password() return nil; end
function provider.set_password() return nil, "Set password not supported"; end
function provider.user_exists() return nil; end
function provider.create_user() return nil; end
function provider.delete_user() return nil; end
function provider.users() return function() return nil; end; end

function provider.get_sasl_handler(session)
  return new_sasl(module.host, {
    anonymous = function(_, _, _)
      local token = session and token_of(session);
      if token == nil then return true; end
      local claims, reason = jwt.verify(token, {
        secret = app_secret, app_id = app_id, audiences = audiences, domain = module.host;
      });
      if not claims then
        module:log("info", "JWT rejected: %s", reason);
        return false, "not-allowed", "token verification failed: " .. reason;
      end
      session.jitsi_meet_context_user = claims.context and claims.context.user;
      session.jitsi_meet_room = claims.room;
      session.auth_token_claims = claims;
      return true;
    end;
  });
end

module:provides("auth", provider);

-- Like jitsi's mod_auth_token: ANONYMOUS that can fail (util.sasl's stock mechanism retries forever on false).
local function anonymous(self, message) -- luacheck: ignore 212/message
  local username = generate_id():lower();
  local ok, err, text = self.profile.anonymous(self, username, self.realm);
  if ok == true then
    self.username = username;
    return "success";
  end
  return "failure", err or "not-authorized", text;
end
sasl.registerMechanism("ANONYMOUS", { "anonymous" }, anonymous);
